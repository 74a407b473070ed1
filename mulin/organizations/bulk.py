"""Registering many people at once: the spreadsheet import and the demo street use this.

All or nothing: every draft is validated first (identity checksums, duplicates inside the batch
and against the database, units in the actor's scope); if any row fails, nothing is written and
the errors come back per row. Existing people (same ID number, or same phone when there is no
ID number) are updated in place only where a value differs, so importing a file twice changes
nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import reduce

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.audit import audit_record
from mulin.core.crypto import blind_index
from mulin.core.normalizers import (
    birth_date_from_id_number,
    gender_from_id_number,
    normalize_id_number,
    normalize_phone,
)
from mulin.organizations.duplicates import HeldNumber, duplicate_reports_rate_check, report_held
from mulin.organizations.models import (
    OrgUnit,
    PartyMembership,
    Person,
    PersonDuplicate,
    Role,
    RoleAssignment,
    Skill,
    VolunteerProfile,
)
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import person_list_visible_to

K = OrgUnit.Kind
HOME_KINDS = frozenset({K.COMMUNITY, K.COMPOUND, K.BUILDING})
BRANCH_KINDS = frozenset({K.BRANCH, K.PARTY_GROUP})


@dataclass
class PersonDraft:
    """One person as read from a row; units already resolved by the caller."""

    full_name: str
    home_unit: OrgUnit | None
    phone: str = ""
    id_number: str = ""
    address: str = ""
    gender: str = ""
    email: str = ""
    branch: OrgUnit | None = None
    party_status: str = ""
    joined_on: dt.date | None = None
    volunteer_skills: list[str] = field(default_factory=list)
    volunteer_community: OrgUnit | None = None
    row: int = 0  # the source row number, for error reports
    record: int | None = None  # the person's record number, as an export writes it (the pk)
    # A branch named in the file that is none of the actor's: accepted only as the branch the
    # person already belongs to, with status and join date unchanged (_check_branches).
    branch_name: str = ""


@dataclass(frozen=True)
class BulkResult:
    created: int
    updated: int
    unchanged: int


class RowErrors(ValidationError):
    """Validation failed for some rows: `rows` maps row number → {field: [messages]}."""

    def __init__(self, rows: dict[int, dict[str, list[str]]]) -> None:
        self.rows = rows
        super().__init__(_("%(count)d rows have errors; nothing was imported.") % {"count": len(rows)})


@dataclass
class _Clean:
    draft: PersonDraft
    phone: str
    phone_index: str | None
    id_number: str
    id_number_index: str | None


def _validate(actor: Actor, drafts: Sequence[PersonDraft]) -> tuple[list[_Clean], dict[int, dict[str, list[str]]]]:
    errors: dict[int, dict[str, list[str]]] = {}
    cleaned: list[_Clean] = []
    seen_phone: dict[str, int] = {}
    seen_id: dict[str, int] = {}

    def add(row: int, name: str, message: str) -> None:
        errors.setdefault(row, {}).setdefault(name, []).append(message)

    for draft in drafts:
        row = draft.row
        if not draft.full_name.strip():
            add(row, "full_name", _("The name is missing."))
        elif len(draft.full_name.strip()) > 50:
            add(row, "full_name", _("The name is longer than 50 characters."))
        if draft.home_unit is None:
            add(row, "home_unit", _("Unknown community, compound or building."))
        elif draft.home_unit.kind not in HOME_KINDS:
            add(row, "home_unit", _("Choose a community, compound or building."))
        elif not actor.can(Capability.PEOPLE_MANAGE, draft.home_unit.path):
            add(row, "home_unit", _("You may not register people in %(unit)s.") % {"unit": draft.home_unit.name})
        if draft.party_status or draft.branch is not None or draft.branch_name:
            # Whether the actor may manage the branch's members is decided after matching
            # (_check_branches): keeping a person's present branch is no change.
            if draft.branch is None and not draft.branch_name:
                add(row, "branch", _("Name the party branch of this member."))
            elif draft.branch is not None and draft.branch.kind not in BRANCH_KINDS:
                add(row, "branch", _("Unknown party branch."))
            if draft.party_status not in PartyMembership.Status.values:
                add(row, "party_status", _("Choose applicant, probationary member or full member."))
        if set(draft.volunteer_skills) - set(Skill.values):
            add(row, "volunteer_skills", _("Unknown skill."))
        if len(draft.address) > 200:
            add(row, "address", _("The address is longer than 200 characters."))
        phone = id_number = ""
        if draft.phone:
            try:
                phone = normalize_phone(draft.phone)
            except ValidationError as exc:
                add(row, "phone", exc.messages[0])
        if draft.id_number:
            try:
                id_number = normalize_id_number(draft.id_number)
            except ValidationError as exc:
                add(row, "id_number", exc.messages[0])
        if (
            not phone
            and not id_number
            and draft.record is None
            and "phone" not in errors.get(row, {})
            and "id_number" not in errors.get(row, {})
        ):
            add(row, "phone", _("Give a mobile number or an ID number so the person can be recognised."))
        phone_index = blind_index("phone", phone) if phone else None
        id_index = blind_index("id_number", id_number) if id_number else None
        if phone_index and phone_index in seen_phone:
            add(row, "phone", _("The same mobile number is also in row %(row)d.") % {"row": seen_phone[phone_index]})
        if id_index and id_index in seen_id:
            add(row, "id_number", _("The same ID number is also in row %(row)d.") % {"row": seen_id[id_index]})
        if phone_index:
            seen_phone.setdefault(phone_index, row)
        if id_index:
            seen_id.setdefault(id_index, row)
        cleaned.append(_Clean(draft, phone, phone_index, id_number, id_index))
    return cleaned, errors


def _match_existing(
    cleaned: list[_Clean], errors: dict[int, dict[str, list[str]]], held_fields: dict[int, set[str]]
) -> dict[int, Person]:
    """Find people already registered, by ID number first, then by phone; report conflicts. A
    record that holds one of its numbers for the street to merge (duplicates.py) matches its row
    by the other number; `held_fields` gets the numbers it holds."""
    id_indexes = [c.id_number_index for c in cleaned if c.id_number_index]
    phone_indexes = [c.phone_index for c in cleaned if c.phone_index]
    by_id: dict[str, Person] = {}
    by_phone: dict[str, Person] = {}
    for start in range(0, max(len(id_indexes), len(phone_indexes)), 500):
        for found in Person.objects.filter(id_number_index__in=id_indexes[start : start + 500]):
            by_id[found.id_number_index or ""] = found
        for found in Person.objects.filter(phone_index__in=phone_indexes[start : start + 500]):
            by_phone[found.phone_index or ""] = found
    candidates = sorted({person.pk for person in [*by_id.values(), *by_phone.values()]})
    holding: dict[tuple[int, int], str] = {}
    for start in range(0, len(candidates), 500):
        chunk = candidates[start : start + 500]
        for duplicate in PersonDuplicate.objects.filter(
            person_id__in=chunk, existing_id__in=candidates, resolved_at__isnull=True
        ):
            holding[(duplicate.person_id, duplicate.existing_id)] = duplicate.field
    matched: dict[int, Person] = {}
    for clean in cleaned:
        person_by_id = by_id.get(clean.id_number_index or "")
        person_by_phone = by_phone.get(clean.phone_index or "")
        if person_by_id and person_by_phone and person_by_id.pk != person_by_phone.pk:
            for holder, other in ((person_by_phone, person_by_id), (person_by_id, person_by_phone)):
                if (holder.pk, other.pk) in holding:
                    matched[clean.draft.row] = holder
                    held_fields.setdefault(clean.draft.row, set()).add(holding[(holder.pk, other.pk)])
                    break
            else:
                errors.setdefault(clean.draft.row, {}).setdefault("phone", []).append(
                    _("This mobile number belongs to another registered person.")
                )
            continue
        person = person_by_id or person_by_phone
        if person is not None:
            if person.id_number_index and clean.id_number_index and person.id_number_index != clean.id_number_index:
                errors.setdefault(clean.draft.row, {}).setdefault("id_number", []).append(
                    _("This mobile number is registered with a different ID number.")
                )
                continue
            matched[clean.draft.row] = person
    return matched


def _visible_ids(actor: Actor, capability: Capability, ids: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        found |= set(
            person_list_visible_to(actor, capability)
            .filter(pk__in=ids[start : start + 500])
            .values_list("pk", flat=True)
        )
    return found


def _hold_outside_scope(
    actor: Actor, cleaned: list[_Clean], matched: dict[int, Person]
) -> tuple[dict[int, list[HeldNumber]], dict[int, set[str]]]:
    """Rows whose numbers belong to someone the actor cannot see at all: never an error that would
    confirm the number (issue 9, item 10). The row registers a new person holding the numbers
    without their index (reported to the street after the write) or, on a re-import, matches the
    record that already holds them. Returns the numbers to report and the fields held per row."""
    ids = sorted({person.pk for person in matched.values()})
    visible = _visible_ids(actor, Capability.PEOPLE_VIEW, ids)
    to_report: dict[int, list[HeldNumber]] = {}
    held_fields: dict[int, set[str]] = {}
    for clean in cleaned:
        row = clean.draft.row
        person = matched.get(row)
        if person is None or person.pk in visible:
            continue
        numbers = [
            HeldNumber(name, index, person)
            for name, index in (("phone", clean.phone_index), ("id_number", clean.id_number_index))
            if index and getattr(person, f"{name}_index") == index
        ]
        del matched[row]
        held_fields[row] = {number.field for number in numbers}
        earlier = (
            PersonDuplicate.objects.filter(
                existing=person, value_index__in=[n.index for n in numbers], resolved_at__isnull=True
            )
            .filter(person__in=person_list_visible_to(actor, Capability.PEOPLE_MANAGE))
            .select_related("person")
            .first()
        )
        if earlier is not None:
            matched[row] = earlier.person
        else:
            to_report[row] = numbers
    return to_report, held_fields


def _match_records(
    actor: Actor, cleaned: list[_Clean], matched: dict[int, Person], errors: dict[int, dict[str, list[str]]]
) -> None:
    """A row with a record number (an exported file) is that person, also when it has neither
    phone nor ID number. Looked up among the people the actor may manage only: a number outside
    their area gets the same answer as a number nobody has."""
    wanted = sorted({clean.draft.record for clean in cleaned if clean.draft.record is not None})
    found: dict[int, Person] = {}
    for start in range(0, len(wanted), 500):
        found.update(
            (person.pk, person)
            for person in person_list_visible_to(actor, Capability.PEOPLE_MANAGE).filter(
                pk__in=wanted[start : start + 500]
            )
        )
    for clean in cleaned:
        record, row = clean.draft.record, clean.draft.row
        if record is None:
            continue
        person = found.get(record)
        by_number = matched.get(row)
        if person is None:
            errors.setdefault(row, {}).setdefault("record", []).append(
                _(
                    "Nobody with record number %(number)d is registered in your area; leave the cell empty for a "
                    "new person."
                )
                % {"number": record}
            )
        elif by_number is not None and by_number.pk != person.pk:
            by_id = bool(clean.id_number_index) and by_number.id_number_index == clean.id_number_index
            errors.setdefault(row, {}).setdefault("id_number" if by_id else "phone", []).append(
                _("This number belongs to another registered person than record number %(number)d.")
                % {"number": record}
            )
        else:
            matched[row] = person


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _check_branches(
    actor: Actor, cleaned: list[_Clean], matched: dict[int, Person], errors: dict[int, dict[str, list[str]]]
) -> None:
    """A member's branch must be one whose members the actor manages, unless the row keeps the
    membership the person already has (a partner unit's branch, another community's): a full
    export then imports back unchanged. A branch the actor cannot see is accepted only so."""
    rows = [c for c in cleaned if c.draft.party_status and (c.draft.branch is not None or c.draft.branch_name)]
    person_ids = sorted({matched[c.draft.row].pk for c in rows if c.draft.row in matched})
    current: dict[int, PartyMembership] = {}
    for start in range(0, len(person_ids), 500):
        current.update(
            (membership.person_id, membership)
            for membership in PartyMembership.objects.filter(
                person_id__in=person_ids[start : start + 500]
            ).select_related("branch")
        )
    for clean in rows:
        draft = clean.draft
        person = matched.get(draft.row)
        membership = current.get(person.pk) if person is not None else None
        if draft.branch is None:
            if membership is None or _fold(membership.branch.name) != _fold(draft.branch_name):
                errors.setdefault(draft.row, {}).setdefault("branch", []).append(
                    _("There is no party branch named “%(name)s” that you can see.") % {"name": draft.branch_name}
                )
                continue
            draft.branch = membership.branch
        if actor.can(Capability.PEOPLE_MANAGE, draft.branch.path):
            continue
        joined = draft.joined_on.isoformat() if draft.joined_on else ""
        if membership is None or (membership.branch_id, membership.status, membership.joined_on) != (
            draft.branch.pk,
            draft.party_status,
            joined,
        ):
            errors.setdefault(draft.row, {}).setdefault("branch", []).append(
                _("You may not manage members of %(unit)s.") % {"unit": draft.branch.name}
            )


def _ensure_matches_manageable(
    actor: Actor, cleaned: list[_Clean], matched: dict[int, Person], errors: dict[int, dict[str, list[str]]]
) -> None:
    """An existing person may only be changed by someone who may manage them (as in
    person_update), and by one row only: two rows for one person would overwrite each other."""
    manageable = _visible_ids(actor, Capability.PEOPLE_MANAGE, sorted({person.pk for person in matched.values()}))
    first_row: dict[int, int] = {}
    for clean in cleaned:
        person = matched.get(clean.draft.row)
        if person is None:
            continue
        by_id = bool(clean.id_number_index) and person.id_number_index == clean.id_number_index
        name = "record" if clean.draft.record is not None else "id_number" if by_id else "phone"
        if person.pk not in manageable:
            # Only people the actor can see get here (the others were held): no secret is told.
            errors.setdefault(clean.draft.row, {}).setdefault(name, []).append(
                _("This person is registered outside your area; ask their community to change the record.")
            )
        elif person.pk in first_row:
            errors.setdefault(clean.draft.row, {}).setdefault(name, []).append(
                _("The same person is also in row %(row)d.") % {"row": first_row[person.pk]}
            )
        else:
            first_row[person.pk] = clean.draft.row


def _apply(person: Person, clean: _Clean, held: Collection[str] = ()) -> list[str]:
    """Copy the draft's values onto `person`; return the names of fields that changed. A held
    number is stored without its index (duplicates.py)."""
    draft = clean.draft
    wanted = {
        "full_name": draft.full_name.strip(),
        "home_unit_id": draft.home_unit.pk if draft.home_unit else None,
    }
    # An empty cell means "not given here", never "erase" (like phone, ID number and gender).
    if draft.address.strip():
        wanted["address"] = draft.address.strip()
    if draft.email.strip():
        wanted["email"] = draft.email.strip()
    if clean.phone:
        wanted.update(phone=clean.phone, phone_index=None if "phone" in held else clean.phone_index)
    if clean.id_number:
        birth = birth_date_from_id_number(clean.id_number)
        wanted.update(
            id_number=clean.id_number,
            id_number_index=None if "id_number" in held else clean.id_number_index,
            birth_year=birth.year,
            gender=gender_from_id_number(clean.id_number),
        )
    elif draft.gender:
        wanted["gender"] = draft.gender
    changed = []
    for name, value in wanted.items():
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def person_bulk_register(*, actor: Actor, drafts: Sequence[PersonDraft], source: str = "import") -> BulkResult:
    """Register or update many people at once, all or nothing.

    Raise RowErrors (a ValidationError) listing every bad row; nothing is written then.
    """
    if not actor.can_anywhere(Capability.PEOPLE_MANAGE):
        raise PermissionDenied(_("You may not register people."))
    duplicate_reports_rate_check(actor)
    cleaned, errors = _validate(actor, drafts)
    held_fields: dict[int, set[str]] = {}
    matched = _match_existing(cleaned, errors, held_fields)
    to_report, held_outside = _hold_outside_scope(actor, cleaned, matched)
    for row, fields in held_outside.items():
        held_fields.setdefault(row, set()).update(fields)
    _match_records(actor, cleaned, matched, errors)
    _ensure_matches_manageable(actor, cleaned, matched, errors)
    _check_branches(actor, cleaned, matched, errors)
    if errors:
        raise RowErrors(errors)

    now = timezone.now()
    to_create: list[Person] = []
    to_update: dict[int, Person] = {}
    update_fields: set[str] = set()
    row_person: dict[int, Person] = {}
    old_homes: list[Q] = []
    for clean in cleaned:
        person = matched.get(clean.draft.row) or Person()
        old_home_id = person.home_unit_id
        changed = _apply(person, clean, held_fields.get(clean.draft.row, set()))
        if person.pk is None:
            to_create.append(person)
        elif changed:
            person.updated_at = now
            to_update[person.pk] = person
            update_fields.update(changed)
            if "home_unit_id" in changed and old_home_id is not None:
                old_homes.append(Q(person_id=person.pk, unit_id=old_home_id))
        row_person[clean.draft.row] = person
    Person.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Person.objects.bulk_update(list(to_update.values()), [*sorted(update_fields), "updated_at"], batch_size=500)
    # A person who moved is no longer a resident of the old home (as in person_update);
    # _sync_roles below grants the role at the new one.
    for start in range(0, len(old_homes), 250):  # two parameters each; stay under SQLite's 999
        RoleAssignment.objects.filter(reduce(operator.or_, old_homes[start : start + 250]), role=Role.RESIDENT).delete()

    changed_ids = (
        set(to_update)
        | _sync_memberships(cleaned, row_person, now)
        | _sync_roles(cleaned, row_person)
        | _sync_volunteers(cleaned, row_person, now)
    )
    for row, numbers in to_report.items():
        report_held(actor, row_person[row], numbers)
    matched_ids = {person.pk for person in matched.values()}
    result = BulkResult(
        created=len(to_create),
        updated=len(changed_ids & matched_ids),
        unchanged=len(matched_ids - changed_ids),
    )
    audit_record(
        actor=actor.person,
        verb="person.bulk_registered",
        data={"source": source, "created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    return result


def _sync_memberships(cleaned: list[_Clean], row_person: dict[int, Person], now: dt.datetime) -> set[int]:
    """Create or change party memberships; return the ids of people whose membership changed."""
    wanted = {
        row_person[c.draft.row].pk: c.draft for c in cleaned if c.draft.branch is not None and c.draft.party_status
    }
    if not wanted:
        return set()
    existing = {m.person_id: m for m in PartyMembership.objects.filter(person_id__in=list(wanted))}
    create, update = [], []
    moved: list[int] = []
    for person_id, draft in wanted.items():
        assert draft.branch is not None
        joined = draft.joined_on.isoformat() if draft.joined_on else ""
        membership = existing.get(person_id)
        if membership is None:
            create.append(
                PartyMembership(person_id=person_id, branch=draft.branch, status=draft.party_status, joined_on=joined)
            )
        elif (membership.branch_id, membership.status, membership.joined_on) != (
            draft.branch.pk,
            draft.party_status,
            joined,
        ):
            if membership.branch_id != draft.branch.pk:
                moved.append(person_id)
            membership.branch, membership.status, membership.joined_on = draft.branch, draft.party_status, joined
            membership.updated_at = now
            update.append(membership)
    PartyMembership.objects.bulk_create(create, batch_size=500)
    PartyMembership.objects.bulk_update(update, ["branch", "status", "joined_on", "updated_at"], batch_size=500)
    # Moved members lose the member role at their old branch, as in party_membership_set;
    # _sync_roles then grants the one at the new branch.
    moved.sort()
    for start in range(0, len(moved), 500):
        RoleAssignment.objects.filter(person_id__in=moved[start : start + 500], role=Role.PARTY_MEMBER).delete()
    return {m.person_id for m in create} | {m.person_id for m in update}


def _sync_roles(cleaned: list[_Clean], row_person: dict[int, Person]) -> set[int]:
    """Give residents, members and volunteers their roles; return ids of people who gained one."""
    wanted: set[tuple[int, str, int]] = set()
    for clean in cleaned:
        person = row_person[clean.draft.row]
        if clean.draft.home_unit is not None:
            wanted.add((person.pk, Role.RESIDENT, clean.draft.home_unit.pk))
        if clean.draft.branch is not None and clean.draft.party_status:
            wanted.add((person.pk, Role.PARTY_MEMBER, clean.draft.branch.pk))
        if clean.draft.volunteer_skills and clean.draft.volunteer_community is not None:
            wanted.add((person.pk, Role.VOLUNTEER, clean.draft.volunteer_community.pk))
    person_ids = {person_id for person_id, _role, _unit in wanted}
    existing: set[tuple[int, str, int]] = set()
    for start in range(0, len(person_ids), 500):
        chunk = sorted(person_ids)[start : start + 500]
        existing |= set(
            RoleAssignment.objects.filter(
                person_id__in=chunk, role__in=[Role.RESIDENT, Role.PARTY_MEMBER, Role.VOLUNTEER]
            ).values_list("person_id", "role", "unit_id")
        )
    missing = sorted(wanted - existing)
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(person_id=p, role=r, unit_id=u) for p, r, u in missing], batch_size=500
    )
    return {person_id for person_id, _role, _unit in missing}


def _sync_volunteers(cleaned: list[_Clean], row_person: dict[int, Person], now: dt.datetime) -> set[int]:
    wanted = {
        row_person[c.draft.row].pk: sorted(set(c.draft.volunteer_skills)) for c in cleaned if c.draft.volunteer_skills
    }
    if not wanted:
        return set()
    existing = {v.person_id: v for v in VolunteerProfile.objects.filter(person_id__in=list(wanted))}
    create = [VolunteerProfile(person_id=p, skills=s) for p, s in wanted.items() if p not in existing]
    update = []
    for person_id, skills in wanted.items():
        profile = existing.get(person_id)
        if profile is not None and profile.skills != skills:
            profile.skills, profile.updated_at = skills, now
            update.append(profile)
    VolunteerProfile.objects.bulk_create(create, batch_size=500)
    VolunteerProfile.objects.bulk_update(update, ["skills", "updated_at"], batch_size=500)
    return {v.person_id for v in create} | {v.person_id for v in update}
