"""What this app's audit codes mean, in the reader's language (core/audit_labels.py)."""

from django.utils.translation import gettext_lazy as _

from mulin.core.audit_labels import register

register(
    {
        "points.certificate_issued": _("Points certificate issued"),
        "points.corrected": _("Points corrected"),
        "points.rule_changed": _("Points rule changed"),
    }
)
