"""Writes to the tree, people and roles. Each function checks permission first, then writes,
then audits; interfaces (web, API, import, commands) call these and nothing else."""

from __future__ import annotations

import datetime as dt
import ipaddress
import uuid
from collections.abc import Iterable
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.accounts.models import User
from mulin.accounts.ratelimit import NETWORK_LIMIT_LIFTED
from mulin.accounts.services import sessions_end_for_user
from mulin.core.audit import audit_record
from mulin.core.concurrency import ensure_unchanged
from mulin.core.crypto import blind_index
from mulin.core.exceptions import StateConflict
from mulin.core.normalizers import (
    birth_date_from_id_number,
    gender_from_id_number,
    normalize_id_number,
    normalize_phone,
)
from mulin.organizations.duplicates import duplicate_reports_rate_check, hold, identity_split, report_held
from mulin.organizations.models import (
    PATH_LEVELS,
    PATH_SEGMENT,
    OrgUnit,
    PartyMembership,
    Person,
    Role,
    RoleAssignment,
    Skill,
    TimeSlot,
    VolunteerProfile,
)
from mulin.organizations.permissions import (
    REVEALABLE_FIELDS,
    ensure_can_grant_role,
    ensure_can_manage_org_at,
    ensure_can_manage_people_at,
    ensure_can_manage_person,
    ensure_can_reveal_person,
)
from mulin.organizations.roles import EXCLUSIVE_ADMIN_ROLES, ROLE_SPECS, Capability
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import person_list_visible_to

K = OrgUnit.Kind
ALLOWED_CHILDREN: dict[str | None, frozenset[str]] = {
    None: frozenset({K.DISTRICT, K.STREET}),
    K.DISTRICT: frozenset({K.STREET}),
    K.STREET: frozenset({K.COMMUNITY, K.PARTNER_UNIT, K.PARTY_COMMITTEE, K.TEAM}),
    K.COMMUNITY: frozenset({K.PARTY_COMMITTEE, K.GENERAL_BRANCH, K.BRANCH, K.COMPOUND, K.TEAM, K.RESIDENTS_COMMITTEE}),
    K.PARTY_COMMITTEE: frozenset({K.GENERAL_BRANCH, K.BRANCH}),
    K.GENERAL_BRANCH: frozenset({K.BRANCH}),
    K.BRANCH: frozenset({K.PARTY_GROUP}),
    K.PARTY_GROUP: frozenset(),
    K.PARTNER_UNIT: frozenset({K.PARTY_COMMITTEE, K.GENERAL_BRANCH, K.BRANCH, K.TEAM}),
    K.COMPOUND: frozenset({K.BUILDING, K.RESIDENTS_COMMITTEE, K.OWNERS_COMMITTEE, K.PROPERTY_MANAGEMENT}),
    K.BUILDING: frozenset(),
    K.TEAM: frozenset({K.TEAM}),
    K.RESIDENTS_COMMITTEE: frozenset(),
    K.OWNERS_COMMITTEE: frozenset(),
    K.PROPERTY_MANAGEMENT: frozenset(),
}
LOCAL_ROOT_KINDS = frozenset({K.COMMUNITY, K.PARTNER_UNIT})
HOME_KINDS = frozenset({K.COMMUNITY, K.COMPOUND, K.BUILDING})
BRANCH_KINDS = frozenset({K.BRANCH, K.PARTY_GROUP})


# --- Tree ---------------------------------------------------------------------------------------


# What a caller may set besides kind, name and parent; path, depth and ids are the service's.
ORGUNIT_ATTRIBUTES = frozenset({"address", "latitude", "longitude", "team_category", "is_active"})
# The path column holds this many segments; the service refuses a unit that would not fit.
MAX_DEPTH = PATH_LEVELS


@transaction.atomic
def orgunit_create(*, actor: Actor, parent: OrgUnit | None, kind: str, name: str, **attributes: Any) -> OrgUnit:
    """Add a unit under `parent`. Raise ValidationError for a kind that cannot sit there, a
    duplicate name or an unknown attribute, PermissionDenied outside the actor's scope."""
    if parent is None:
        if not actor.is_system:
            raise PermissionDenied(_("Only the system can create a root unit."))
    else:
        ensure_can_manage_org_at(actor, parent)
    unknown = set(attributes) - ORGUNIT_ATTRIBUTES
    if unknown:
        raise ValidationError({field: _("This field cannot be set.") for field in sorted(unknown)})
    if kind not in ALLOWED_CHILDREN.get(parent.kind if parent else None, frozenset()):
        raise ValidationError({"kind": _("A unit of this kind cannot be placed here.")})
    depth = (parent.depth + 1) if parent else 0
    if depth >= MAX_DEPTH:
        raise ValidationError(
            {"parent": _("The tree cannot be deeper than %(levels)d levels.") % {"levels": MAX_DEPTH}}
        )
    unit = OrgUnit(
        kind=kind, name=name.strip(), parent=parent, depth=depth, path=f"new-{uuid.uuid4().hex}", **attributes
    )
    unit.full_clean(exclude=["path"])
    try:
        with transaction.atomic():
            unit.save(force_insert=True)
    except IntegrityError:
        # Another request created the same name under the same parent since full_clean looked.
        raise ValidationError({"name": _("A unit with this name already exists here.")}) from None
    if unit.pk >= 10**PATH_SEGMENT:
        raise ValidationError(_("The organisation tree is full; the path format must be widened."))
    # The path holds the unit's own id, known only after the insert.
    unit.path = (parent.path if parent else "") + f"{unit.pk:0{PATH_SEGMENT}d}"
    unit.local_root = unit if kind in LOCAL_ROOT_KINDS else (parent.local_root if parent else None)
    unit.save(update_fields=["path", "local_root"])
    audit_record(actor=actor.person, verb="orgunit.created", target=unit, scope_path=unit.path)
    return unit


def orgunit_get_or_create(*, actor: Actor, parent: OrgUnit | None, kind: str, name: str, **attributes: Any) -> OrgUnit:
    """Return the unit named `name` under `parent`, creating it if missing (idempotent seeding)."""
    existing = OrgUnit.objects.filter(parent=parent, name=name).first()
    if existing is not None:
        return existing
    return orgunit_create(actor=actor, parent=parent, kind=kind, name=name, **attributes)


# --- People -------------------------------------------------------------------------------------


def _identity_fields(phone: str, id_number: str) -> dict[str, Any]:
    """Normalise phone and ID number and derive the blind indexes and birth year/gender."""
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}
    if phone:
        try:
            fields["phone"] = normalize_phone(phone)
            fields["phone_index"] = blind_index("phone", fields["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if id_number:
        try:
            fields["id_number"] = normalize_id_number(id_number)
            fields["id_number_index"] = blind_index("id_number", fields["id_number"])
            fields["birth_year"] = birth_date_from_id_number(fields["id_number"]).year
            fields["gender"] = gender_from_id_number(fields["id_number"])
        except ValidationError as exc:
            errors["id_number"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return fields


def _identity_conflicts(fields: dict[str, Any], *, exclude_pk: int | None = None) -> dict[str, list[str]]:
    others = Person.objects.exclude(pk=exclude_pk) if exclude_pk else Person.objects.all()
    errors = {}
    if fields.get("phone_index") and others.filter(phone_index=fields["phone_index"]).exists():
        errors["phone"] = [_("Someone with this mobile number is already registered.")]
    if fields.get("id_number_index") and others.filter(id_number_index=fields["id_number_index"]).exists():
        errors["id_number"] = [_("Someone with this ID number is already registered.")]
    return errors


def _ensure_identity_free(fields: dict[str, Any], *, exclude_pk: int | None = None) -> None:
    errors = _identity_conflicts(fields, exclude_pk=exclude_pk)
    if errors:
        raise StateConflict(_("This person is already registered."), code="duplicate_person", extra=errors)


def _save_person(person: Person, fields: dict[str, Any], **save_kwargs: Any) -> None:
    """Save; when a concurrent request took the phone or ID number first, the unique index
    refuses the row and the caller gets the same 409 as a sequential duplicate."""
    try:
        with transaction.atomic():
            person.save(**save_kwargs)
    except IntegrityError:
        errors = _identity_conflicts(fields, exclude_pk=person.pk if not save_kwargs.get("force_insert") else None)
        raise StateConflict(_("This person is already registered."), code="duplicate_person", extra=errors) from None


@transaction.atomic
def person_register(
    *,
    actor: Actor,
    full_name: str,
    home_unit: OrgUnit,
    phone: str = "",
    id_number: str = "",
    address: str = "",
    gender: str = "",
    email: str = "",
    shows_full_name: bool = False,
) -> Person:
    """Register a person living in `home_unit` (a community, compound or building).

    Raise ValidationError for bad input, StateConflict if the phone or ID number is already
    registered (also when two registrations race: the unique index decides).
    """
    ensure_can_manage_people_at(actor, home_unit)
    if home_unit.kind not in HOME_KINDS:
        raise ValidationError({"home_unit": _("Choose a community, compound or building.")})
    duplicate_reports_rate_check(actor)
    fields = _identity_fields(phone, id_number)
    errors, held = identity_split(actor, fields)
    if errors:
        raise StateConflict(_("This person is already registered."), code="duplicate_person", extra=errors)
    hold(fields, held)
    person = Person(
        full_name=full_name.strip(),
        home_unit=home_unit,
        address=address.strip(),
        email=email.strip(),
        shows_full_name=shows_full_name,
    )
    person.gender = gender
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean(exclude=["user", "phone_index", "id_number_index"])
    _save_person(person, fields, force_insert=True)
    RoleAssignment.objects.get_or_create(person=person, role=Role.RESIDENT, unit=home_unit)
    audit_record(actor=actor.person, verb="person.registered", target=person, scope_path=home_unit.path)
    report_held(actor, person, held)
    return person


PERSON_EDITABLE_FIELDS = frozenset(
    {"full_name", "gender", "phone", "id_number", "address", "email", "home_unit", "shows_full_name", "is_active"}
)


@transaction.atomic
def person_update(
    *, actor: Actor, person: Person, expected_version: dt.datetime | None = None, **changes: Any
) -> Person:
    """Change a person's record; only PERSON_EDITABLE_FIELDS may change (anything else is a
    ValidationError and nothing is written). An empty phone or ID number clears it. Moving
    home moves the resident role with it.

    `expected_version` is the record's `updated_at` when the editor loaded it: if someone saved
    since, StateConflict (409) and nothing is written (no lost update; core/concurrency.py).
    """
    ensure_can_manage_person(actor, person)
    ensure_unchanged(person, expected_version)
    unknown = set(changes) - PERSON_EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    old_home = person.home_unit
    new_home = changes.get("home_unit", old_home)
    if "home_unit" in changes:
        if new_home is None or new_home.kind not in HOME_KINDS:
            raise ValidationError({"home_unit": _("Choose a community, compound or building.")})
        ensure_can_manage_people_at(actor, new_home)
    if isinstance(changes.get("full_name"), str):
        changes["full_name"] = changes["full_name"].strip()
    if isinstance(changes.get("address"), str):
        changes["address"] = changes["address"].strip()
    raw_phone, raw_id_number = changes.pop("phone", None), changes.pop("id_number", None)
    identity = _identity_fields(raw_phone or "", raw_id_number or "")
    # An explicit empty value removes the number (a resident gave up their phone, say).
    if raw_phone is not None and not str(raw_phone).strip():
        identity.update(phone="", phone_index=None)
    if raw_id_number is not None and not str(raw_id_number).strip():
        identity.update(id_number="", id_number_index=None)
    if identity.get("phone_index") or identity.get("id_number_index"):
        duplicate_reports_rate_check(actor)
    errors, held = identity_split(actor, identity, exclude_pk=person.pk)
    if errors:
        raise StateConflict(_("This person is already registered."), code="duplicate_person", extra=errors)
    hold(identity, held)
    changes.update(identity)
    for name, value in changes.items():
        setattr(person, name, value)
    person.full_clean(exclude=["user", "phone_index", "id_number_index"])
    _save_person(person, identity, update_fields=[*changes.keys(), "updated_at"])
    if new_home is not None and old_home is not None and new_home.pk != old_home.pk:
        RoleAssignment.objects.filter(person=person, role=Role.RESIDENT, unit=old_home).delete()
        RoleAssignment.objects.get_or_create(person=person, role=Role.RESIDENT, unit=new_home)
    audit_record(
        actor=actor.person,
        verb="person.updated",
        target=person,
        scope_path=new_home.path if new_home else "",
        data={"fields": sorted(changes)},
    )
    report_held(actor, person, held)
    if changes.get("is_active") is False and person.user is not None:
        account_set_active(actor=actor, user=person.user, active=False)
    return person


def person_reveal(*, actor: Actor, person: Person, field: str) -> str:
    """Return the full value of a masked field and write exactly one audit row (no value in it)."""
    if field not in REVEALABLE_FIELDS:
        raise ValidationError({"field": _("This field cannot be revealed.")})
    ensure_can_reveal_person(actor, person)
    audit_record(
        actor=actor.person,
        verb="person.revealed",
        target=person,
        scope_path=person.home_unit.path if person.home_unit else "",
        data={"field": field},
    )
    return getattr(person, field) or ""


@transaction.atomic
def party_membership_set(
    *, actor: Actor, person: Person, branch: OrgUnit, status: str, joined_on: dt.date | None
) -> PartyMembership:
    """Record or change a person's party branch and status, and keep their member role in step."""
    ensure_can_manage_person(actor, person)
    ensure_can_manage_people_at(actor, branch)
    if branch.kind not in BRANCH_KINDS:
        raise ValidationError({"branch": _("Choose a party branch.")})
    if status not in PartyMembership.Status.values:
        raise ValidationError({"status": _("Choose applicant, probationary member or full member.")})
    if joined_on and joined_on > timezone.localdate():
        raise ValidationError({"joined_on": _("The join date cannot be in the future.")})
    membership, _created = PartyMembership.objects.update_or_create(
        person=person,
        defaults={"branch": branch, "status": status, "joined_on": joined_on.isoformat() if joined_on else ""},
    )
    RoleAssignment.objects.filter(person=person, role=Role.PARTY_MEMBER).exclude(unit=branch).delete()
    RoleAssignment.objects.get_or_create(person=person, role=Role.PARTY_MEMBER, unit=branch)
    audit_record(actor=actor.person, verb="party_membership.set", target=person, scope_path=branch.path)
    return membership


@transaction.atomic
def volunteer_profile_set(
    *,
    actor: Actor,
    person: Person,
    skills: Iterable[str],
    availability: Iterable[str],
    community: OrgUnit | None = None,
) -> VolunteerProfile:
    """Record what a volunteer offers and when; the person becomes a volunteer of `community`
    (default: the community they live in).

    People may fill in their own profile, but only staff who manage people there may make them
    a volunteer of another community, since the role widens what they see.
    """
    own_profile = actor.person_id == person.pk
    if not own_profile:
        ensure_can_manage_person(actor, person)
    home_community = _community_of(person.home_unit)
    if community is not None:
        if community.kind not in ROLE_SPECS[Role.VOLUNTEER].unit_kinds:
            raise ValidationError({"community": _("Choose a community, compound or team.")})
        if not (own_profile and home_community is not None and community.is_within(home_community.path)):
            ensure_can_manage_people_at(actor, community)
    skills, availability = sorted(set(skills)), sorted(set(availability))
    errors = {}
    if set(skills) - set(Skill.values):
        errors["skills"] = [_("Unknown skill.")]
    if set(availability) - set(TimeSlot.values):
        errors["availability"] = [_("Unknown time slot.")]
    if errors:
        raise ValidationError(errors)
    profile, _created = VolunteerProfile.objects.update_or_create(
        person=person, defaults={"skills": skills, "availability": availability}
    )
    unit = community or home_community
    if unit is not None:
        RoleAssignment.objects.get_or_create(person=person, role=Role.VOLUNTEER, unit=unit)
    audit_record(actor=actor.person, verb="volunteer_profile.set", target=person)
    return profile


def _community_of(unit: OrgUnit | None) -> OrgUnit | None:
    if unit is None:
        return None
    if unit.kind == K.COMMUNITY:
        return unit
    return OrgUnit.objects.filter(path__in=unit.ancestor_paths, kind=K.COMMUNITY).first()


def person_language_set(*, actor: Actor, person: Person, language: str) -> None:
    """A person chooses the language of their pages, e-mails and text messages (for themselves only)."""
    if actor.person_id != person.pk:
        raise PermissionDenied(_("You may only choose your own language."))
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose a language the platform offers.")})
    Person.objects.filter(pk=person.pk).update(preferred_language=language, updated_at=timezone.now())
    person.preferred_language = language


# --- Roles and accounts -------------------------------------------------------------------------


def _account_sync_flags(person: Person) -> None:
    """Keep the login account's second-factor and admin-site flags in step with the roles.

    When an account starts needing a second factor its sessions and tokens end: they were
    opened with a password alone and must not carry the new staff powers.
    """
    if not person.user_id:
        return
    roles = set(RoleAssignment.objects.filter(person=person).values_list("role", flat=True))
    needs_second_factor = any(ROLE_SPECS[role].is_staff for role in roles)
    user = User.objects.get(pk=person.user_id)
    User.objects.filter(pk=user.pk).update(needs_second_factor=needs_second_factor, is_staff=Role.SYSTEM_ADMIN in roles)
    if needs_second_factor and not user.needs_second_factor:
        sessions_end_for_user(user)


@transaction.atomic
def role_grant(*, actor: Actor, person: Person, role: str, unit: OrgUnit) -> RoleAssignment:
    """Give `person` a role at `unit`. Idempotent: granting twice returns the same row.

    The granter must hold a role that may grant it over `unit` (GRANTABLE_BY), must already see
    the person (so a grant cannot pull a stranger into their scope), and may not grant to
    themselves. The three administrator roles are never held together (三权分立).
    """
    if role not in ROLE_SPECS:
        raise ValidationError({"role": _("Unknown role.")})
    if unit.kind not in ROLE_SPECS[role].unit_kinds:
        raise ValidationError({"unit": _("This role cannot be held at this kind of unit.")})
    ensure_can_grant_role(actor, role, unit)
    if not actor.is_system:
        if actor.person_id == person.pk:
            raise PermissionDenied(_("You may not grant a role to yourself."))
        if not person_list_visible_to(actor).filter(pk=person.pk).exists():
            raise PermissionDenied(_("You may not grant a role to this person."))
    if role in EXCLUSIVE_ADMIN_ROLES:
        held = set(
            RoleAssignment.objects.filter(person=person, role__in=EXCLUSIVE_ADMIN_ROLES).values_list("role", flat=True)
        )
        if held - {role}:
            raise ValidationError(
                {"role": _("System, security and audit administration must be held by different people.")}
            )
    assignment, created = RoleAssignment.objects.get_or_create(
        person=person, role=role, unit=unit, defaults={"granted_by": actor.person}
    )
    if created:
        _account_sync_flags(person)
        audit_record(actor=actor.person, verb="role.granted", target=person, scope_path=unit.path, data={"role": role})
    return assignment


@transaction.atomic
def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> None:
    """Take a role away; the same rule as granting decides who may."""
    ensure_can_grant_role(actor, assignment.role, assignment.unit)
    person, role, path = assignment.person, assignment.role, assignment.unit.path
    deleted, _detail = RoleAssignment.objects.filter(pk=assignment.pk).delete()
    if not deleted:
        return  # revoked already (a double click): nothing to sync or audit
    _account_sync_flags(person)
    audit_record(actor=actor.person, verb="role.revoked", target=person, scope_path=path, data={"role": role})


@transaction.atomic
def account_create(*, actor: Actor, person: Person, password: str, is_demo: bool = False) -> User:
    """Give a person a login account. The password must meet the policy, except for demo
    accounts, whose published password is fixed by the demo script."""
    ensure_can_manage_person(actor, person)
    if person.user_id:
        raise StateConflict(_("This person already has an account."))
    if not person.phone_index:
        raise ValidationError({"phone": _("A person needs a mobile number to sign in.")})
    user = User(is_demo=is_demo)
    if not is_demo:
        validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    _account_sync_flags(person)
    audit_record(actor=actor.person, verb="account.created", target=person)
    return user


@transaction.atomic
def account_set_active(*, actor: Actor, user: User, active: bool) -> None:
    """Enable or disable an account; disabling ends every session and API token at once."""
    ensure_can_manage_person(actor, user.person)
    User.objects.filter(pk=user.pk).update(is_active=active)
    if not active:
        sessions_end_for_user(user)
    audit_record(actor=actor.person, verb="account.enabled" if active else "account.disabled", target=user.person)


def lockout_clear(*, actor: Actor, attempt_id: int) -> None:
    """Lift an account's sign-in lockout before its 30 minutes are over (security administrator
    only), after they have confirmed the person's identity.

    An account is locked by its failures from every address together, so all of that account's
    failures go; other accounts' failures from the same address stay (the address may be a
    password sprayer's).
    """
    if not actor.can_anywhere(Capability.SECURITY_MANAGE):
        raise PermissionDenied(_("Only the security administrator can lift a lockout."))
    attempt = AccessAttempt.objects.filter(pk=attempt_id).first()
    if attempt is None:
        return
    cleared, _detail = AccessAttempt.objects.filter(username=attempt.username).delete()
    audit_record(actor=actor.person, verb="lockout.cleared", data={"attempt": attempt_id, "records": cleared})


# Public name for people administration (administration.py), which opens accounts itself.
account_sync_flags = _account_sync_flags


def network_limit_lift(*, actor: Actor, address: str) -> None:
    """Lift the pause on sign-in from one network address (security administrator only): the
    address's failures before now no longer count toward its hourly limit. Nothing is deleted;
    the audit row written here is what the limit reads."""
    if not actor.can_anywhere(Capability.SECURITY_MANAGE):
        raise PermissionDenied(_("Only the security administrator can lift a lockout."))
    try:
        address = str(ipaddress.ip_address(address.strip()))
    except ValueError as exc:
        raise ValidationError({"address": _("Enter a valid network address.")}) from exc
    audit_record(actor=actor.person, verb=NETWORK_LIMIT_LIFTED, data={"address": address})
