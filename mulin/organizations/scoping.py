"""Who is acting and where their roles reach. The one place that decides visibility.

Every selector in every app filters through `scope_q(actor, capability, path_field)`: the
OR of one indexed range per unit at which the actor holds the capability. Deny by default:
an actor with no grant for a capability gets an empty filter.

Some things are street-wide although the role is held lower down (the wish wall: a party member
of one community helps anywhere in their street): `street_reach_q(actor, capability, path_field)`
and `Actor.can_street_wide(capability, path)` widen each grant to the street enclosing it.

Path arithmetic lives here and nowhere else: `unit_ancestor_paths`, `parent_path`,
`path_successor`, `subtree_q`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Q

from mulin.organizations.models import PATH_SEGMENT, OrgUnit, Person, RoleAssignment
from mulin.organizations.roles import ROLE_SPECS, Capability, Scope

if TYPE_CHECKING:
    from mulin.accounts.models import User


def path_successor(path: str) -> str:
    """The smallest path that sorts after every path in `path`'s subtree."""
    head, last = path[:-PATH_SEGMENT], int(path[-PATH_SEGMENT:])
    return f"{head}{last + 1:0{PATH_SEGMENT}d}"


def unit_ancestor_paths(path: str, *, include_self: bool = True) -> list[str]:
    """The paths of the unit's ancestors, root first, and (by default) its own path last."""
    end = len(path) + 1 if include_self else len(path)
    return [path[:stop] for stop in range(PATH_SEGMENT, end, PATH_SEGMENT)]


def parent_path(path: str) -> str:
    """The path of the unit's parent ("" for a root)."""
    return path[:-PATH_SEGMENT]


def subtree_q(path_field: str, path: str) -> Q:
    """Rows whose `path_field` lies in the subtree rooted at `path` (the root included)."""
    if path == "":
        return Q()
    return Q(**{f"{path_field}__gte": path, f"{path_field}__lt": path_successor(path)})


def minimal_paths(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop paths that lie inside another path of the set."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(root) for root in kept):
            kept.append(path)
    return tuple(kept)


def subtrees_q(path_field: str, roots: Iterable[str]) -> Q:
    """Rows whose `path_field` lies under any of `roots`; no roots → nothing ("" → everything)."""
    roots = tuple(roots)
    if not roots:
        return Q(pk__in=[])
    combined = Q()
    for root in roots:
        if root == "":
            return Q()
        combined |= subtree_q(path_field, root)
    return combined


STREET_LEVEL_KINDS = frozenset({OrgUnit.Kind.STREET, OrgUnit.Kind.DISTRICT})
STREET_REACH_CACHE_SECONDS = 300


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    unit_path: str
    unit_kind: str
    scope_path: str


@dataclass
class Actor:
    """The person behind a request (or a command) with their role grants."""

    user: User | None
    person: Person | None
    grants: tuple[Grant, ...] = ()
    is_system: bool = False
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def system(cls) -> Actor:
        """All capabilities everywhere: for demo seeding, imports run by commands, and tasks."""
        return cls(user=None, person=None, is_system=True)

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(user=None, person=None)

    @property
    def person_id(self) -> int | None:
        return self.person.pk if self.person is not None else None

    @property
    def is_authenticated(self) -> bool:
        return self.is_system or self.person is not None

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(grant.role for grant in self.grants)

    @cached_property
    def is_staff(self) -> bool:
        return any(ROLE_SPECS[grant.role].is_staff for grant in self.grants)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def scope_paths(self, capability: Capability) -> tuple[str, ...]:
        """Roots of the subtrees in which the actor holds `capability`."""
        if self.is_system:
            return ("",)
        key = f"paths:{capability}"
        if key not in self._cache:
            self._cache[key] = minimal_paths(
                grant.scope_path for grant in self.grants if capability in ROLE_SPECS[grant.role].capabilities
            )
        return self._cache[key]

    def can(self, capability: Capability, unit_path: str) -> bool:
        """Whether the actor holds `capability` at the unit with this path."""
        return any(unit_path.startswith(root) for root in self.scope_paths(capability))

    def can_anywhere(self, capability: Capability) -> bool:
        return bool(self.scope_paths(capability))

    def community_paths(self) -> tuple[str, ...]:
        """Roots of the communities (or partner units) the actor belongs to, for public items."""
        return self.scope_paths(Capability.ORG_VIEW)

    def holds_at_street_level(self, capability: Capability) -> bool:
        """Whether the actor holds `capability` through a role at a street or district: for things
        that hold for the whole street (points rules, wish categories), not for one community."""
        if self.is_system:
            return True
        return any(
            grant.unit_kind in STREET_LEVEL_KINDS and capability in ROLE_SPECS[grant.role].capabilities
            for grant in self.grants
        )

    def street_paths(self, capability: Capability) -> tuple[str, ...]:
        """Subtree roots of the streets enclosing the units where the actor holds `capability`.

        A grant above street level (a district) reaches its own subtree; a grant outside any street
        its usual scope. One small query, cached by the set of grant paths (streets are created and
        moved rarely; five minutes of staleness is fine).
        """
        if self.is_system:
            return ("",)
        key = f"street_paths:{capability}"
        if key not in self._cache:
            grants = [grant for grant in self.grants if capability in ROLE_SPECS[grant.role].capabilities]
            if not grants:
                self._cache[key] = ()
                return ()
            grant_paths = ",".join(sorted({f"{grant.unit_path}/{grant.scope_path}" for grant in grants}))
            # Hashed: a person with several grants deep in the tree makes a key past memcached's 250 bytes.
            shared_key = f"mulin:street_reach:{capability}:{hashlib.sha256(grant_paths.encode()).hexdigest()}"
            roots = cache.get(shared_key)
            if roots is None:
                roots = _street_roots(grants)
                cache.set(shared_key, roots, STREET_REACH_CACHE_SECONDS)
            self._cache[key] = tuple(roots)
        return self._cache[key]

    def can_street_wide(self, capability: Capability, unit_path: str) -> bool:
        """Whether the unit with this path lies in a street where the actor holds `capability`."""
        return any(unit_path.startswith(root) for root in self.street_paths(capability))


def _street_roots(grants: list[Grant]) -> tuple[str, ...]:
    chains = {grant.unit_path: unit_ancestor_paths(grant.unit_path) for grant in grants}
    candidates = {path for chain in chains.values() for path in chain}
    streets = set(OrgUnit.objects.filter(path__in=candidates, kind=OrgUnit.Kind.STREET).values_list("path", flat=True))
    roots = []
    for grant in grants:
        enclosing = [path for path in chains[grant.unit_path] if path in streets]
        roots.append(enclosing[-1] if enclosing else grant.scope_path)
    return minimal_paths(roots)


def scope_q(actor: Actor, capability: Capability, path_field: str) -> Q:
    """A filter for rows whose `path_field` lies where `actor` holds `capability`."""
    return subtrees_q(path_field, actor.scope_paths(capability))


def street_reach_q(actor: Actor, capability: Capability, path_field: str) -> Q:
    """A filter for rows whose `path_field` lies in a street where `actor` holds `capability`
    (see `Actor.street_paths`); deny by default, like `scope_q`."""
    return subtrees_q(path_field, actor.street_paths(capability))


def _grants(assignments: list[RoleAssignment]) -> tuple[Grant, ...]:
    grants = []
    for assignment in assignments:
        unit = assignment.unit
        scope_path = unit.path
        if ROLE_SPECS[assignment.role].scope == Scope.COMMUNITY and unit.local_root is not None:
            scope_path = unit.local_root.path
        grants.append(Grant(assignment.role, unit.pk, unit.path, unit.kind, scope_path))
    return tuple(grants)


def actor_for_person(person: Person | None, user: User | None = None) -> Actor:
    """Load an actor's grants in one query (roles with their units and local roots)."""
    if person is None:
        return Actor(user=user, person=None)
    assignments = list(RoleAssignment.objects.filter(person=person).select_related("unit__local_root"))
    return Actor(user=user, person=person, grants=_grants(assignments))


def actor_for_user(user: Any) -> Actor:
    """The actor behind a signed-in account; anonymous for no account or a disabled one.

    The person comes with what every page shows about them (home, branch, volunteer profile)
    so the shell and /me/ need no further queries for it.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Actor.anonymous()
    # One query for the person and their grants: every page pays for it.
    assignments = list(
        RoleAssignment.objects.filter(person__user=user, person__is_active=True).select_related(
            "unit__local_root", "person__home_unit", "person__party_membership__branch", "person__volunteer_profile"
        )
    )
    if not assignments:
        person = (
            Person.objects.filter(user=user, is_active=True)
            .select_related("home_unit", "party_membership__branch", "volunteer_profile")
            .first()
        )
        return Actor(user=user, person=person)
    person = assignments[0].person
    return Actor(user=user, person=person, grants=_grants(assignments))
