"""Numbers held by someone outside the caller's scope (issue 9, item 10).

Registering a mobile or ID number that a person outside the caller's scope already has must not
confirm that the number is registered: the registration goes through as any other, the new
record keeps the number without its lookup index (the unique index stays with the first record),
a `PersonDuplicate` row asks the street's people managers to merge the two, and an account that
sends more than MULIN_DUPLICATE_REPORTS_PER_HOUR such numbers in an hour has every registration
refused for the rest of the hour. A number held by someone the caller can see is a plain 409, as
before. Used by person_register/person_update (services) and the import (bulk).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mulin.core.audit import audit_record
from mulin.core.ratelimit import RateLimited
from mulin.organizations.models import Person, PersonDuplicate, Role
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import community_staff, person_list_visible_to, street_of

_DUPLICATE_MESSAGES = {
    "phone": gettext_lazy("Someone with this mobile number is already registered."),
    "id_number": gettext_lazy("Someone with this ID number is already registered."),
}


@dataclass(frozen=True)
class HeldNumber:
    """A number the new record keeps without its index, and the person outside scope who has it."""

    field: str
    index: str
    existing: Person


def duplicate_reports_rate_check(actor: Actor) -> None:
    """Refuse every registration by an account that sent too many numbers to the street for
    merging in the last hour: the refusal does not depend on the number being registered, so it
    cannot be used to probe numbers either."""
    if actor.person_id is None or actor.is_system:
        return
    limit = int(settings.MULIN_DUPLICATE_REPORTS_PER_HOUR)
    since = timezone.now() - dt.timedelta(hours=1)
    if PersonDuplicate.objects.filter(reported_by_id=actor.person_id, created_at__gte=since).count() >= limit:
        raise RateLimited(
            _(
                "You registered several people whose numbers the street office must check first. "
                "Please try again in an hour, or ask the street office."
            )
        )


def identity_split(
    actor: Actor, fields: dict[str, Any], *, exclude_pk: int | None = None
) -> tuple[dict[str, list[str]], list[HeldNumber]]:
    """Sort the numbers already registered into those of people the actor may see (a 409 that
    names the field, as before) and those of people outside the actor's scope, which are held
    for the street to merge — the answer then looks like any registration."""
    errors: dict[str, list[str]] = {}
    held: list[HeldNumber] = []
    others = Person.objects.exclude(pk=exclude_pk) if exclude_pk else Person.objects.all()
    visible = person_list_visible_to(actor, Capability.PEOPLE_VIEW)
    for name in ("phone", "id_number"):
        index = fields.get(f"{name}_index")
        if not index:
            continue
        existing = others.filter(**{f"{name}_index": index}).first()
        # A number held earlier by a record the actor can see is a duplicate in scope as well.
        held_before = PersonDuplicate.objects.filter(field=name, value_index=index, resolved_at__isnull=True)
        if exclude_pk:
            held_before = held_before.exclude(person_id=exclude_pk)
        if (existing is not None and visible.filter(pk=existing.pk).exists()) or visible.filter(
            pk__in=held_before.values("person_id")
        ).exists():
            errors[name] = [str(_DUPLICATE_MESSAGES[name])]
        elif existing is not None:
            held.append(HeldNumber(name, index, existing))
    return errors, held


def hold(fields: dict[str, Any], held: list[HeldNumber]) -> None:
    for number in held:
        fields[f"{number.field}_index"] = None


def report_held(actor: Actor, person: Person, held: list[HeldNumber]) -> None:
    """Record each held number for the street's people managers and tell them (no number in it)."""
    if not held:
        return
    street = street_of(person.home_unit) if person.home_unit is not None else None
    scope_path = street.path if street is not None else ""
    PersonDuplicate.objects.bulk_create(
        [
            PersonDuplicate(
                person=person,
                existing=number.existing,
                field=number.field,
                value_index=number.index,
                reported_by_id=actor.person_id,
                scope_path=scope_path,
            )
            for number in held
        ]
    )
    audit_record(
        actor=actor.person,
        verb="person.duplicate_reported",
        target=person,
        scope_path=scope_path,
        data={"fields": sorted(number.field for number in held)},
    )
    if street is not None:
        from mulin.notifications.services import notification_send  # notifications sits above people
        from mulin.organizations.kinds import PERSON_DUPLICATE_REPORTED

        recipients = community_staff(street.pk, roles=(Role.STREET_ADMIN,))
        notification_send(kind=PERSON_DUPLICATE_REPORTED.key, recipients=recipients, params={})
