"""REST endpoints of the roundtable (/api/v1/topics/…). Thin: validate, call one selector or
service, serialise. One endpoint per action, each with its own request schema.
Errors: 400 bad input (nothing changed), 403/404 not allowed, 409 the topic is not in a state
that allows the action (nothing changed)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.core.middleware import MAX_ID
from mulin.organizations.middleware import ActorMixin
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor, subtree_q
from mulin.roundtable import serializers as ser
from mulin.roundtable import services
from mulin.roundtable.models import Level, Meeting, Topic
from mulin.roundtable.permissions import (
    access_decision_by_id,
    access_meeting_by_id,
    access_topic_by_id,
    can_escalate_topic,
    can_handle_topic,
    can_merge_topic,
    can_schedule_meetings,
    can_see_raiser,
    can_support_topic,
)
from mulin.roundtable.selectors import (
    decision_list_visible_to,
    meeting_list_visible_to,
    owner_choices_for,
    place_choices_for,
    topic_decisions,
    topic_events,
    topic_list_similar,
    topic_list_visible_to,
    topic_people,
    topic_photos,
    topic_progress,
    topic_supported_by,
)

ERRORS = {
    400: OpenApiResponse(description="Invalid input; nothing was changed."),
    403: OpenApiResponse(description="Not allowed."),
    404: OpenApiResponse(description="No such topic, or not visible to you."),
}
CONFLICT = {409: OpenApiResponse(description="The topic is not in a state that allows this action; nothing changed.")}


def topic_actions(actor: Actor, topic: Topic) -> list[str]:
    handles = can_handle_topic(actor, topic)
    checks = {
        "support": can_support_topic(actor, topic),
        "escalate": can_escalate_topic(actor, topic),
        "merge": can_merge_topic(actor, topic),
        "actions": handles and topic.status in (Topic.Status.DECIDED, Topic.Status.IN_PROGRESS),
        "progress": services.can_post_progress(actor, topic),
        "complete": handles and topic.status == Topic.Status.IN_PROGRESS,
        "rating": services.can_rate_topic(actor, topic),
        "settle": handles and topic.status == Topic.Status.RATING and topic.rating_count > 0,
    }
    return [name for name, allowed in checks.items() if allowed]


def detail_data(actor: Actor, topic: Topic) -> dict[str, Any]:
    context = {
        "events": topic_events(topic),
        "photos": topic_photos(topic),
        "actions": topic_actions(actor, topic),
        "supported": topic_supported_by(topic, actor.person_id),
        "decisions": topic_decisions(topic),
        "orders": services.action_items(topic),
        "progress": topic_progress(topic),
    }
    data: dict[str, Any] = ser.TopicDetailSerializer(topic, context=context).data
    if can_see_raiser(actor, topic):
        data["raised_by"] = topic.raiser_name
    return data


class TopicListApi(ActorMixin, generics.ListAPIView):
    serializer_class = ser.TopicSerializer
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        statuses = None
        if params.get("status"):
            statuses = params.getlist("status")
            if set(statuses) - set(Topic.Status.values):
                raise ValidationError({"status": [_("Unknown status.")]})
        level = params.get("level") or None
        if level is not None and level not in Level.values:
            raise ValidationError({"level": [_("Unknown level.")]})
        return topic_list_visible_to(self.actor, statuses=statuses, level=level)

    @extend_schema(
        operation_id="roundtable_topics_list",
        summary="Topics of the caller's community (newest first, cursor-paginated)",
        parameters=[
            OpenApiParameter("status", str, enum=Topic.Status.values, many=True, description="One or more statuses"),
            OpenApiParameter("level", str, enum=Level.values, description="Only topics handled at this level"),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not self.actor.can_anywhere(Capability.TOPIC_VIEW):
            raise PermissionDenied(_("You may not see the roundtable."))
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="roundtable_topics_raise",
        summary="Raise a topic about a compound or building (JSON, or multipart with up to 3 photos)",
        request={"application/json": ser.TopicRaiseSerializer, "multipart/form-data": ser.TopicRaiseSerializer},
        responses={201: ser.TopicDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = ser.TopicRaiseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        place = place_choices_for(self.actor).filter(pk=data.pop("place")).first()
        if place is None:
            raise ValidationError({"place": [_("Choose a compound or building of your community.")]})
        topic = services.topic_raise(actor=self.actor, place=place, **data)
        return Response(
            detail_data(self.actor, access_topic_by_id(self.actor, topic.pk)), status=status.HTTP_201_CREATED
        )


class TopicDetailApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_topics_retrieve",
        summary="One topic with its history and the actions the caller may take",
        responses={200: ser.TopicDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, topic_id: int) -> Response:
        return Response(detail_data(self.actor, access_topic_by_id(self.actor, topic_id)))


class TopicPlacesApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_places_list",
        summary="Compounds and buildings the caller may raise topics about (the `place` POST /topics/ takes)",
        responses={200: ser.PlaceSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(ser.PlaceSerializer(place_choices_for(self.actor)[:500], many=True).data)


class TopicSimilarApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_topics_similar",
        summary="Open topics of the caller's community that read like `text` (suggested while typing), best first",
        parameters=[OpenApiParameter("text", str, required=True, description="What the resident has typed so far")],
        responses={200: ser.SimilarTopicSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        text = request.query_params.get("text", "")
        if len(text) > 500:
            raise ValidationError(
                {"text": [_("Use at most %(max)s characters (this has %(n)s).") % {"max": 500, "n": len(text)}]}
            )
        if not self.actor.can_anywhere(Capability.TOPIC_VIEW):
            raise PermissionDenied(_("You may not see the roundtable."))
        found = topic_list_similar(self.actor, text)
        rows = [{**ser.TopicSerializer(topic).data, "similarity": round(score, 3)} for topic, score in found]
        return Response(rows)


class TopicSupportApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_topics_support",
        summary='Join a topic ("me too"); once per person',
        request=None,
        responses={200: ser.TopicDetailSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, topic_id: int) -> Response:
        topic = access_topic_by_id(self.actor, topic_id)
        topic = services.topic_support(actor=self.actor, topic=topic)
        return Response(detail_data(self.actor, topic))


class TopicEscalateApi(ActorMixin, APIView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="roundtable_topics_escalate",
        summary="Hand a topic to the next level up, with a reason (handlers of its current level)",
        request=ser.EscalateSerializer,
        responses={200: ser.TopicDetailSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, topic_id: int) -> Response:
        topic = access_topic_by_id(self.actor, topic_id)
        serializer = ser.EscalateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        topic = services.topic_escalate(actor=self.actor, topic=topic, **serializer.validated_data)
        return Response(detail_data(self.actor, topic))


class TopicMergeApi(ActorMixin, APIView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="roundtable_topics_merge",
        summary="Merge this duplicate into another topic (supporters and history carried over)",
        request=ser.MergeSerializer,
        responses={200: ser.TopicDetailSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, topic_id: int) -> Response:
        topic = access_topic_by_id(self.actor, topic_id)
        serializer = ser.MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        into = topic_list_visible_to(self.actor).filter(pk=serializer.validated_data["into"]).first()
        if into is None:
            raise ValidationError({"into": [_("There is no such topic in your reach.")]})
        into = services.topic_merge(actor=self.actor, topic=topic, into=into)
        return Response(detail_data(self.actor, access_topic_by_id(self.actor, into.pk)))


# --- roundtables and decisions -------------------------------------------------------------------------


def _invitees(community: OrgUnit, rows: list[dict[str, Any]]) -> list[tuple[Person, str]]:
    """People of the community (living or holding a role there) with their capacity."""
    ids = [row["person"] for row in rows]
    people = {
        person.pk: person
        for person in Person.objects.filter(pk__in=ids)
        .filter(
            subtree_q("home_unit__path", community.path) | subtree_q("role_assignments__unit__path", community.path)
        )
        .distinct()
    }
    if set(ids) - set(people):
        raise ValidationError({"invite": [_("Invite people of this community.")]})
    return [(people[row["person"]], row["capacity"]) for row in rows]


def meeting_data(meeting: Meeting) -> dict[str, Any]:
    return dict(ser.MeetingDetailSerializer(meeting).data)


class MeetingListApi(ActorMixin, generics.ListAPIView):
    serializer_class = ser.MeetingSerializer
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return meeting_list_visible_to(self.actor)

    @extend_schema(operation_id="roundtable_meetings_list", summary="Roundtables of the caller's community")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="roundtable_meetings_schedule",
        summary="Schedule a roundtable on open topics (community staff); raisers and supporters are invited",
        request=ser.MeetingScheduleSerializer,
        responses={201: ser.MeetingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        if not can_schedule_meetings(self.actor):
            raise PermissionDenied(_("Only the community's staff may run its roundtables."))
        serializer = ser.MeetingScheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        topics = list(topic_list_visible_to(self.actor).filter(pk__in=data["topics"]))
        if len(topics) != len(set(data["topics"])):
            raise ValidationError({"topics": [_("Choose open topics of this community.")]})
        community = topics[0].community
        meeting = services.meeting_schedule(
            actor=self.actor,
            community=community,
            title=data["title"],
            starts_at=data["starts_at"],
            location=data["location"],
            topics=topics,
            invite=_invitees(community, data["invite"]),
        )
        return Response(meeting_data(meeting), status=status.HTTP_201_CREATED)


class MeetingDetailApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_meetings_retrieve",
        summary="A roundtable: agenda, participants and attendance, minutes, positions, decisions",
        responses={200: ser.MeetingDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, meeting_id: int) -> Response:
        return Response(meeting_data(access_meeting_by_id(self.actor, meeting_id)))


class MeetingAttendanceApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_meetings_attendance",
        summary="Record who came (community staff)",
        request=ser.AttendanceSerializer,
        responses={200: ser.MeetingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = access_meeting_by_id(self.actor, meeting_id)
        serializer = ser.AttendanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_record_attendance(actor=self.actor, meeting=meeting, **serializer.validated_data)
        return Response(meeting_data(meeting))


class MeetingMinutesApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_meetings_minutes",
        summary="Record the minutes and the positions heard; the roundtable is held (community staff)",
        request=ser.MinutesSerializer,
        responses={200: ser.MeetingDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = access_meeting_by_id(self.actor, meeting_id)
        serializer = ser.MinutesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        meeting = services.meeting_record_minutes(
            actor=self.actor,
            meeting=meeting,
            minutes=data["minutes"],
            positions=[(row["capacity"], row["said"]) for row in data["positions"]],
        )
        return Response(meeting_data(meeting))


class MeetingVoteApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_meetings_vote",
        summary="Vote once on a question of this roundtable (participants only; secret ballots keep totals only)",
        request=ser.VoteSerializer,
        responses={200: ser.DecisionSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        meeting = access_meeting_by_id(self.actor, meeting_id)
        serializer = ser.VoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = meeting.decisions.filter(pk=serializer.validated_data["decision"]).first()
        if decision is None:
            raise ValidationError({"decision": [_("Choose a question of this roundtable.")]})
        option = decision.options.filter(pk=serializer.validated_data["option"]).first()
        if option is None:
            raise ValidationError({"option": [_("Choose one of this question's options.")]})
        decision = services.vote_cast(actor=self.actor, decision=decision, option=option)
        return Response(ser.DecisionSerializer(access_decision_by_id(self.actor, decision.pk)).data)


class DecisionListApi(ActorMixin, generics.ListAPIView):
    serializer_class = ser.DecisionSerializer
    filter_backends: list[Any] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        meeting = params.get("meeting") or ""
        topic = params.get("topic") or ""
        for name, value in (("meeting", meeting), ("topic", topic)):
            if value and not (value.isdigit() and int(value) <= MAX_ID):
                raise ValidationError({name: [_("Enter a whole number.")]})
        return decision_list_visible_to(
            self.actor, meeting_id=int(meeting) if meeting else None, topic_id=int(topic) if topic else None
        )

    @extend_schema(
        operation_id="roundtable_decisions_list",
        summary="Decisions of the caller's community (filter by meeting or topic)",
        parameters=[OpenApiParameter("meeting", int), OpenApiParameter("topic", int)],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="roundtable_decisions_create",
        summary="Put a question on an agenda topic to the vote (2-8 options, open or secret) or record a consensus",
        request=ser.DecisionCreateSerializer,
        responses={201: ser.DecisionSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        serializer = ser.DecisionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        meeting = access_meeting_by_id(self.actor, data["meeting"])
        topic = access_topic_by_id(self.actor, data["topic"])
        if data["method"] == "vote":
            decision = services.decision_open_vote(
                actor=self.actor,
                meeting=meeting,
                topic=topic,
                question=data["question"],
                options=data["options"],
                ballot=data["ballot"],
            )
        else:
            decision = services.decision_record_consensus(
                actor=self.actor, meeting=meeting, topic=topic, question=data["question"], outcome=data["outcome"]
            )
        return Response(
            ser.DecisionSerializer(access_decision_by_id(self.actor, decision.pk)).data, status=status.HTTP_201_CREATED
        )


class DecisionDetailApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_decisions_retrieve",
        summary="One decision with its options and totals",
        responses={200: ser.DecisionSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, decision_id: int) -> Response:
        return Response(ser.DecisionSerializer(access_decision_by_id(self.actor, decision_id)).data)


class DecisionCloseApi(ActorMixin, APIView):
    @extend_schema(
        operation_id="roundtable_decisions_close",
        summary="Close a vote: the option with most votes wins and the topic is decided (community staff)",
        request=None,
        responses={200: ser.DecisionSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, decision_id: int) -> Response:
        decision = access_decision_by_id(self.actor, decision_id)
        decision = services.decision_close_vote(actor=self.actor, decision=decision)
        return Response(ser.DecisionSerializer(access_decision_by_id(self.actor, decision.pk)).data)


# --- from decision to done ------------------------------------------------------------------------------


class _TopicActionApi(ActorMixin, APIView):
    parser_classes = [JSONParser, MultiPartParser]

    def done(self, topic_id: int) -> Response:
        return Response(detail_data(self.actor, access_topic_by_id(self.actor, topic_id)))


class TopicActionItemApi(_TopicActionApi):
    @extend_schema(
        operation_id="roundtable_topics_action_item",
        summary="File an action item of a decided topic as a work order for its owner, with resident supervisors",
        request=ser.ActionItemSerializer,
        responses={200: ser.TopicDetailSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, topic_id: int) -> Response:
        topic = access_topic_by_id(self.actor, topic_id)
        if not can_handle_topic(self.actor, topic):
            raise PermissionDenied(_("Only the handlers of this topic's level may do this."))
        serializer = ser.ActionItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        owner = owner_choices_for(topic).filter(pk=data["owner"]).first()
        if owner is None:
            raise ValidationError(
                {"owner": [_("Choose the community, a property management or a partner unit of it.")]}
            )
        people = [p for p in topic_people(topic) if p.pk in data["supervisors"]]
        if len(people) != len(set(data["supervisors"])):
            raise ValidationError({"supervisors": [_("Choose supervisors among the people who joined.")]})
        services.action_item_file(actor=self.actor, topic=topic, title=data["title"], owner=owner, supervisors=people)
        return self.done(topic.pk)


class TopicProgressApi(_TopicActionApi):
    @extend_schema(
        operation_id="roundtable_topics_progress",
        summary="Post progress with photos (the topic's supervisors and handlers)",
        request={"application/json": ser.ProgressSerializer, "multipart/form-data": ser.ProgressSerializer},
        responses={200: ser.TopicDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, topic_id: int) -> Response:
        topic = access_topic_by_id(self.actor, topic_id)
        serializer = ser.ProgressSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.progress_post(actor=self.actor, topic=topic, **serializer.validated_data)
        return self.done(topic.pk)


class TopicCompleteApi(_TopicActionApi):
    @extend_schema(
        operation_id="roundtable_topics_complete",
        summary="All action items are closed: ask everyone who raised or joined to rate (handlers)",
        request=None,
        responses={200: ser.TopicDetailSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, topic_id: int) -> Response:
        topic = access_topic_by_id(self.actor, topic_id)
        services.topic_complete(actor=self.actor, topic=topic)
        return self.done(topic.pk)


class TopicRatingApi(_TopicActionApi):
    @extend_schema(
        operation_id="roundtable_topics_rating",
        summary="Rate the outcome 1-5 with a comment (those who raised or joined, once per round)",
        request=ser.RatingSerializer,
        responses={200: ser.TopicDetailSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, topic_id: int) -> Response:
        topic = access_topic_by_id(self.actor, topic_id)
        serializer = ser.RatingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.topic_rate(actor=self.actor, topic=topic, **serializer.validated_data)
        return self.done(topic.pk)


class TopicSettleApi(_TopicActionApi):
    @extend_schema(
        operation_id="roundtable_topics_settle",
        summary="Settle the ratings before everyone has rated: below the threshold it reopens, else it closes",
        request=None,
        responses={200: ser.TopicDetailSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, topic_id: int) -> Response:
        topic = access_topic_by_id(self.actor, topic_id)
        services.topic_settle_rating(actor=self.actor, topic=topic)
        return self.done(topic.pk)
