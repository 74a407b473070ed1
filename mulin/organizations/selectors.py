"""Reads of the tree and of people, always scoped to the actor."""

from __future__ import annotations

import operator
from collections.abc import Collection, Sequence
from functools import reduce

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet

from mulin.core.crypto import blind_index
from mulin.core.normalizers import normalize_id_number, normalize_phone
from mulin.organizations.models import OrgUnit, PartyMembership, Person, PersonDuplicate, Role, RoleAssignment
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor, scope_q, subtree_q, unit_ancestor_paths

K = OrgUnit.Kind


def orgunit_list_visible_to(actor: Actor, *, kinds: Collection[str] | None = None) -> QuerySet[OrgUnit]:
    """Units in the subtrees where the actor may see the organisation, in tree order."""
    units = OrgUnit.objects.filter(scope_q(actor, Capability.ORG_VIEW, "path"), is_active=True)
    if kinds:
        units = units.filter(kind__in=kinds)
    return units.select_related("parent").order_by("path")


def orgunit_list_where(
    actor: Actor, capability: Capability, *, kinds: Collection[str] | None = None
) -> QuerySet[OrgUnit]:
    """Units at which the actor holds `capability` (e.g. communities a worker may register people in)."""
    units = OrgUnit.objects.filter(scope_q(actor, capability, "path"), is_active=True)
    if kinds:
        units = units.filter(kind__in=kinds)
    return units.order_by("path")


def orgunit_get_by_name_path(names: list[str]) -> OrgUnit | None:
    """Find a unit by its chain of names from a root, e.g. ["拱墅区", "大关街道", "南苑社区"]."""
    unit = None
    for name in names:
        unit = OrgUnit.objects.filter(parent=unit, name=name).first()
        if unit is None:
            return None
    return unit


def orgunit_enclosing(unit: OrgUnit, kinds: Collection[str]) -> dict[str, OrgUnit]:
    """The nearest unit of each of `kinds` at or above `unit` (itself included), by kind; one query.

    E.g. `orgunit_enclosing(home, [K.COMMUNITY, K.COMPOUND])` → the community and compound of a home.
    """
    found: dict[str, OrgUnit] = {}
    # Deepest first, so the nearest unit of a kind wins.
    for enclosing in OrgUnit.objects.filter(path__in=unit_ancestor_paths(unit.path), kind__in=kinds).order_by("-path"):
        found.setdefault(enclosing.kind, enclosing)
    return found


def community_of(unit: OrgUnit) -> OrgUnit | None:
    """The community a unit lies in (itself for a community); None above or outside communities."""
    return orgunit_enclosing(unit, [K.COMMUNITY]).get(K.COMMUNITY)


def street_of(unit: OrgUnit) -> OrgUnit | None:
    """The street a unit lies in (itself for a street); None above or outside streets."""
    return orgunit_enclosing(unit, [K.STREET]).get(K.STREET)


def community_staff(community_id: int, roles: Sequence[str] = (Role.COMMUNITY_SECRETARY,)) -> list[Person]:
    """Active holders of `roles` at the community, for whom a community matter is meant (an
    escalation, a report); falls back to its community workers, then to nobody."""
    for wanted in (roles, (Role.COMMUNITY_WORKER,)):
        people = [
            assignment.person
            for assignment in RoleAssignment.objects.filter(unit_id=community_id, role__in=wanted).select_related(
                "person"
            )
            if assignment.person.is_active
        ]
        if people:
            return people
    return []


def honour_unit_of(actor: Actor) -> OrgUnit | None:
    """The unit a person's service is done in the name of and credited to in public (认领 by a
    branch or a partner unit): their party branch, else the unit of their partner-contact or
    branch-secretary role, else their volunteer team; None for everyone else."""
    if actor.person_id is None:
        return None
    membership = PartyMembership.objects.filter(person_id=actor.person_id).select_related("branch").first()
    if membership is not None:
        return membership.branch
    for grant in actor.grants:
        if grant.role in (Role.PARTNER_CONTACT, Role.BRANCH_SECRETARY):
            return OrgUnit.objects.get(pk=grant.unit_id)
    for grant in actor.grants:
        if grant.role == Role.VOLUNTEER and grant.unit_kind == K.TEAM:
            return OrgUnit.objects.get(pk=grant.unit_id)
    return None


def person_list_visible_to(actor: Actor, capability: Capability = Capability.PEOPLE_VIEW) -> QuerySet[Person]:
    """People the actor may see with `capability`: always themselves, plus everyone who lives,
    belongs to a branch or holds a role inside the actor's scope."""
    own = Q(pk=actor.person_id) if actor.person_id else Q(pk__in=[])
    if actor.is_system:
        visible = Q()
    elif actor.can_anywhere(capability):
        role_in_scope = RoleAssignment.objects.filter(person=OuterRef("pk")).filter(
            scope_q(actor, capability, "unit__path")
        )
        visible = (
            own
            | scope_q(actor, capability, "home_unit__path")
            | scope_q(actor, capability, "party_membership__branch__path")
            | Q(Exists(role_in_scope))
        )
    else:
        visible = own
    return Person.objects.filter(visible).select_related("home_unit", "party_membership__branch")


def person_registered_with(
    actor: Actor, *, phone: str = "", id_number: str = "", exclude: Person | None = None
) -> Person | None:
    """The person the actor can see who has this mobile or ID number already (also a record that
    holds it for the street to merge), for the link beside "already registered". None for a
    number of someone outside the actor's scope: the answer tells nothing about them."""
    indexes: list[Q] = []
    for name, value, normalize in (("phone", phone, normalize_phone), ("id_number", id_number, normalize_id_number)):
        if not value:
            continue
        try:
            index = blind_index(name, normalize(value))
        except ValidationError:
            continue
        held = PersonDuplicate.objects.filter(field=name, value_index=index, resolved_at__isnull=True)
        indexes += [Q(**{f"{name}_index": index}), Q(pk__in=held.values("person_id"))]
    if not indexes:
        return None
    people = person_list_visible_to(actor).filter(reduce(operator.or_, indexes))
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return people.order_by("pk").first()


def _missing_phone_q() -> Q:
    """No mobile number: no phone index, and no number held back for the street to merge (such a
    person has a number; counting them as missing would tell the registrar it is taken elsewhere)."""
    held = PersonDuplicate.objects.filter(
        person=OuterRef("pk"), field=PersonDuplicate.Field.PHONE, resolved_at__isnull=True
    )
    return Q(phone_index__isnull=True) & ~Q(Exists(held))


def person_search(
    actor: Actor,
    *,
    query: str = "",
    unit: OrgUnit | None = None,
    include_inactive: bool = False,
    missing_phone: bool = False,
) -> QuerySet[Person]:
    """People visible to the actor, filtered by name, by where they live or belong, and by a
    missing mobile number; in name order."""
    people = person_list_visible_to(actor)
    if not include_inactive:
        people = people.filter(is_active=True)
    if missing_phone:
        people = people.filter(_missing_phone_q())
    if query.strip():
        people = people.filter(full_name__contains=query.strip())
    if unit is not None:
        people = people.filter(
            subtree_q("home_unit__path", unit.path) | subtree_q("party_membership__branch__path", unit.path)
        )
    return people.order_by("full_name", "pk")


def person_count_missing_phone(actor: Actor) -> int:
    """Active people the actor manages who cannot be reached by text message (one query)."""
    return person_list_visible_to(actor, Capability.PEOPLE_MANAGE).filter(_missing_phone_q(), is_active=True).count()


def person_roles(person: Person) -> QuerySet[RoleAssignment]:
    """A person's roles with their units, in tree order."""
    return person.role_assignments.select_related("unit").order_by("unit__path", "role")


def _belongs_q(unit: OrgUnit) -> Q:
    role_inside = RoleAssignment.objects.filter(person=OuterRef("pk")).filter(subtree_q("unit__path", unit.path))
    return (
        subtree_q("home_unit__path", unit.path)
        | subtree_q("party_membership__branch__path", unit.path)
        | Q(Exists(role_inside))
    )


def person_list_belonging_to(unit: OrgUnit) -> QuerySet[Person]:
    """Active people who live in `unit`'s subtree, belong to a party branch there or hold a role
    there (e.g. the people who may stand duty in a community). Not scoped to an actor: callers
    check the actor's right to the unit first."""
    return Person.objects.filter(_belongs_q(unit), is_active=True)


def person_belongs_to(person: Person, unit: OrgUnit) -> bool:
    """Whether the person is active and lives, is a party member or holds a role in `unit`'s subtree."""
    return person_list_belonging_to(unit).filter(pk=person.pk).exists()
