"""Resident roundtable (百姓圆桌会 / 民生议事会 / 邻里议): topics residents raise about their building,
compound or community, the neighbours who join them ("me too"), the level that handles each topic
(building → compound → community → street) and its history. Action items decided at a roundtable
are work orders (`mulin.workorders`), linked to the topic as their source.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mulin.core.models import BaseModel

TITLE_MAX = 80
TEXT_MAX = 2000
REASON_MAX = 300


class Level(models.TextChoices):
    """Where a topic is handled: the lowest level that can solve it (居民的事,先由居民自己解决)."""

    BUILDING = "building", _("Building")
    COMPOUND = "compound", _("Compound")
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")


LEVEL_ORDER = (Level.BUILDING, Level.COMPOUND, Level.COMMUNITY, Level.STREET)


class Topic(BaseModel):
    """A problem residents raised for their neighbourhood to settle together."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SCHEDULED = "scheduled", _("On a roundtable's agenda")
        DECIDED = "decided", _("Decided")
        IN_PROGRESS = "in_progress", _("Being carried out")
        RATING = "rating", _("Done: residents rate it")
        CLOSED = "closed", _("Closed")
        MERGED = "merged", _("Merged into another topic")

    community = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="topics", verbose_name=_("community")
    )
    # The compound or building the topic is about.
    place = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    # The place's tree path, copied so scoped lists filter one table with an index (no join).
    scope_path = models.CharField(max_length=84, editable=False)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    text = models.TextField(_("what is the problem"), max_length=TEXT_MAX, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.OPEN)
    level = models.CharField(_("level"), max_length=16, choices=Level, default=Level.BUILDING)
    # The unit of the current level (the building, the compound, the community or the street), and
    # its path: its handlers are the people who hold roundtable.handle there.
    level_unit = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("handled at")
    )
    level_path = models.CharField(max_length=84, editable=False)
    raised_by = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="raised_topics")
    # The raiser's name as others see it (masked, 汪**), fixed when raised.
    raiser_name = models.CharField(_("raised by"), max_length=50, blank=True)
    # The raiser asked not to be named on the public board (staff still see who it was).
    anonymous = models.BooleanField(_("do not show my name on the board"), default=False)
    support_count = models.PositiveIntegerField(_("neighbours who joined"), default=0)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_topics"
    )
    reopen_count = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The ratings of the current round (after the action items were done), kept on the row for the board.
    rating_average = models.DecimalField(_("rating"), max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [
            models.Index(fields=["scope_path", "-id"], name="topic_scope_idx"),
            models.Index(fields=["community", "status", "-id"], name="topic_community_idx"),
            models.Index(fields=["raised_by", "-id"], name="topic_raiser_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="topic_title_not_empty"),
            models.CheckConstraint(
                condition=(Q(status="merged") & Q(merged_into__isnull=False))
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="topic_merged_iff_target",
            ),
            models.CheckConstraint(condition=~Q(merged_into=models.F("id")), name="topic_not_merged_into_itself"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("roundtable:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.CLOSED, self.Status.MERGED)

    @property
    def public_name(self) -> str:
        return "" if self.anonymous else self.raiser_name


OPEN_STATUSES = frozenset({Topic.Status.OPEN, Topic.Status.SCHEDULED})


class TopicSupport(models.Model):
    """A neighbour said "me too": once per person and topic."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="supports")
    person = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="topic_supports")
    created_at = models.DateTimeField(default=timezone.now)
    # Carried over from a duplicate merged into this topic.
    carried_from = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "person"], name="topicsupport_once_per_person")]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.person_id}"


class TopicEvent(models.Model):
    """One step of a topic's history, shown on its page: raised, escalated with a reason, merged …"""

    class Verb(models.TextChoices):
        RAISED = "raised", _("Raised")
        ESCALATED = "escalated", _("Escalated")
        MERGED = "merged", _("Merged into another topic")
        ABSORBED = "absorbed", _("A duplicate was merged into this topic")
        SCHEDULED = "scheduled", _("Put on a roundtable's agenda")
        DECIDED = "decided", _("Decided at a roundtable")
        ACTION = "action", _("Action item filed")
        DONE = "done", _("Action items done")
        PROGRESS = "progress", _("Progress reported")
        RATED = "rated", _("Rated")
        REOPENED = "reopened", _("Reopened: residents are not satisfied")
        CLOSED = "closed", _("Closed")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(max_length=16, choices=Verb)
    actor = models.ForeignKey("organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_level = models.CharField(max_length=16, choices=Level, blank=True)
    to_level = models.CharField(max_length=16, choices=Level, blank=True)
    note = models.TextField(max_length=TEXT_MAX, blank=True)
    # The topic this step first happened on, when carried over by a merge.
    carried_from = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["topic", "id"], name="topicevent_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.verb}"


class ProgressPost(models.Model):
    """A supervisor's (or handler's) report on how the action items are going, with photos."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="progress_posts")
    author = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("progress"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["topic", "id"], name="progresspost_topic_idx")]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.pk}"


class Supervisor(models.Model):
    """A resident who supervises a topic's action items for their neighbours (监督员)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="supervisors")
    person = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "person"], name="supervisor_once_per_topic")]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.person_id}"


class TopicRating(models.Model):
    """How satisfied someone who raised or joined the topic is with the outcome (1–5 and a
    comment), once per round (a reopened topic is rated again)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="ratings")
    person = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveSmallIntegerField(_("rating"))
    comment = models.CharField(_("comment"), max_length=REASON_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "person", "round"], name="topicrating_once_per_round"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="topicrating_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.score}"


class TopicPhoto(BaseModel):
    """A photo of the problem or of the progress: re-encoded without metadata, served only through
    a checked view."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="photos")
    progress = models.ForeignKey(ProgressPost, null=True, blank=True, on_delete=models.PROTECT, related_name="photos")
    uploaded_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("topic photo")
        indexes = [models.Index(fields=["topic", "id"], name="topicphoto_topic_idx")]

    def __str__(self) -> str:
        return str(self.uuid)

    def get_absolute_url(self) -> str:
        return reverse("roundtable:photo", args=[self.uuid])


class Meeting(BaseModel):
    """A roundtable (圆桌会): scheduled with an agenda of topics, its participants and their
    attendance, minutes with the positions heard, and its decisions."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")

    community = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="roundtables", verbose_name=_("community")
    )
    # The community's path, copied for scoped lists.
    scope_path = models.CharField(max_length=84, editable=False)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    starts_at = models.DateTimeField(_("starts at"))
    location = models.CharField(_("where"), max_length=120)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.SCHEDULED)
    convened_by = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="+")
    minutes = models.TextField(_("minutes"), max_length=8000, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("roundtable")
        verbose_name_plural = _("roundtables")
        indexes = [models.Index(fields=["scope_path", "-id"], name="meeting_scope_idx")]
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="meeting_title_not_empty")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("roundtable:meeting", args=[self.pk])


class AgendaItem(models.Model):
    """A topic on a roundtable's agenda."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "topic"], name="agendaitem_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.topic_id}"


class Participant(models.Model):
    """Someone invited to a roundtable, in what capacity, and whether they came."""

    class Capacity(models.TextChoices):
        COUNCIL = "council", _("Livelihood council member")
        RESIDENT = "resident", _("Resident who raised or joined a topic")
        RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee (居委会)")
        OWNERS_COMMITTEE = "owners_committee", _("Owners' committee (业委会)")
        PROPERTY = "property", _("Property management (物业)")
        PARTY_MEMBER = "party_member", _("Party member")
        DEPARTMENT = "department", _("Invited department")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="roundtable_seats")
    capacity = models.CharField(_("capacity"), max_length=24, choices=Capacity, default=Capacity.RESIDENT)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="participant_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.person_id}"


class Position(models.Model):
    """A position heard at a roundtable, for its minutes: who spoke (in what capacity) and what."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="positions")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    capacity = models.CharField(_("capacity"), max_length=24, choices=Participant.Capacity)
    said = models.TextField(_("position"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.capacity}"


class Decision(BaseModel):
    """What a roundtable decided about a topic: by a vote among its participants (open or secret
    ballot) or by a recorded consensus."""

    class Method(models.TextChoices):
        VOTE = "vote", _("Vote")
        CONSENSUS = "consensus", _("Consensus")

    class Ballot(models.TextChoices):
        OPEN = "open", _("Open ballot")
        SECRET = "secret", _("Secret ballot")

    class Status(models.TextChoices):
        VOTING = "voting", _("Voting")
        DECIDED = "decided", _("Decided")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="decisions")
    scope_path = models.CharField(max_length=84, editable=False)
    question = models.CharField(_("question"), max_length=200)
    method = models.CharField(_("how"), max_length=16, choices=Method)
    ballot = models.CharField(_("ballot"), max_length=16, choices=Ballot, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.VOTING)
    outcome = models.TextField(_("outcome"), max_length=TEXT_MAX, blank=True)
    winning_option = models.ForeignKey(
        "roundtable.DecisionOption", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(method="vote") & ~Q(ballot="")) | (Q(method="consensus") & Q(ballot="")),
                name="decision_ballot_iff_vote",
            ),
        ]

    def __str__(self) -> str:
        return self.question


class DecisionOption(models.Model):
    """One answer to vote for, with its running total (the only place a secret ballot's choices
    are kept)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["decision", "label"], name="decisionoption_unique_label")]

    def __str__(self) -> str:
        return self.label


class Vote(models.Model):
    """That a participant voted, once per decision (a database constraint). In an open ballot it
    records their choice; in a secret ballot `option` stays empty and only the option's total
    moves, so no row anywhere links a person to a choice."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="cast_votes")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="votes")
    option = models.ForeignKey(DecisionOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "participant"], name="vote_once_per_participant"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} {self.participant_id}"


# --- three-party co-governance (三方共治): 居委会, 业委会 and 物业 of a compound ------------------

ATTENDEES_MAX = 200
ITEM_MAX = 200
NOTE_MAX = 300


class Party(models.TextChoices):
    """The three parties that govern a compound together."""

    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee (居委会)")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee (业委会)")
    PROPERTY = "property", _("Property management (物业)")


class JointMeeting(BaseModel):
    """A regular joint meeting of a compound's three parties: who came for each and what was discussed."""

    compound = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("compound")
    )
    # The compound's path, copied so scoped lists filter one table.
    scope_path = models.CharField(max_length=84, editable=False)
    held_on = models.DateField(_("held on"))
    # Names only (officers as the record names them): the record is read by the compound's residents.
    residents_committee_attendees = models.CharField(_("for the residents' committee"), max_length=ATTENDEES_MAX)
    owners_committee_attendees = models.CharField(_("for the owners' committee"), max_length=ATTENDEES_MAX)
    property_attendees = models.CharField(_("for the property management"), max_length=ATTENDEES_MAX)
    discussed = models.TextField(_("what was discussed"), max_length=TEXT_MAX)
    recorded_by = models.ForeignKey(
        "organizations.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        indexes = [models.Index(fields=["scope_path", "-held_on"], name="jointmeeting_scope_idx")]
        constraints = [
            models.UniqueConstraint(fields=["compound", "held_on"], name="jointmeeting_once_a_day"),
            models.CheckConstraint(condition=~Q(discussed=""), name="jointmeeting_discussed_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.compound_id} {self.held_on}"

    def get_absolute_url(self) -> str:
        return reverse("roundtable:cogov_meeting", args=[self.pk])


class ResponsibilityItem(BaseModel):
    """One line of a compound's responsibility list: what one of the three parties undertook at a
    joint meeting, by when, and whether it is done. Open lines are carried to the next meeting."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="items")
    scope_path = models.CharField(max_length=84, editable=False)
    text = models.CharField(_("item"), max_length=ITEM_MAX)
    party = models.CharField(_("responsible party"), max_length=24, choices=Party)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.OPEN)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("responsibility item")
        verbose_name_plural = _("responsibility items")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["scope_path", "status"], name="responsibility_scope_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="responsibility_text_not_empty"),
            models.CheckConstraint(
                condition=(Q(status="done") & Q(done_on__isnull=False)) | (Q(status="open") & Q(done_on__isnull=True)),
                name="responsibility_done_iff_date",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class PropertyEvaluation(BaseModel):
    """A resident's yearly evaluation of their compound's property service: once a year (a
    database constraint), scores 1–5 on a few aspects and a comment. Read as totals only by
    residents; by aspect (without names) by the three parties and community staff."""

    ASPECTS = ("cleaning", "security", "repairs", "greenery", "attitude")

    compound = models.ForeignKey(
        "organizations.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("compound")
    )
    scope_path = models.CharField(max_length=84, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    person = models.ForeignKey("organizations.Person", on_delete=models.CASCADE, related_name="+")
    cleaning = models.PositiveSmallIntegerField(_("cleaning"))
    security = models.PositiveSmallIntegerField(_("security and order"))
    repairs = models.PositiveSmallIntegerField(_("repairs"))
    greenery = models.PositiveSmallIntegerField(_("greenery"))
    attitude = models.PositiveSmallIntegerField(_("service attitude"))
    comment = models.CharField(_("comment"), max_length=NOTE_MAX, blank=True)

    class Meta:
        verbose_name = _("property service evaluation")
        verbose_name_plural = _("property service evaluations")
        indexes = [models.Index(fields=["scope_path", "year"], name="propertyeval_scope_idx")]
        constraints = [
            models.UniqueConstraint(fields=["compound", "person", "year"], name="propertyeval_once_a_year"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{aspect}__gte": 1, f"{aspect}__lte": 5}), name=f"propertyeval_{aspect}_1_to_5"
                )
                for aspect in ("cleaning", "security", "repairs", "greenery", "attitude")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compound_id} {self.year} {self.person_id}"
