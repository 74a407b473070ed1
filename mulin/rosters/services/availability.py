"""People say when they can stand duty: weekday × morning/evening, at most how many shifts a
week, and dates they are away. Auto-fill respects all three; nobody else edits them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.organizations.scoping import Actor
from mulin.rosters.models import DayPart, DutyAbsence, DutyAvailability
from mulin.rosters.services.common import clean_text

SLOTS = tuple(f"{weekday}-{part}" for weekday in range(7) for part in DayPart.values)
MAX_ABSENCE_DAYS = 366


def _me(actor: Actor):  # type: ignore[no-untyped-def]
    if actor.person is None:
        raise PermissionDenied(_("This account is not linked to a person."))
    return actor.person


@transaction.atomic
def availability_set(*, actor: Actor, slots: Iterable[str], max_shifts_per_week: Any) -> DutyAvailability:
    """Replace one's weekly availability. No slots means "any time"."""
    person = _me(actor)
    chosen = sorted(set(slots), key=SLOTS.index) if set(slots) <= set(SLOTS) else None
    if chosen is None:
        raise ValidationError({"slots": [_("Choose days and parts of the day from the list.")]})
    try:
        most = int(max_shifts_per_week)
    except (TypeError, ValueError):
        most = 0
    if not 1 <= most <= 14:
        raise ValidationError({"max_shifts_per_week": [_("Choose from 1 to 14 shifts a week.")]})
    availability, _created = DutyAvailability.objects.update_or_create(
        person=person, defaults={"slots": chosen, "max_shifts_per_week": most}
    )
    return availability


@transaction.atomic
def absence_add(*, actor: Actor, starts_on: dt.date, ends_on: dt.date, note: str = "") -> DutyAbsence:
    """Say one is away for some dates (today or later)."""
    person = _me(actor)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The last day cannot be before the first.")]})
    if ends_on < timezone.localdate():
        raise ValidationError({"ends_on": [_("Choose dates from today on.")]})
    if (ends_on - starts_on).days >= MAX_ABSENCE_DAYS:
        raise ValidationError({"ends_on": [_("An absence can last at most a year.")]})
    note = clean_text(note, field="note", max_length=100)
    return DutyAbsence.objects.create(person=person, starts_on=starts_on, ends_on=ends_on, note=note)


@transaction.atomic
def absence_remove(*, actor: Actor, absence: DutyAbsence) -> None:
    if absence.person_id != actor.person_id:
        raise PermissionDenied(_("You can remove only your own absences."))
    absence.delete()
