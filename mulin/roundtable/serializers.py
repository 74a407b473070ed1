"""API shapes of the roundtable. What leaves is what the board shows: the raiser's masked name
(none when they asked to stay anonymous), the place, the level and its history. One request
serializer per action; field names are the services' argument names."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mulin.core.masking import mask_name
from mulin.core.middleware import MAX_ID
from mulin.organizations.models import OrgUnit
from mulin.roundtable.models import (
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Decision,
    Meeting,
    Participant,
    Position,
    Topic,
    TopicEvent,
)
from mulin.roundtable.permissions import show_totals
from mulin.roundtable.selectors import decision_open_votes, meeting_agenda, meeting_participants, meeting_positions

ACTION_NAMES = ["support", "escalate", "merge", "actions", "progress", "complete", "rating", "settle"]


class TopicUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class TopicSerializer(serializers.ModelSerializer):
    """A card of the board."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    community = TopicUnitSerializer(read_only=True)
    place = TopicUnitSerializer(read_only=True)
    raised_by = serializers.SerializerMethodField()

    class Meta:
        model = Topic
        fields = [
            "id",
            "title",
            "status",
            "status_label",
            "level",
            "level_label",
            "community",
            "place",
            "raised_by",
            "support_count",
            "merged_into",
            "reopen_count",
            "rating_average",
            "rating_count",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(help_text="The raiser's masked name; empty when anonymous."))
    def get_raised_by(self, topic: Topic) -> str:
        return topic.public_name


class SimilarTopicSerializer(TopicSerializer):
    similarity = serializers.FloatField(help_text="Cosine similarity of TF-IDF character n-grams, 0 to 1.")

    class Meta(TopicSerializer.Meta):
        fields = [*TopicSerializer.Meta.fields, "similarity"]
        read_only_fields = fields


class TopicEventSerializer(serializers.ModelSerializer):
    verb_label = serializers.CharField(source="get_verb_display", read_only=True)

    class Meta:
        model = TopicEvent
        fields = ["verb", "verb_label", "from_level", "to_level", "note", "carried_from", "created_at"]
        read_only_fields = fields


class ActionItemOutSerializer(serializers.Serializer):
    """An action item: a work order (see /api/v1/work-orders/{id}/)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    owner = serializers.CharField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)


class ProgressOutSerializer(serializers.Serializer):
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    photos = serializers.ListField(child=serializers.CharField())


class DecisionBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meeting = serializers.IntegerField()
    question = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.CharField()


class TopicDetailSerializer(TopicSerializer):
    """A topic with its text, photos, history, decisions, action items, progress and rating, and
    what the caller may do next."""

    history = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    action_items = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    supported = serializers.SerializerMethodField()

    class Meta(TopicSerializer.Meta):
        fields = [
            *TopicSerializer.Meta.fields,
            "text",
            "photos",
            "history",
            "decisions",
            "action_items",
            "progress",
            "supported",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(DecisionBriefSerializer(many=True))
    def get_decisions(self, topic: Topic) -> list[dict[str, Any]]:
        return [
            {"id": d.pk, "meeting": d.meeting_id, "question": d.question, "status": d.status, "outcome": d.outcome}
            for d in self.context.get("decisions", [])
        ]

    @extend_schema_field(ActionItemOutSerializer(many=True))
    def get_action_items(self, topic: Topic) -> list[dict[str, Any]]:
        return [
            {"id": o.pk, "title": o.title, "owner": o.assignee_name, "status": o.status, "due_at": o.due_at}
            for o in self.context.get("orders", [])
        ]

    @extend_schema_field(ProgressOutSerializer(many=True))
    def get_progress(self, topic: Topic) -> list[dict[str, Any]]:
        return [
            {
                "note": post.note,
                "created_at": post.created_at,
                "photos": [reverse("roundtable:photo", args=[photo.uuid]) for photo in post.photos.all()],
            }
            for post in self.context.get("progress", [])
        ]

    @extend_schema_field(TopicEventSerializer(many=True))
    def get_history(self, topic: Topic) -> Any:
        return TopicEventSerializer(self.context.get("events", []), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_photos(self, topic: Topic) -> list[str]:
        return [reverse("roundtable:photo", args=[photo.uuid]) for photo in self.context.get("photos", [])]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ACTION_NAMES)))
    def get_actions(self, topic: Topic) -> list[str]:
        return list(self.context.get("actions", []))

    @extend_schema_field(serializers.BooleanField(help_text="Whether the caller has joined this topic."))
    def get_supported(self, topic: Topic) -> bool:
        return bool(self.context.get("supported"))


class PlaceSerializer(serializers.ModelSerializer):
    """A compound or building a topic may be raised about."""

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind"]
        read_only_fields = fields


# --- requests ----------------------------------------------------------------------------------------


class TopicRaiseSerializer(serializers.Serializer):
    place = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("Id of a compound or building (GET /api/v1/topics/places/).")
    )
    title = serializers.CharField(max_length=TITLE_MAX)
    text = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(required=False, default=False)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=3, default=list)


class SupportSerializer(serializers.Serializer):
    """Joining takes no input."""


class EscalateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX)


class MergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("Id of the topic this duplicate is merged into.")
    )


# --- roundtables -------------------------------------------------------------------------------------


class ParticipantSerializer(serializers.ModelSerializer):
    """A seat at a roundtable: the masked name, the capacity, attendance."""

    name = serializers.SerializerMethodField()
    capacity_label = serializers.CharField(source="get_capacity_display", read_only=True)

    class Meta:
        model = Participant
        fields = ["id", "name", "capacity", "capacity_label", "attended"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_name(self, participant: Participant) -> str:
        return mask_name(participant.person.full_name)


class PositionSerializer(serializers.ModelSerializer):
    capacity_label = serializers.CharField(source="get_capacity_display", read_only=True)

    class Meta:
        model = Position
        fields = ["capacity", "capacity_label", "said"]
        read_only_fields = fields


class OptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # (the option's label, not the field's)
    votes = serializers.IntegerField(allow_null=True, help_text="Null while a secret ballot is open.")


class OpenVoteSerializer(serializers.Serializer):
    """Who voted what: open ballots only."""

    participant = serializers.IntegerField()
    name = serializers.CharField()
    option = serializers.IntegerField()


class DecisionSerializer(serializers.ModelSerializer):
    """A decision: the question, how it is decided, the options with their totals (a secret
    ballot's only once it has closed), who voted what (open ballots only) and the outcome."""

    options = serializers.SerializerMethodField()
    votes_cast = serializers.SerializerMethodField()
    open_votes = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "meeting",
            "topic",
            "question",
            "method",
            "ballot",
            "status",
            "outcome",
            "winning_option",
            "decided_at",
            "options",
            "votes_cast",
            "open_votes",
        ]
        read_only_fields = fields

    @extend_schema_field(OptionSerializer(many=True))
    def get_options(self, decision: Decision) -> list[dict[str, Any]]:
        totals = show_totals(decision)
        return [
            {"id": option.pk, "label": option.label, "votes": option.votes if totals else None}
            for option in decision.options.all()
        ]

    @extend_schema_field(serializers.IntegerField())
    def get_votes_cast(self, decision: Decision) -> int:
        return sum(option.votes for option in decision.options.all())

    @extend_schema_field(OpenVoteSerializer(many=True))
    def get_open_votes(self, decision: Decision) -> list[dict[str, Any]]:
        return [
            {
                "participant": vote.participant_id,
                "name": mask_name(vote.participant.person.full_name),
                "option": vote.option_id,
            }
            for vote in decision_open_votes(decision)
        ]


class MeetingSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    community = TopicUnitSerializer(read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "title", "community", "starts_at", "location", "status", "status_label", "held_at"]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    agenda = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()
    positions = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "minutes", "agenda", "participants", "positions", "decisions"]
        read_only_fields = fields

    @extend_schema_field(TopicSerializer(many=True))
    def get_agenda(self, meeting: Meeting) -> Any:
        return TopicSerializer(meeting_agenda(meeting), many=True).data

    @extend_schema_field(ParticipantSerializer(many=True))
    def get_participants(self, meeting: Meeting) -> Any:
        return ParticipantSerializer(meeting_participants(meeting), many=True).data

    @extend_schema_field(PositionSerializer(many=True))
    def get_positions(self, meeting: Meeting) -> Any:
        return PositionSerializer(meeting_positions(meeting), many=True).data

    @extend_schema_field(DecisionSerializer(many=True))
    def get_decisions(self, meeting: Meeting) -> Any:
        return DecisionSerializer(meeting.decisions.prefetch_related("options").order_by("id"), many=True).data


class InviteSerializer(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    capacity = serializers.ChoiceField(choices=Participant.Capacity.choices)


class MeetingScheduleSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX)
    starts_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=120)
    topics = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=20
    )
    invite = InviteSerializer(many=True, required=False, default=list)


class AttendanceSerializer(serializers.Serializer):
    present = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), help_text=_("Ids of the participants who came.")
    )


class PositionInSerializer(serializers.Serializer):
    capacity = serializers.ChoiceField(choices=Participant.Capacity.choices)
    said = serializers.CharField(max_length=TEXT_MAX)


class MinutesSerializer(serializers.Serializer):
    minutes = serializers.CharField(max_length=8000)
    positions = PositionInSerializer(many=True, required=False, default=list)


class VoteSerializer(serializers.Serializer):
    decision = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    option = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class DecisionCreateSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    topic = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    method = serializers.ChoiceField(choices=Decision.Method.choices)
    question = serializers.CharField(max_length=200)
    options = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, default=list, max_length=8
    )
    ballot = serializers.ChoiceField(choices=Decision.Ballot.choices, required=False, default=Decision.Ballot.OPEN)
    outcome = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class DecisionCloseSerializer(serializers.Serializer):
    """Closing a vote takes no input."""


class ActionItemSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX)
    owner = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text=_("Id of the unit that does it (the community, a property management …)."),
    )
    supervisors = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list, max_length=10
    )


class ProgressSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=3, default=list)


class RatingSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=REASON_MAX, required=False, allow_blank=True, default="")
