"""What this app's audit codes mean, in the reader's language (core/audit_labels.py)."""

from django.utils.translation import gettext_lazy as _

from mulin.core.audit_labels import register

register(
    {
        "health.consent_recorded": _("Health-check consent recorded"),
        "health.consent_withdrawn": _("Health-check consent withdrawn"),
        "health.check_recorded": _("Health readings recorded"),
        "health.check_viewed": _("Someone's health readings shown"),
    }
)
