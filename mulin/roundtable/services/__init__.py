"""The roundtable service API (see docs/roundtable.md). Other modules import from here only."""

from mulin.roundtable.services.cogov import (
    joint_meeting_record,
    property_evaluation_submit,
    responsibility_add,
    responsibility_set_status,
)
from mulin.roundtable.services.meetings import (
    decision_close_vote,
    decision_open_vote,
    decision_record_consensus,
    meeting_record_attendance,
    meeting_record_minutes,
    meeting_schedule,
    vote_cast,
)
from mulin.roundtable.services.outcome import (
    action_item_file,
    action_items,
    can_post_progress,
    can_rate_topic,
    progress_post,
    reopen_below,
    topic_complete,
    topic_rate,
    topic_settle_rating,
)
from mulin.roundtable.services.topics import topic_escalate, topic_merge, topic_raise, topic_support

__all__ = [
    "action_item_file",
    "action_items",
    "can_post_progress",
    "can_rate_topic",
    "decision_close_vote",
    "decision_open_vote",
    "decision_record_consensus",
    "joint_meeting_record",
    "meeting_record_attendance",
    "meeting_record_minutes",
    "meeting_schedule",
    "progress_post",
    "property_evaluation_submit",
    "reopen_below",
    "responsibility_add",
    "responsibility_set_status",
    "topic_complete",
    "topic_escalate",
    "topic_merge",
    "topic_raise",
    "topic_rate",
    "topic_settle_rating",
    "topic_support",
    "vote_cast",
]
