"""Who may do what with a topic. One condition per line; the same predicates decide the buttons on
the page, the `actions` the API lists and the checks in the services.

- Everyone registered in a community sees its topics (the public board) and raises topics about its
  compounds and buildings; neighbours join a topic ("me too").
- The handlers of a topic's current level (roundtable.handle at the level's unit: community staff for
  the building, compound and community levels, street staff for the street level) escalate it with
  a reason and merge duplicates.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from mulin.organizations.models import OrgUnit
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.roundtable.models import (
    OPEN_STATUSES,
    Decision,
    JointMeeting,
    Level,
    Meeting,
    ResponsibilityItem,
    Topic,
    TopicPhoto,
)
from mulin.roundtable.selectors import (
    cogov_officer_compound_paths,
    decision_list_visible_to,
    joint_meeting_list_visible_to,
    meeting_list_visible_to,
    responsibility_list_visible_to,
    topic_list_visible_to,
)

C = Capability


def access_topic_by_id(actor: Actor, topic_id: int | str) -> Topic:
    """The topic if the actor may see it; Http404 both for missing topics and for topics the actor
    may not see, so ids cannot be probed."""
    try:
        return topic_list_visible_to(actor).get(pk=int(topic_id))
    except (Topic.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _active(actor: Actor) -> bool:
    return actor.person is not None and actor.person.is_active


def is_raiser(actor: Actor, topic: Topic) -> bool:
    return actor.person_id is not None and actor.person_id == topic.raised_by_id


def can_raise_topic(actor: Actor, place: OrgUnit) -> bool:
    """Residents (and staff) raise topics about the compounds and buildings of their community."""
    if actor.is_system:
        return True
    return _active(actor) and actor.can(C.TOPIC_RAISE, place.path)


def ensure_can_raise_topic(actor: Actor, place: OrgUnit) -> None:
    if not can_raise_topic(actor, place):
        raise PermissionDenied(_("You may raise topics only about your own community."))


def can_support_topic(actor: Actor, topic: Topic) -> bool:
    """A neighbour joins an open topic of their community; the raiser is in it already."""
    if not _active(actor) or is_raiser(actor, topic):
        return False
    return topic.status in OPEN_STATUSES and actor.can(C.TOPIC_RAISE, topic.scope_path)


def ensure_can_support_topic(actor: Actor, topic: Topic) -> None:
    if is_raiser(actor, topic):
        raise PermissionDenied(_("You raised this topic; you are counted already."))
    if not (_active(actor) and actor.can(C.TOPIC_RAISE, topic.scope_path)):
        raise PermissionDenied(_("Only residents of this community may join its topics."))


def can_handle_topic(actor: Actor, topic: Topic) -> bool:
    """The handlers of the topic's current level (or of a level above it)."""
    return actor.can(C.TOPIC_HANDLE, topic.level_path)


def ensure_can_handle_topic(actor: Actor, topic: Topic) -> None:
    if not can_handle_topic(actor, topic):
        raise PermissionDenied(_("Only the handlers of this topic's level may do this."))


def can_escalate_topic(actor: Actor, topic: Topic) -> bool:
    return topic.status in OPEN_STATUSES and topic.level != Level.STREET and can_handle_topic(actor, topic)


def can_merge_topic(actor: Actor, topic: Topic) -> bool:
    return topic.status in OPEN_STATUSES and can_handle_topic(actor, topic)


def can_see_raiser(actor: Actor, topic: Topic) -> bool:
    """Who raised an anonymous topic: the raiser and the community's handlers."""
    return is_raiser(actor, topic) or actor.can(C.TOPIC_HANDLE, topic.scope_path)


def access_photo_by_uuid(actor: Actor, photo_uuid: str) -> TopicPhoto:
    """The photo if the actor may see its topic; 404 otherwise."""
    photo = TopicPhoto.objects.filter(uuid=photo_uuid).first()
    if photo is None:
        raise Http404
    access_topic_by_id(actor, photo.topic_id)
    return photo


def access_meeting_by_id(actor: Actor, meeting_id: int | str) -> Meeting:
    """The roundtable if the actor may see its community's board; Http404 otherwise."""
    try:
        return meeting_list_visible_to(actor).get(pk=int(meeting_id))
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_decision_by_id(actor: Actor, decision_id: int | str) -> Decision:
    try:
        return decision_list_visible_to(actor).get(pk=int(decision_id))
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_run_meeting(actor: Actor, meeting: Meeting) -> bool:
    """The community's staff schedule, record and close."""
    return actor.can(C.TOPIC_HANDLE, meeting.scope_path)


def can_schedule_meetings(actor: Actor) -> bool:
    return actor.can_anywhere(C.TOPIC_HANDLE)


def show_totals(decision: Decision) -> bool:
    """A secret ballot's totals appear only once the vote has closed (running totals would let
    someone watching tell what the last voter chose); an open ballot's at any time."""
    return decision.ballot != Decision.Ballot.SECRET or decision.status == Decision.Status.DECIDED


# --- three-party co-governance -------------------------------------------------------------------


def can_record_joint_meeting(actor: Actor, compound_path: str) -> bool:
    """The compound's community staff and the officers of its three parties record its joint
    meetings and keep the responsibility list."""
    if actor.is_system:
        return True
    if not _active(actor):
        return False
    return actor.can(C.TOPIC_HANDLE, compound_path) or compound_path in cogov_officer_compound_paths(actor)


def ensure_can_record_joint_meeting(actor: Actor, compound_path: str) -> None:
    if not can_record_joint_meeting(actor, compound_path):
        raise PermissionDenied(
            _("Only the community's staff and the officers of the compound's three parties may do this.")
        )


def access_joint_meeting_by_id(actor: Actor, meeting_id: int | str) -> JointMeeting:
    """The joint meeting if the actor may read it; Http404 for missing and not-yours alike."""
    try:
        return joint_meeting_list_visible_to(actor).get(pk=int(meeting_id))
    except (JointMeeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_responsibility_by_id(actor: Actor, item_id: int | str) -> ResponsibilityItem:
    try:
        return responsibility_list_visible_to(actor).get(pk=int(item_id))
    except (ResponsibilityItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
