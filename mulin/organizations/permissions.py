"""Permission predicates and scoped fetches for the tree and people."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from mulin.organizations.models import OrgUnit, Person, RoleAssignment
from mulin.organizations.roles import GRANTABLE_BY, ROLE_SPECS, Capability
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import orgunit_list_visible_to, person_list_visible_to

REVEALABLE_FIELDS = ("phone", "id_number", "address")


def access_person_by_id(actor: Actor, person_id: int) -> Person:
    """Return the person if the actor may see them; 404 for missing and for not-yours alike."""
    try:
        return person_list_visible_to(actor).select_related("volunteer_profile").get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_orgunit_by_id(actor: Actor, unit_id: int) -> OrgUnit:
    """Return the unit if the actor may see it; 404 for missing and for not-yours alike."""
    try:
        return orgunit_list_visible_to(actor).get(pk=unit_id)
    except (OrgUnit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_reveal_person(actor: Actor, person: Person) -> bool:
    """Whether the actor may see this person's full phone, ID number and address."""
    if actor.person_id == person.pk:
        return True
    return person_list_visible_to(actor, Capability.PEOPLE_REVEAL).filter(pk=person.pk).exists()


def ensure_can_reveal_person(actor: Actor, person: Person) -> None:
    if not can_reveal_person(actor, person):
        raise PermissionDenied(_("You may not see this person's full details."))


def can_manage_people_at(actor: Actor, unit: OrgUnit) -> bool:
    return actor.can(Capability.PEOPLE_MANAGE, unit.path)


def ensure_can_manage_people_at(actor: Actor, unit: OrgUnit) -> None:
    if not can_manage_people_at(actor, unit):
        raise PermissionDenied(_("You may not register or change people here."))


def can_manage_person(actor: Actor, person: Person) -> bool:
    return person_list_visible_to(actor, Capability.PEOPLE_MANAGE).filter(pk=person.pk).exists()


def can_administer_person(actor: Actor, person: Person) -> bool:
    """Whether the actor may correct, deactivate or give an account to this person from the
    people pages: staff who manage people where the person lives or belongs (not, as in
    `can_manage_person`, anyone for their own record)."""
    return actor.can_anywhere(Capability.PEOPLE_MANAGE) and can_manage_person(actor, person)


def ensure_can_manage_person(actor: Actor, person: Person) -> None:
    if not can_manage_person(actor, person):
        raise PermissionDenied(_("You may not change this person's record."))


def can_grant_role(actor: Actor, role: str, unit: OrgUnit) -> bool:
    """A role may be granted by someone who holds a granting role over the unit, and never a
    role above what their own role allows (GRANTABLE_BY)."""
    if actor.is_system:
        return True
    if unit.kind not in ROLE_SPECS[role].unit_kinds:
        return False
    return any(
        role in GRANTABLE_BY.get(grant.role, frozenset()) and unit.path.startswith(grant.scope_path)
        for grant in actor.grants
        if Capability.ROLES_MANAGE in ROLE_SPECS[grant.role].capabilities
    )


def ensure_can_grant_role(actor: Actor, role: str, unit: OrgUnit) -> None:
    if not can_grant_role(actor, role, unit):
        raise PermissionDenied(_("You may not grant this role here."))


def can_manage_org_at(actor: Actor, unit: OrgUnit) -> bool:
    return actor.can(Capability.ORG_MANAGE, unit.path)


def ensure_can_manage_org_at(actor: Actor, unit: OrgUnit) -> None:
    if not can_manage_org_at(actor, unit):
        raise PermissionDenied(_("You may not change the organisation here."))


def roles_grantable_by(actor: Actor) -> list[str]:
    """The roles the actor may appoint somewhere (in the order of the Role choices)."""
    if actor.is_system:
        return list(ROLE_SPECS)
    allowed: set[str] = set()
    for grant in actor.grants:
        if Capability.ROLES_MANAGE in ROLE_SPECS[grant.role].capabilities:
            allowed |= GRANTABLE_BY.get(grant.role, frozenset())
    return [role for role in ROLE_SPECS if role in allowed]


def access_role_assignment_by_id(actor: Actor, person: Person, assignment_id: int) -> RoleAssignment:
    """One of `person`'s roles (the person already fetched through `access_person_by_id`); 404
    when it is not theirs or does not exist."""
    try:
        return RoleAssignment.objects.select_related("unit", "person").get(pk=assignment_id, person=person)
    except (RoleAssignment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def ensure_can_appoint_role(actor: Actor, role: str) -> None:
    """Refuse (403) a role the actor may grant nowhere, before the unit is even looked at."""
    if role not in roles_grantable_by(actor):
        raise PermissionDenied(_("You may not grant this role."))
