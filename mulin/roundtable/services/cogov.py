"""Three-party co-governance (三方共治): a compound's regular joint meetings of 居委会, 业委会 and 物业,
and the responsibility list they keep — each item one party's, with a due date, open until done;
open items are carried to the next meeting (selectors.joint_meeting_followups)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.exceptions import StateConflict
from mulin.core.inputs import clean_text
from mulin.organizations.models import OrgUnit
from mulin.organizations.scoping import Actor
from mulin.roundtable.models import (
    ATTENDEES_MAX,
    ITEM_MAX,
    NOTE_MAX,
    TEXT_MAX,
    JointMeeting,
    Party,
    PropertyEvaluation,
    ResponsibilityItem,
)
from mulin.roundtable.permissions import ensure_can_record_joint_meeting
from mulin.roundtable.selectors import property_evaluation_home
from mulin.roundtable.services._common import audit

S = ResponsibilityItem.Status


@transaction.atomic
def joint_meeting_record(
    *,
    actor: Actor,
    compound: OrgUnit,
    held_on: dt.date,
    residents_committee_attendees: str,
    owners_committee_attendees: str,
    property_attendees: str,
    discussed: str,
) -> JointMeeting:
    """Record a joint meeting of `compound`'s three parties held on `held_on` (not in the future;
    one a day): who came for each party (names) and what was discussed.

    Raise PermissionDenied for anyone but the community's staff and the parties' officers,
    ValidationError (nothing written) for a missing name list, an empty record, a future date or a
    second meeting on the same day."""
    ensure_can_record_joint_meeting(actor, compound.path)
    if compound.kind != OrgUnit.Kind.COMPOUND:
        raise ValidationError({"compound": [_("Choose a residential compound.")]})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("Record a meeting once it has been held.")]})
    names = {
        field: clean_text(
            value, field=field, max_length=ATTENDEES_MAX, required=True, message=_("Name who came for this party.")
        )
        for field, value in (
            ("residents_committee_attendees", residents_committee_attendees),
            ("owners_committee_attendees", owners_committee_attendees),
            ("property_attendees", property_attendees),
        )
    }
    discussed = clean_text(
        discussed, field="discussed", max_length=TEXT_MAX, required=True, message=_("Write what was discussed.")
    )
    try:
        with transaction.atomic():
            meeting = JointMeeting.objects.create(
                compound=compound,
                scope_path=compound.path,
                held_on=held_on,
                discussed=discussed,
                recorded_by=actor.person,
                **names,
            )
    except IntegrityError:
        raise ValidationError(
            {"held_on": [_("A joint meeting of this compound is already recorded on that day.")]}
        ) from None
    audit("joint_meeting_recorded", actor, meeting, compound.path, held_on=held_on.isoformat())
    return meeting


@transaction.atomic
def responsibility_add(
    *, actor: Actor, meeting: JointMeeting, text: str, party: str, due_on: dt.date
) -> ResponsibilityItem:
    """Put an item on the responsibility list agreed at `meeting`: what, which of the three parties
    answers for it, and by when (not before the meeting). ValidationError, nothing written, otherwise."""
    ensure_can_record_joint_meeting(actor, meeting.scope_path)
    text = clean_text(text, field="text", max_length=ITEM_MAX, required=True, message=_("Say what is to be done."))
    if party not in Party.values:
        raise ValidationError({"party": [_("Choose one of the three parties.")]})
    if due_on < meeting.held_on:
        raise ValidationError({"due_on": [_("The due date cannot be before the meeting.")]})
    item = ResponsibilityItem.objects.create(
        meeting=meeting, scope_path=meeting.scope_path, text=text, party=party, due_on=due_on
    )
    audit("responsibility_added", actor, item, meeting.scope_path, party=party)
    return item


@transaction.atomic
def responsibility_set_status(
    *, actor: Actor, item: ResponsibilityItem, status: str, note: str = ""
) -> ResponsibilityItem:
    """Mark an item done (dated today) or open again, with a note. The UPDATE is conditional on the
    status it had, so two people marking it at once change it once (StateConflict for the other)."""
    ensure_can_record_joint_meeting(actor, item.scope_path)
    if status not in S.values:
        raise ValidationError({"status": [_("Choose open or done.")]})
    note = clean_text(note, field="note", max_length=NOTE_MAX)
    if status == item.status:
        raise StateConflict(_("This item is already marked so."), code="responsibility_status_conflict")
    done_on = timezone.localdate() if status == S.DONE else None
    changed = ResponsibilityItem.objects.filter(pk=item.pk, status=item.status).update(
        status=status, note=note, done_on=done_on, updated_at=timezone.now()
    )
    if not changed:
        raise StateConflict(_("Someone changed this item meanwhile."), code="responsibility_status_conflict")
    item.refresh_from_db()
    audit("responsibility_status_set", actor, item, item.scope_path, status=status)
    return item


SCORE_FIELDS = PropertyEvaluation.ASPECTS


def property_evaluation_submit(*, actor: Actor, comment: str = "", **scores: int) -> PropertyEvaluation:
    """The actor's evaluation of the property service of the governed compound they live in, for
    this year: a score 1–5 for each aspect and a comment. Once a year (a unique constraint: a second
    one is refused, nothing written); PermissionDenied for someone who does not live in a governed
    compound."""
    compound = property_evaluation_home(actor)
    if compound is None or actor.person is None:
        raise PermissionDenied(_("Only residents of a compound with a property management evaluate its service."))
    errors: dict[str, list[str]] = {}
    for field in SCORE_FIELDS:
        value = scores.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            errors[field] = [_("Give a score from 1 to 5.")]
    if set(scores) - set(SCORE_FIELDS):
        errors["__all__"] = [_("Unknown aspect.")]
    if errors:
        raise ValidationError(errors)
    comment = clean_text(comment, field="comment", max_length=NOTE_MAX)
    year = timezone.localdate().year
    try:
        with transaction.atomic():
            evaluation = PropertyEvaluation.objects.create(
                compound=compound, scope_path=compound.path, year=year, person=actor.person, comment=comment, **scores
            )
    except IntegrityError:
        raise ValidationError({"__all__": [_("You have evaluated the property service this year already.")]}) from None
    audit("property_evaluated", actor, evaluation, compound.path, year=year)
    return evaluation
