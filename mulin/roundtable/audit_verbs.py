"""What this app's audit codes mean, in the reader's language (core/audit_labels.py)."""

from django.utils.translation import gettext_lazy as _

from mulin.core.audit_labels import register

register(
    {
        "roundtable.raised": _("Topic raised"),
        "roundtable.supported": _("Topic joined (me too)"),
        "roundtable.escalated": _("Topic escalated"),
        "roundtable.merged": _("Topic merged into another"),
        "roundtable.meeting_scheduled": _("Roundtable scheduled"),
        "roundtable.meeting_attendance": _("Roundtable attendance recorded"),
        "roundtable.meeting_minutes": _("Roundtable minutes recorded"),
        "roundtable.vote_opened": _("Vote opened"),
        "roundtable.voted": _("Vote cast"),
        "roundtable.decided": _("Topic decided"),
        "roundtable.action_filed": _("Action item filed"),
        "roundtable.progress": _("Topic progress posted"),
        "roundtable.done": _("Topic's action items done"),
        "roundtable.rated": _("Topic outcome rated"),
        "roundtable.reopened": _("Topic reopened after its rating"),
        "roundtable.closed": _("Topic closed"),
        "roundtable.joint_meeting_recorded": _("Three-party joint meeting recorded"),
        "roundtable.responsibility_added": _("Responsibility item added"),
        "roundtable.responsibility_status_set": _("Responsibility item marked"),
        "roundtable.property_evaluated": _("Property service evaluated"),
    }
)
