"""What this app's audit codes mean, in the reader's language (core/audit_labels.py)."""

from django.utils.translation import gettext_lazy as _

from mulin.core.audit_labels import register

register(
    {
        "patrols.river_saved": _("River saved"),
        "patrols.segment_saved": _("River segment saved"),
        "patrols.segment_claimed": _("River segment claimed"),
        "patrols.segment_released": _("River segment claim released"),
        "patrols.logged": _("River patrol logged"),
        "patrols.campaign_started": _("Inspection campaign started"),
        "patrols.inspected": _("Compound inspected"),
        "patrols.campaign_closed": _("Inspection campaign closed"),
    }
)
