"""What this app's audit codes mean, in the reader's language (core/audit_labels.py)."""

from django.utils.translation import gettext_lazy as _

from mulin.core.audit_labels import register

register(
    {
        "stations.station_created": _("Station created"),
        "stations.station_changed": _("Station changed"),
        "stations.room_saved": _("Room saved"),
        "stations.booking_requested": _("Room booking requested"),
        "stations.booking_approved": _("Room booking approved"),
        "stations.booking_declined": _("Room booking declined"),
        "stations.booking_cancelled": _("Room booking cancelled"),
    }
)
