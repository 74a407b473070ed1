"""What this app's audit codes mean, in the reader's language (core/audit_labels.py)."""

from django.utils.translation import gettext_lazy as _

from mulin.core.audit_labels import register

register(
    {
        "rosters.assigned": _("Shift assigned"),
        "rosters.checked_in": _("Checked in"),
        "rosters.checked_out": _("Checked out"),
        "rosters.holiday_set": _("Holiday set"),
        "rosters.period_generated": _("Roster period generated"),
        "rosters.pledge_published": _("Pledge published"),
        "rosters.pledge_signed": _("Pledge signed"),
        "rosters.point_created": _("Duty point created"),
        "rosters.point_updated": _("Duty point changed"),
        "rosters.shift_added": _("Shift added"),
        "rosters.shift_cancelled": _("Shift cancelled"),
        "rosters.shift_changed": _("Shift changed"),
        "rosters.signed_up": _("Signed up for a shift"),
        "rosters.template_set": _("Shift template set"),
        "rosters.ticked_absent": _("Marked absent"),
        "rosters.ticked_present": _("Marked present"),
        "rosters.withdrawn": _("Withdrew from a shift"),
        "rosters.autofill_started": _("Roster auto-fill started"),
        "rosters.autofill_applied": _("Roster auto-fill applied"),
        "rosters.leave_requested": _("Leave from a duty requested"),
        "rosters.leave_approved": _("Leave from a duty approved"),
        "rosters.leave_declined": _("Leave from a duty declined"),
        "rosters.leave_withdrawn": _("Leave request withdrawn"),
        "rosters.swap_requested": _("Duty swap requested"),
        "rosters.swap_approved": _("Duty swap approved"),
        "rosters.swap_declined": _("Duty swap declined"),
        "rosters.swap_withdrawn": _("Duty swap request withdrawn"),
    }
)
