"""What this app's audit codes mean, in the reader's language (core/audit_labels.py)."""

from django.utils.translation import gettext_lazy as _

from mulin.core.audit_labels import register

register(
    {
        "activities.created": _("Activity created"),
        "activities.cancelled": _("Activity cancelled"),
        "activities.checked_in": _("Checked in to an activity"),
        "activities.ticked": _("Ticked present at an activity"),
        "activities.series_created": _("Activity series created"),
        "activities.series_cancelled": _("Activity series cancelled"),
        "activities.calendar_reset": _("Calendar address reset"),
    }
)
