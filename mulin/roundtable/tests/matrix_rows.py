"""Rows of the permission matrix (mulin/web/tests/test_permission_matrix.py) for the roundtable,
with the objects they act on and what a refusal must leave unchanged.

"Own" is a topic the identity raised about the compound of their community, "same" one a
neighbour raised there, "other" one raised in the other community. Everyone registered sees and
joins the topics of their community (the raiser is counted already: 403); community staff handle
(escalate, merge) those of their community; the street administrator all of the street.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import actor_for_person
from mulin.organizations.tests.factories import SYSTEM, OrgUnitFactory, make_person
from mulin.roundtable import services
from mulin.roundtable.models import (
    OPEN_STATUSES,
    Decision,
    JointMeeting,
    Meeting,
    Participant,
    ProgressPost,
    PropertyEvaluation,
    ResponsibilityItem,
    Supervisor,
    Topic,
    TopicEvent,
    TopicRating,
    TopicSupport,
    Vote,
)
from mulin.roundtable.tests.factories import jpeg_upload
from mulin.web.tests.cast import ANONYMOUS, DISABLED, ROLES, Cast
from mulin.workorders import services as workorders
from mulin.workorders.defaults import ensure_default_categories
from mulin.workorders.models import WorkOrderCategory

TOPIC, TOPIC_PAIR, TOPIC_PHOTO = "topic", "topic_pair", "topic_photo"
MEETING, DECISION, MEETING_VOTE = "rt_meeting", "rt_decision", "rt_meeting_vote"
DECIDED, IN_PROGRESS, RATING = "rt_decided", "rt_in_progress", "rt_rating"
# Ready for the handlers' step: a vote with a vote in it, action items all closed, one rating in.
DECISION_VOTED, ORDERS_DONE, RATED = "rt_decision_voted", "rt_orders_done", "rt_rated"
# Three-party co-governance: a joint meeting of a compound, and an open item of its list.
JOINT_MEETING, RESPONSIBILITY = "rt_joint_meeting", "rt_responsibility"
OBJECT_KINDS = frozenset(
    {TOPIC, TOPIC_PAIR, TOPIC_PHOTO, MEETING, DECISION, MEETING_VOTE, DECIDED, IN_PROGRESS, RATING}
    | {DECISION_VOTED, ORDERS_DONE, RATED, JOINT_MEETING, RESPONSIBILITY}
)
STAFF = frozenset({"worker_cuiyu", "worker_nanyuan", "street_admin"})

OUT = frozenset({ANONYMOUS, DISABLED})
SIGNED_IN = frozenset(ROLES) - OUT
Triple = tuple[int, int, int]
# The duplicate's target of the latest TOPIC_PAIR (its id is the merge request's body), and the
# agenda topic, decision and option of the latest roundtable object.
_LAST_TARGET: list[int] = [0]
_LAST: dict[str, int] = {"topic": 0, "decision": 0, "option": 0, "owner": 0}


def _web(ok: int) -> dict[str, Any]:
    return {role: 302 if role in OUT else ok for role in ROLES}


def _api(ok: int) -> dict[str, Any]:
    return {role: 401 if role in OUT else ok for role in ROLES}


def _objects(table: dict[str, Triple], *, default: Triple, api: bool = False) -> dict[str, Triple]:
    out: Triple = (401, 401, 401) if api else (302, 302, 302)
    return {role: out if role in OUT else table.get(role, default) for role in ROLES}


def _staff(ok: int) -> dict[str, Triple]:
    """Staff handle topics of their own community; the street administrator all."""
    return {"worker_cuiyu": (ok, ok, 404), "worker_nanyuan": (ok, ok, 404), "street_admin": (ok, ok, ok)}


def rows(Route: Any) -> list[Any]:
    """The matrix rows of the roundtable routes."""

    def compound(cast: Cast, role: str) -> OrgUnit:
        return (
            cast.street.cuiyu_compound
            if cast.home_community[role] == cast.street.cuiyu
            else cast.street.nanyuan_compound
        )

    def fresh_topic(cast: Cast, role: str) -> Topic | None:
        """For staff only (others are refused before any body is read): an open topic of their
        community to put on an agenda — the same one for both runs of the mass-assignment test."""
        if role not in STAFF:
            return None
        key = f"_rt_fresh_topic_{role}"
        cached = getattr(cast, key, None)
        if cached is not None and Topic.objects.filter(pk=cached.pk, status__in=OPEN_STATUSES).exists():
            return Topic.objects.get(pk=cached.pk)
        neighbour = cast.plain_in(cast.home_community[role])
        topic = services.topic_raise(
            actor=actor_for_person(neighbour), place=compound(cast, role), title="矩阵待议议题"
        )
        setattr(cast, key, topic)
        return topic

    def schedule_form(cast: Cast, role: str) -> dict[str, Any]:
        topic = fresh_topic(cast, role)
        if topic is None:
            return {"title": ""}
        return {"title": "矩阵圆桌会", "starts_at": "2026-12-20T19:00", "location": "驿站", "topics": [topic.pk]}

    def schedule_api(cast: Cast, role: str) -> dict[str, Any]:
        topic = fresh_topic(cast, role)
        if topic is None:
            return {}
        return {
            "title": "矩阵圆桌会",
            "starts_at": "2026-12-20T19:00:00+08:00",
            "location": "驿站",
            "topics": [topic.pk],
        }

    def consensus_api(cast: Cast, role: str) -> dict[str, Any]:
        topic = fresh_topic(cast, role)
        if topic is None:
            return {}
        key = f"_rt_fresh_meeting_{role}"
        meeting = getattr(cast, key, None)
        if meeting is None or not Meeting.objects.filter(pk=meeting.pk, agenda__topic=topic).exists():
            meeting = services.meeting_schedule(
                actor=SYSTEM,
                community=topic.community,
                title="矩阵圆桌会",
                starts_at=timezone.now() + dt.timedelta(days=1),
                location="驿站",
                topics=[topic],
            )
            setattr(cast, key, meeting)
        return {"meeting": meeting.pk, "topic": topic.pk, "method": "consensus", "question": "矩阵", "outcome": "同意"}

    def raise_topic(cast: Cast, role: str) -> dict[str, Any]:
        return {"place": compound(cast, role).pk, "title": "矩阵议题"}

    seen = _objects({"street_admin": (200, 200, 200)}, default=(200, 200, 404))
    seen_api = _objects({"street_admin": (200, 200, 200)}, default=(200, 200, 404), api=True)
    join = {"worker_cuiyu": (403, 302, 404), "worker_nanyuan": (403, 302, 404), "street_admin": (403, 302, 302)}
    join_api = {k: tuple(200 if s == 302 else s for s in v) for k, v in join.items()}
    handle = _staff(302)
    handle_api = _staff(200)
    reason = {"reason": "矩阵理由"}

    def staff_web(ok: int) -> dict[str, Any]:
        return {role: 302 if role in OUT else ok if role in STAFF else 403 for role in ROLES}

    def staff_api(ok: int) -> dict[str, Any]:
        return {role: 401 if role in OUT else ok if role in STAFF else 403 for role in ROLES}

    run = _staff(302)
    run_api = _staff(200)
    # Participants vote: "own" is a roundtable on the identity's own topic (they sit at it).
    voter = {"street_admin": (302, 403, 403)}
    voter_api = {"street_admin": (200, 403, 403)}
    # The raiser supervises and rates; handlers file, complete and settle (refused with a message
    # while an action item is open or nobody has rated: 302 on the page, 400 through the API).
    own_only = {"street_admin": (302, 403, 403)}
    own_only_api = {"street_admin": (200, 403, 403)}
    # Three-party meetings: everyone reads those of the compound they live in (own and same: the
    # compound of their community), staff record for their community's, the street administrator all.
    cogov_seen = _objects({"street_admin": (200, 200, 200)}, default=(200, 200, 404))
    cogov_seen_api = _objects({"street_admin": (200, 200, 200)}, default=(200, 200, 404), api=True)
    cogov_record = _objects(_staff(302), default=(403, 403, 404))
    cogov_record_api = _objects(_staff(201), default=(403, 403, 404), api=True)
    cogov_mark_api = _objects(_staff(200), default=(403, 403, 404), api=True)

    def record_body(cast: Cast, role: str) -> dict[str, Any] | None:
        if role not in STAFF:
            return None
        unit = _governed(compound(cast, role))
        # The latest free day: the same body for the same database (the mass-assignment test sends
        # it twice, rolled back in between).
        held_on = timezone.localdate()
        while JointMeeting.objects.filter(compound=unit, held_on=held_on).exists():
            held_on -= dt.timedelta(days=1)
        return {
            "compound": unit.pk,
            "held_on": held_on.isoformat(),
            "residents_committee_attendees": "居民小组长",
            "owners_committee_attendees": "业委会主任",
            "property_attendees": "物业经理",
            "discussed": "矩阵议事",
        }

    def evaluate_api(cast: Cast, role: str) -> dict[str, Any]:
        """Everyone in the cast lives in a compound of their community: once it has a property
        management, they evaluate it (the refused, signed out, send nothing that is looked at)."""
        if role not in OUT:
            _governed(compound(cast, role))
        return {"cleaning": 4, "security": 4, "repairs": 3, "greenery": 5, "attitude": 4, "comment": "矩阵"}

    def evaluate_web(cast: Cast, role: str) -> dict[str, Any]:
        return {f"eval-{k}": v for k, v in evaluate_api(cast, role).items()}

    def record_web(cast: Cast, role: str) -> dict[str, Any]:
        body = record_body(cast, role)
        return {f"record-{k}": v for k, v in body.items()} if body else {"record-discussed": "矩阵"}

    def record_api(cast: Cast, role: str) -> dict[str, Any]:
        return record_body(cast, role) or {"discussed": "矩阵"}

    return [
        # --- from decision to done ---
        Route(
            "roundtable:action",
            "POST",
            obj=DECIDED,
            data=lambda c, r: {"action-title": "矩阵事项", "action-owner": _LAST["owner"]},
            expect=_objects(run, default=(403, 403, 404)),
        ),
        Route(
            "roundtable:progress",
            "POST",
            obj=IN_PROGRESS,
            data=lambda c, r: {"progress-note": "矩阵进展"},
            expect=_objects(run, default=(302, 403, 404)),
        ),
        Route("roundtable:complete", "POST", obj=ORDERS_DONE, expect=_objects(run, default=(403, 403, 404))),
        Route(
            "roundtable:rate",
            "POST",
            obj=RATING,
            data=lambda c, r: {"rate-score": "4"},
            expect=_objects(own_only, default=(302, 403, 404)),
        ),
        Route("roundtable:settle", "POST", obj=RATED, expect=_objects(run, default=(403, 403, 404))),
        Route(
            "api:topic-actions",
            "POST",
            obj=DECIDED,
            data=lambda c, r: {"title": "矩阵事项", "owner": _LAST["owner"]},
            expect=_objects(run_api, default=(403, 403, 404), api=True),
            api=True,
        ),
        Route(
            "api:topic-progress",
            "POST",
            obj=IN_PROGRESS,
            data=lambda c, r: {"note": "矩阵进展"},
            expect=_objects(run_api, default=(200, 403, 404), api=True),
            api=True,
        ),
        Route(
            "api:topic-complete",
            "POST",
            obj=ORDERS_DONE,
            expect=_objects(run_api, default=(403, 403, 404), api=True),
            api=True,
        ),
        Route(
            "api:topic-rating",
            "POST",
            obj=RATING,
            data=lambda c, r: {"score": 4},
            expect=_objects(own_only_api, default=(200, 403, 404), api=True),
            api=True,
        ),
        Route(
            "api:topic-settle",
            "POST",
            obj=RATED,
            expect=_objects(run_api, default=(403, 403, 404), api=True),
            api=True,
        ),
        # --- roundtables ---
        Route("roundtable:meetings", expect=_web(200)),
        Route("roundtable:meeting_schedule", expect=staff_web(200)),
        Route("roundtable:meeting_schedule", "POST", expect=staff_web(302), data=schedule_form),
        Route("roundtable:meeting", obj=MEETING, expect=seen),
        Route(
            "roundtable:meeting_attendance",
            "POST",
            obj=MEETING,
            data=lambda c, r: {},
            expect=_objects(run, default=(403, 403, 404)),
        ),
        Route(
            "roundtable:meeting_minutes",
            "POST",
            obj=MEETING,
            data=lambda c, r: {"minutes-minutes": "矩阵纪要"},
            expect=_objects(run, default=(403, 403, 404)),
        ),
        Route(
            "roundtable:decision_create",
            "POST",
            obj=MEETING,
            data=lambda c, r: {
                "decision-topic": _LAST["topic"],
                "decision-method": "consensus",
                "decision-question": "矩阵问题",
                "decision-ballot": "open",
                "decision-outcome": "矩阵共识",
            },
            expect=_objects(run, default=(403, 403, 404)),
        ),
        Route(
            "roundtable:vote",
            "POST",
            obj=DECISION,
            data=lambda c, r: {f"vote-{_LAST['decision']}-option": _LAST["option"]},
            expect=_objects(voter, default=(302, 403, 404)),
        ),
        Route(
            "roundtable:decision_close",
            "POST",
            obj=DECISION_VOTED,
            expect=_objects(run, default=(403, 403, 404)),
        ),
        Route("api:meetings", expect=_api(200), api=True),
        Route("api:meetings", "POST", expect=staff_api(201), data=schedule_api, api=True),
        Route("api:meeting", obj=MEETING, expect=seen_api, api=True),
        Route(
            "api:meeting-attendance",
            "POST",
            obj=MEETING,
            data=lambda c, r: {"present": []},
            expect=_objects(run_api, default=(403, 403, 404), api=True),
            api=True,
        ),
        Route(
            "api:meeting-minutes",
            "POST",
            obj=MEETING,
            data=lambda c, r: {"minutes": "矩阵纪要"},
            expect=_objects(run_api, default=(403, 403, 404), api=True),
            api=True,
        ),
        Route(
            "api:meeting-votes",
            "POST",
            obj=MEETING_VOTE,
            data=lambda c, r: {"decision": _LAST["decision"], "option": _LAST["option"]},
            expect=_objects(voter_api, default=(200, 403, 404), api=True),
            api=True,
        ),
        Route("api:decisions", expect=_api(200), api=True),
        Route(
            "api:decisions",
            "POST",
            expect={role: 401 if role in OUT else 201 if role in STAFF else 400 for role in ROLES},
            data=consensus_api,
            api=True,
        ),
        Route("api:decision", obj=DECISION, expect=seen_api, api=True),
        Route(
            "api:decision-close",
            "POST",
            obj=DECISION_VOTED,
            expect=_objects(run_api, default=(403, 403, 404), api=True),
            api=True,
        ),
        # --- pages ---
        Route("roundtable:list", expect=_web(200)),
        Route("roundtable:create", expect=_web(200)),
        Route("roundtable:create", "POST", expect=_web(302), data=raise_topic),
        Route("roundtable:similar", expect=_web(200), data=lambda c, r: {"title": "绿化带挡光"}),
        Route("roundtable:detail", obj=TOPIC, expect=seen),
        Route("roundtable:photo", obj=TOPIC_PHOTO, expect=seen),
        Route("roundtable:support", "POST", obj=TOPIC, expect=_objects(join, default=(403, 302, 404))),
        Route(
            "roundtable:escalate",
            "POST",
            obj=TOPIC,
            data=lambda c, r: {"escalate-reason": "矩阵理由"},
            expect=_objects(handle, default=(403, 403, 404)),
        ),
        Route(
            "roundtable:merge",
            "POST",
            obj=TOPIC_PAIR,
            data=lambda c, r: {"merge-into": _LAST_TARGET[0]},
            expect=_objects(handle, default=(403, 403, 404)),
        ),
        # --- three-party co-governance ---
        Route("roundtable:cogov", expect=_web(200)),
        Route("roundtable:cogov", "POST", data=record_web, expect=staff_web(302)),
        Route("roundtable:cogov_meeting", obj=JOINT_MEETING, expect=cogov_seen),
        Route(
            "roundtable:cogov_item_add",
            "POST",
            obj=JOINT_MEETING,
            data=lambda c, r: {"item-text": "矩阵事项", "item-party": "property", "item-due_on": "2099-01-01"},
            expect=cogov_record,
        ),
        Route(
            "roundtable:cogov_item_status",
            "POST",
            obj=RESPONSIBILITY,
            data=lambda c, r: {"status": "done", "note": "矩阵"},
            expect=cogov_record,
        ),
        Route("roundtable:cogov_evaluation", expect=_web(200)),
        Route("roundtable:cogov_evaluation", "POST", data=evaluate_web, expect=_web(302)),
        Route("api:cogov-evaluations", expect=_api(200), api=True),
        Route("api:cogov-evaluations", "POST", data=evaluate_api, expect=_api(201), api=True),
        Route("api:cogov-meetings", expect=_api(200), api=True),
        Route("api:cogov-meetings", "POST", data=record_api, expect=staff_api(201), api=True),
        Route("api:cogov-compounds", expect=_api(200), api=True),
        Route("api:cogov-parties", expect=_api(200), api=True),
        Route("api:cogov-meeting", obj=JOINT_MEETING, expect=cogov_seen_api, api=True),
        Route(
            "api:cogov-items",
            "POST",
            obj=JOINT_MEETING,
            data=lambda c, r: {"text": "矩阵事项", "party": "property", "due_on": "2099-01-01"},
            expect=cogov_record_api,
            api=True,
        ),
        Route(
            "api:cogov-item-status",
            "POST",
            obj=RESPONSIBILITY,
            data=lambda c, r: {"status": "done", "note": "矩阵"},
            expect=cogov_mark_api,
            api=True,
        ),
        # --- API ---
        Route("api:topics", expect=_api(200), api=True),
        Route("api:topics", "POST", expect=_api(201), data=raise_topic, api=True),
        Route("api:topic-places", expect=_api(200), api=True),
        Route("api:topic-similar", expect=_api(200), api=True),
        Route("api:topic", obj=TOPIC, expect=seen_api, api=True),
        Route(
            "api:topic-support",
            "POST",
            obj=TOPIC,
            expect=_objects(join_api, default=(403, 200, 404), api=True),  # type: ignore[arg-type]
            api=True,
        ),
        Route(
            "api:topic-escalate",
            "POST",
            obj=TOPIC,
            data=lambda c, r: reason,
            expect=_objects(handle_api, default=(403, 403, 404), api=True),
            api=True,
        ),
        Route(
            "api:topic-merge",
            "POST",
            obj=TOPIC_PAIR,
            data=lambda c, r: {"into": _LAST_TARGET[0]},
            expect=_objects(handle_api, default=(403, 403, 404), api=True),
            api=True,
        ),
    ]


# --- objects --------------------------------------------------------------------------------------


def _raiser(cast: Cast, role: str, which: str) -> tuple[Person, OrgUnit]:
    community = cast.home_community[role] if which != "other" else cast.other_community(role)
    own = cast.person(role)
    place = cast.street.cuiyu_compound if community == cast.street.cuiyu else cast.street.nanyuan_compound
    return (own if which == "own" and own is not None else cast.plain_in(community)), place


_RECORD_DAY = [0]


def _governed(compound: OrgUnit) -> OrgUnit:
    """The compound, with an owners' committee and a property management (as the demo's governed
    compounds have): staff record joint meetings of governed compounds only."""
    for kind, name in ((OrgUnit.Kind.OWNERS_COMMITTEE, "业委会"), (OrgUnit.Kind.PROPERTY_MANAGEMENT, "物业")):
        if not OrgUnit.objects.filter(parent=compound, kind=kind).exists():
            OrgUnitFactory(kind=kind, name=f"{compound.name}{name}", parent=compound)
    return compound


def _joint_target(cast: Cast, kind: str, role: str, which: str) -> dict[str, Any]:
    """A fresh joint meeting of the identity's compound (own and same) or the other community's, with
    an open item."""
    _raiser_person, place = _raiser(cast, role, which)
    _RECORD_DAY[0] += 1
    held_on = timezone.localdate() - dt.timedelta(days=_RECORD_DAY[0])
    meeting = services.joint_meeting_record(
        actor=SYSTEM,
        compound=place,
        held_on=held_on,
        residents_committee_attendees="居民小组长",
        owners_committee_attendees="业委会主任",
        property_attendees="物业经理",
        discussed="矩阵议事",
    )
    if kind == JOINT_MEETING:
        return {"meeting_id": meeting.pk}
    item = services.responsibility_add(actor=SYSTEM, meeting=meeting, text="矩阵事项", party="property", due_on=held_on)
    return {"item_id": item.pk}


def target(cast: Cast, kind: str, role: str, which: str) -> dict[str, Any]:
    """URL arguments of a fresh topic raised by the identity, a neighbour, or a stranger."""
    if kind in (JOINT_MEETING, RESPONSIBILITY):
        return _joint_target(cast, kind, role, which)
    raiser, place = _raiser(cast, role, which)
    topic = services.topic_raise(
        actor=actor_for_person(raiser),
        place=place,
        title="绿化带杂草丛生",
        photos=[jpeg_upload()] if kind == TOPIC_PHOTO else [],
    )
    if kind == TOPIC_PHOTO:
        return {"photo_uuid": topic.photos.get().uuid}
    if kind in (DECIDED, IN_PROGRESS, RATING, ORDERS_DONE, RATED):
        if kind == RATED:
            services.topic_support(actor=actor_for_person(_neighbour_of(cast, raiser, topic)), topic=topic)
        _to_stage(kind, topic, raiser)
        if kind == RATED:
            topic.refresh_from_db()
            services.topic_rate(actor=actor_for_person(_neighbour_of(cast, raiser, topic)), topic=topic, score=4)
        _LAST["owner"] = topic.community_id
        return {"topic_id": topic.pk}
    if kind in (MEETING, DECISION, MEETING_VOTE, DECISION_VOTED):
        meeting = services.meeting_schedule(
            actor=SYSTEM,
            community=topic.community,
            title="矩阵圆桌会",
            starts_at=timezone.now() + dt.timedelta(days=1),
            location="驿站",
            topics=[topic],
        )
        _LAST["topic"] = topic.pk
        if kind == MEETING:
            return {"meeting_id": meeting.pk}
        decision = services.decision_open_vote(
            actor=SYSTEM, meeting=meeting, topic=topic, question="矩阵表决", options=["同意", "反对"], ballot="open"
        )
        _LAST["decision"], _LAST["option"] = decision.pk, decision.options.order_by("order").first().pk  # type: ignore[union-attr]
        if kind == DECISION_VOTED:
            option = decision.options.order_by("order").first()
            assert option is not None
            services.vote_cast(actor=actor_for_person(raiser), decision=decision, option=option)
        return {"meeting_id": meeting.pk} if kind == MEETING_VOTE else {"decision_id": decision.pk}
    if kind == TOPIC_PAIR:
        neighbour = cast.plain_in(topic.community)
        _LAST_TARGET[0] = services.topic_raise(actor=actor_for_person(neighbour), place=place, title="原议题").pk
    return {"topic_id": topic.pk}


def _to_stage(kind: str, topic: Topic, raiser: Person) -> None:
    """Walk a fresh topic through the real services to a decision, an action item being carried
    out (the raiser supervises), or waiting for ratings."""
    ensure_default_categories(WorkOrderCategory)
    meeting = services.meeting_schedule(
        actor=SYSTEM,
        community=topic.community,
        title="矩阵圆桌会",
        starts_at=timezone.now() + dt.timedelta(days=1),
        location="驿站",
        topics=[topic],
    )
    services.decision_record_consensus(actor=SYSTEM, meeting=meeting, topic=topic, question="矩阵", outcome="同意")
    topic.refresh_from_db()
    if kind == DECIDED:
        return
    order = services.action_item_file(
        actor=SYSTEM, topic=topic, title="矩阵事项", owner=topic.community, supervisors=[raiser]
    )
    if kind == IN_PROGRESS:
        return
    workorders.work_order_start(actor=SYSTEM, order=order)
    workorders.work_order_resolve(actor=SYSTEM, order=order, note="已完成", photos=[jpeg_upload()])
    workorders.work_order_verify(actor=SYSTEM, order=order)
    workorders.work_order_close(actor=SYSTEM, order=order)
    topic.refresh_from_db()
    if kind == ORDERS_DONE:
        return
    services.topic_complete(actor=SYSTEM, topic=topic)


def _neighbour_of(cast: Cast, raiser: Person, topic: Topic) -> Person:
    """Someone of the topic's community other than its raiser (made once per cast)."""
    plain = cast.plain_in(topic.community)
    if plain.pk != raiser.pk:
        return plain
    key = f"_rt_neighbour_{topic.community_id}"
    neighbour = getattr(cast, key, None)
    if neighbour is None or not Person.objects.filter(pk=neighbour.pk).exists():
        neighbour = make_person(home=topic.place, full_name="矩阵邻居")
        setattr(cast, key, neighbour)
    return neighbour


def world() -> dict[str, Any]:
    """What a refused request to these routes must not change."""
    return {
        "topics": sorted(Topic.objects.values_list("pk", "status", "level", "support_count", "merged_into")),
        "topic_supports": TopicSupport.objects.count(),
        "topic_events": TopicEvent.objects.count(),
        "meetings": sorted(Meeting.objects.values_list("pk", "status", "minutes")),
        "participants": sorted(Participant.objects.values_list("pk", "attended")),
        "decisions": sorted(Decision.objects.values_list("pk", "status")),
        "votes": Vote.objects.count(),
        "ratings": TopicRating.objects.count(),
        "progress": ProgressPost.objects.count(),
        "supervisors": Supervisor.objects.count(),
        "joint_meetings": JointMeeting.objects.count(),
        "property_evaluations": PropertyEvaluation.objects.count(),
        "responsibilities": sorted(ResponsibilityItem.objects.values_list("pk", "status", "note", "done_on")),
    }
