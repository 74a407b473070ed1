"""What this app's audit codes mean, in the reader's language (core/audit_labels.py)."""

from django.utils.translation import gettext_lazy as _

from mulin.core.audit_labels import register

register(
    {
        "workorders.reported": _("Work order reported"),
        "workorders.accepted": _("Work order accepted"),
        "workorders.dispatched": _("Work order dispatched"),
        "workorders.reassigned": _("Work order reassigned"),
        "workorders.returned": _("Work order returned"),
        "workorders.started": _("Work order started"),
        "workorders.resolved": _("Work order resolved"),
        "workorders.sent_back": _("Work order sent back"),
        "workorders.verified": _("Work order verified"),
        "workorders.closed": _("Work order closed"),
        "workorders.reopened": _("Work order reopened"),
        "workorders.rated": _("Work order rated"),
        "workorders.late_to_accept": _("Work order late to be accepted"),
        "workorders.overdue": _("Work order overdue"),
        "workorders.escalated": _("Work order escalated"),
        "workorders.department_saved": _("Department saved"),
        "workorders.open311_key_issued": _("Open311 key issued"),
        "workorders.open311_key_revoked": _("Open311 key revoked"),
    }
)
