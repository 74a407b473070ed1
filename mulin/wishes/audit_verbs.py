"""What this app's audit codes mean, in the reader's language (core/audit_labels.py)."""

from django.utils.translation import gettext_lazy as _

from mulin.core.audit_labels import register

register(
    {
        "wishes.submitted": _("Wish posted"),
        "wishes.published": _("Wish published"),
        "wishes.rejected": _("Wish not published"),
        "wishes.claimed": _("Wish claimed"),
        "wishes.released": _("Wish released"),
        "wishes.fulfilled": _("Wish reported fulfilled"),
        "wishes.closed": _("Wish closed"),
        "wishes.withdrawn": _("Wish withdrawn"),
        "wishes.contact_viewed": _("Wisher's contact shown"),
        "wishes.category_saved": _("Wish category saved"),
        "wishes.claim_expired": _("Wish claim expired"),
        "wishes.unclaimed_alert": _("Unclaimed wish alert"),
    }
)
