"""People administration by staff: deactivating and reactivating people, appointing and removing
roles with the person told, and sign-in accounts given out with a one-time code.

The writes themselves (person_update, role_grant, account_create …) live in `services.py`; these
functions add what the browser and the API need around them, and nothing else calls the
lower-level ones for these purposes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mulin.accounts.models import User
from mulin.accounts.services import ONE_TIME_CODE_HOURS, one_time_code_issue, text_after_commit
from mulin.core.audit import audit_record
from mulin.core.concurrency import ensure_unchanged
from mulin.core.exceptions import StateConflict
from mulin.notifications.services import notification_send
from mulin.organizations.models import OrgUnit, Person, Role, RoleAssignment
from mulin.organizations.permissions import (
    can_administer_person,
    ensure_can_appoint_role,
    ensure_can_manage_person,
    roles_grantable_by,
)
from mulin.organizations.scoping import Actor
from mulin.organizations.services import account_set_active, account_sync_flags, role_grant, role_revoke


@transaction.atomic
def person_set_active(
    *, actor: Actor, person: Person, active: bool, expected_version: dt.datetime | None = None
) -> Person:
    """Deactivate a person (moved away, deceased, registered by mistake) or bring them back.

    Deactivating also disables their sign-in account and ends its sessions and tokens;
    reactivating enables it again. Nobody deactivates themselves. Doing it twice changes nothing
    and writes no second audit row.
    """
    ensure_can_manage_person(actor, person)
    if not active and actor.person_id == person.pk:
        raise PermissionDenied(_("You cannot deactivate yourself."))
    ensure_unchanged(person, expected_version)
    now = timezone.now()
    changed = Person.objects.filter(pk=person.pk, is_active=not active).update(is_active=active, updated_at=now)
    if not changed:
        person.refresh_from_db()
        return person
    person.is_active, person.updated_at = active, now
    if person.user is not None:
        account_set_active(actor=actor, user=person.user, active=active)
    audit_record(
        actor=actor.person,
        verb="person.reactivated" if active else "person.deactivated",
        target=person,
        scope_path=person.home_unit.path if person.home_unit else "",
    )
    return person


# --- Appointing and removing roles --------------------------------------------------------------


def _tell(person: Person, kind: str, assignment_role: str, unit: OrgUnit) -> None:
    """Notify the person in their own language (the role's name is rendered now, so the row
    keeps a readable title even if the role's wording changes later)."""
    with translation.override(person.preferred_language):
        role_label = str(Role(assignment_role).label)
    notification_send(
        kind=kind,
        recipients=[person],
        params={"role": role_label, "unit": unit.name},
        url=reverse("web:home"),
    )


@transaction.atomic
def role_appoint(*, actor: Actor, person: Person, role: str, unit: OrgUnit) -> RoleAssignment:
    """Appoint a person to a role at a unit (rules: `can_grant_role`, `role_grant`) and tell them.

    Appointing someone to a role they already hold there changes nothing and tells no one. A
    role the actor may grant nowhere is refused before anything else is looked at (403).
    """
    if role in Role.values:
        ensure_can_appoint_role(actor, role)
    existed = RoleAssignment.objects.filter(person=person, role=role, unit=unit).exists()
    assignment = role_grant(actor=actor, person=person, role=role, unit=unit)
    if not existed:
        _tell(person, "organizations.role_granted", role, unit)
    return assignment


@transaction.atomic
def role_remove(*, actor: Actor, assignment: RoleAssignment) -> None:
    """Take a role away (the same rule as appointing decides who may) and tell the person."""
    person, role, unit = assignment.person, assignment.role, assignment.unit
    still_there = RoleAssignment.objects.filter(pk=assignment.pk).exists()
    role_revoke(actor=actor, assignment=assignment)
    if still_there:
        _tell(person, "organizations.role_revoked", role, unit)


# --- Sign-in accounts ---------------------------------------------------------------------------

# Roles whose accounts any staff member who manages the person may open or reset; an account
# with any other role only someone who may grant all of its roles.
_PLAIN_ROLES = frozenset({Role.RESIDENT, Role.PARTY_MEMBER, Role.VOLUNTEER})


@dataclass(frozen=True)
class IssuedCode:
    """A one-time sign-in code, shown once to the staff member and texted to the person."""

    code: str
    valid_until: dt.datetime
    texted: bool


def can_issue_code(actor: Actor, person: Person) -> bool:
    """Whether the actor may open an account for the person or reset its password: they manage
    the person, it is not themselves, and the person holds no role the actor could not grant
    (a community worker cannot take over the street administrator's account)."""
    if actor.person_id == person.pk or not can_administer_person(actor, person):
        return False
    roles = set(RoleAssignment.objects.filter(person=person).values_list("role", flat=True))
    return roles <= _PLAIN_ROLES or roles <= set(roles_grantable_by(actor))


def _ensure_can_issue_code(actor: Actor, person: Person) -> None:
    if not can_issue_code(actor, person):
        raise PermissionDenied(_("You may not give this person a sign-in code."))


def _issue(person: Person, user: User) -> IssuedCode:
    code = one_time_code_issue(user)
    texted = bool(person.phone)
    if texted:
        with translation.override(person.preferred_language):
            text = _(
                "Your Mulin sign-in code is %(code)s. It is valid for %(hours)s hours; after signing in "
                "you will choose your own password. Do not tell anyone this code."
            ) % {"code": code, "hours": ONE_TIME_CODE_HOURS}
        text_after_commit(person.phone, text)
    assert user.one_time_code_until is not None
    return IssuedCode(code=code, valid_until=user.one_time_code_until, texted=texted)


@transaction.atomic
def account_open(*, actor: Actor, person: Person) -> IssuedCode:
    """Give a person who has none a sign-in account with a one-time code (texted to their
    registered phone, and shown once to the staff member to hand over); they choose a password
    at their first sign-in."""
    _ensure_can_issue_code(actor, person)
    locked = Person.objects.select_for_update().get(pk=person.pk)  # two clicks: one account
    if locked.user_id:
        raise StateConflict(_("This person already has an account."), code="account_exists")
    if not locked.phone_index:
        raise ValidationError({"phone": _("A person needs a mobile number to sign in. Add one first.")})
    user = User.objects.create_user()
    Person.objects.filter(pk=person.pk).update(user=user, updated_at=timezone.now())
    person.user = user
    account_sync_flags(person)
    issued = _issue(person, user)
    audit_record(actor=actor.person, verb="account.created", target=person, data={"one_time_code": True})
    return issued


@transaction.atomic
def account_password_reset(*, actor: Actor, person: Person) -> IssuedCode:
    """Replace a forgotten password with a one-time code; the person chooses a new password at
    their next sign-in. Their sessions and tokens end now."""
    _ensure_can_issue_code(actor, person)
    if person.user is None:
        raise ValidationError({"account": _("This person has no account yet.")})
    if not person.user.is_active:
        raise ValidationError({"account": _("The account is disabled; reactivate the person first.")})
    issued = _issue(person, person.user)
    audit_record(actor=actor.person, verb="account.password_reset", target=person)
    return issued
