"""Reads of wishes, always scoped to the actor.

Reach. The wall of a street is one wall: party members and volunteers help wherever in their
street they are needed (在职党员 serve beyond the community they live in), so the public states of
a wish are visible — and claimable — across the street enclosing the actor's grant of WISH_VIEW /
WISH_CLAIM (`street_reach_q`, ADR 0008). Wishes that are not public (awaiting verification,
rejected, withdrawn) are visible to their wisher, to whoever entered them, and to moderators of
the community (scope_q).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import get_language

from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import (
    STREET_REACH_CACHE_SECONDS,
    Actor,
    scope_q,
    street_reach_q,
    subtree_q,
    unit_ancestor_paths,
)
from mulin.wishes.models import PRIVATE_STATUSES, PUBLIC_STATUSES, Wish, WishCategory, WishEvent, WishPhoto

S = Wish.Status
WALL_RELATED = ("category", "place", "community", "claimant_unit")
# The columns a wish card shows (wishes/_wish_cards.html). A wall page that loads only these builds
# its 25 wishes in half the time of loading every column of four tables (docs/benchmarks.md).
CARD_FIELDS = (
    "status",
    "title",
    "public_name",
    "created_at",
    "claimant_name",
    "personal_numbers",
    *WALL_RELATED,
    "category__name_zh_hans",
    "category__name_en",
    "place__name",
    "community__name",
    "claimant_unit__name",
)


def wish_visibility_q(actor: Actor, statuses: Iterable[str] | None = None) -> Q:
    """Which wishes in `statuses` the actor may see (see the module docstring)."""
    wanted = set(statuses) if statuses is not None else set(S.values)
    visible = Q(pk__in=[])
    public = wanted & PUBLIC_STATUSES
    if public:
        visible |= Q(status__in=sorted(public)) & street_reach_q(actor, Capability.WISH_VIEW, "scope_path")
    private = wanted & PRIVATE_STATUSES
    if private:
        own = Q(wisher_id=actor.person_id) | Q(entered_by_id=actor.person_id) if actor.person_id else Q(pk__in=[])
        if actor.can_anywhere(Capability.WISH_MODERATE):
            own |= scope_q(actor, Capability.WISH_MODERATE, "scope_path")
        visible |= Q(status__in=sorted(private)) & own
    return visible


def wish_list_visible_to(
    actor: Actor,
    *,
    statuses: Iterable[str] | None = None,
    community_id: int | None = None,
    category_id: int | None = None,
    before: int | None = None,
) -> QuerySet[Wish]:
    """The wall and the API list: wishes the actor may see, newest first, joined with what a card
    shows. Keyset pagination: pass the last id seen as `before` (no COUNT, no OFFSET)."""
    wishes = Wish.objects.filter(wish_visibility_q(actor, statuses))
    if community_id is not None:
        wishes = wishes.filter(community_id=community_id)
    if category_id is not None:
        wishes = wishes.filter(category_id=category_id)
    if before is not None:
        wishes = wishes.filter(pk__lt=before)
    return wishes.select_related(*WALL_RELATED).order_by("-id")


def wish_list_posted_by(person: Person, *, before: int | None = None) -> QuerySet[Wish]:
    """A resident's own wishes, every status, newest first."""
    wishes = Wish.objects.filter(wisher=person)
    if before is not None:
        wishes = wishes.filter(pk__lt=before)
    return wishes.select_related(*WALL_RELATED).order_by("-id")


def wish_list_claimed_by(person: Person, *, before: int | None = None) -> QuerySet[Wish]:
    """The wishes a helper holds or has fulfilled, newest first."""
    wishes = Wish.objects.filter(claimant=person, status__in=[S.CLAIMED, S.FULFILLED, S.CLOSED])
    if before is not None:
        wishes = wishes.filter(pk__lt=before)
    return wishes.select_related(*WALL_RELATED).order_by("-id")


def wish_list_entered_by(person: Person, *, before: int | None = None) -> QuerySet[Wish]:
    """Wishes a community worker entered for offline residents."""
    wishes = Wish.objects.filter(entered_by=person)
    if before is not None:
        wishes = wishes.filter(pk__lt=before)
    return wishes.select_related(*WALL_RELATED).order_by("-id")


def wish_list_to_review(actor: Actor, *, before: int | None = None) -> QuerySet[Wish]:
    """Wishes awaiting verification in the communities the actor moderates, oldest first."""
    wishes = Wish.objects.filter(status=S.SUBMITTED).filter(scope_q(actor, Capability.WISH_MODERATE, "scope_path"))
    if before is not None:
        wishes = wishes.filter(pk__gt=before)
    return wishes.select_related(*WALL_RELATED).order_by("id")


def wish_list_to_confirm_for(actor: Actor) -> QuerySet[Wish]:
    """Fulfilled wishes that staff entered for offline residents, to confirm after asking them."""
    return (
        Wish.objects.filter(status=S.FULFILLED, entered_by__isnull=False)
        .filter(scope_q(actor, Capability.WISH_MODERATE, "scope_path"))
        .select_related(*WALL_RELATED)
        .order_by("id")[:50]
    )


def wish_list_for_helper(actor: Actor, *, limit: int = 30) -> list[Wish]:
    """Open wishes for a helper: their own compound first, then their community, those matching
    their skills before others, newest first within each group. Each row carries `near` (2
    compound, 1 community, 0 street) and `matches_skills`."""
    person = actor.person
    if person is None or not actor.can_anywhere(Capability.WISH_CLAIM):
        return []
    home = person.home_unit
    home_chain = unit_ancestor_paths(home.path) if home is not None else []
    branch = getattr(getattr(person, "party_membership", None), "branch", None)
    branch_chain = unit_ancestor_paths(branch.path) if branch is not None else []
    kinds = dict(
        OrgUnit.objects.filter(
            path__in=[*home_chain, *branch_chain], kind__in=[OrgUnit.Kind.COMPOUND, OrgUnit.Kind.COMMUNITY]
        ).values_list("path", "kind")
    )
    compounds = [path for path in home_chain if kinds.get(path) == OrgUnit.Kind.COMPOUND]
    community_paths = {path for path in [*home_chain, *branch_chain] if kinds.get(path) == OrgUnit.Kind.COMMUNITY}
    profile = getattr(person, "volunteer_profile", None)
    skills = set(profile.skills) if profile is not None else set()
    skilled_categories = [
        category_id
        for category_id, category_skills in WishCategory.objects.values_list("pk", "skills")
        if skills & set(category_skills or [])
    ]
    near_when = [When(subtree_q("scope_path", path), then=Value(2)) for path in compounds[-1:]]
    for path in sorted(community_paths):
        near_when.append(When(subtree_q("scope_path", path), then=Value(1)))
    wishes = (
        Wish.objects.filter(status=S.PUBLISHED)
        .filter(street_reach_q(actor, Capability.WISH_CLAIM, "scope_path"))
        .exclude(wisher=person)
        .annotate(
            near=Case(*near_when, default=Value(0), output_field=IntegerField()),
            matches_skills=Case(
                When(category_id__in=skilled_categories, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
        .select_related(*WALL_RELATED)
        .order_by("-near", "-matches_skills", "-id")
    )
    return list(wishes[:limit])


def wish_events(wish: Wish) -> list[WishEvent]:
    return list(wish.events.order_by("id"))


def wish_photos(wish: Wish) -> list[WishPhoto]:
    return list(wish.photos.order_by("id"))


CATEGORY_VERSION_KEY = "mulin:wishes:categories:version"


def category_list(*, include_retired: bool = False) -> QuerySet[WishCategory]:
    categories = WishCategory.objects.all()
    if not include_retired:
        categories = categories.filter(is_active=True)
    return categories.order_by("order", "code")


def category_cache_clear() -> None:
    """Called by the category service so the wall's filter shows changes at once."""
    cache.set(CATEGORY_VERSION_KEY, timezone.now().timestamp(), None)


def wall_filter_choices(actor: Actor) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(id, name) of the communities the actor's wall reaches and of the categories in use, in
    the current language; cached, so the wall's own cost is the wishes query alone."""
    roots = actor.street_paths(Capability.WISH_VIEW)
    version = cache.get(CATEGORY_VERSION_KEY, 0)
    key = f"mulin:wishes:filters:{get_language()}:{version}:{','.join(roots)}"
    choices = cache.get(key)
    if choices is None:
        communities = [
            (unit.pk, unit.name)
            for unit in OrgUnit.objects.filter(
                street_reach_q(actor, Capability.WISH_VIEW, "path"), kind=OrgUnit.Kind.COMMUNITY, is_active=True
            ).order_by("path")
        ]
        categories = [(category.pk, category.name) for category in category_list()]
        choices = (communities, categories)
        cache.set(key, choices, STREET_REACH_CACHE_SECONDS)
    return choices


def attention_counts(actor: Actor) -> dict[str, int]:
    """What needs the actor's attention, in one query: wishes to verify, my open claims, my wishes
    waiting for my confirmation, and fulfilled wishes of offline residents to confirm."""
    from django.db.models import Count

    moderate = actor.can_anywhere(Capability.WISH_MODERATE)
    me = actor.person_id
    conditions: dict[str, Q] = {}
    if moderate:
        moderated = scope_q(actor, Capability.WISH_MODERATE, "scope_path")
        conditions["to_review"] = Q(status=S.SUBMITTED) & moderated
        conditions["to_confirm_for"] = Q(status=S.FULFILLED, entered_by__isnull=False) & moderated
    if me is not None:
        conditions["my_claims"] = Q(status=S.CLAIMED, claimant_id=me)
        conditions["to_confirm"] = Q(status=S.FULFILLED, wisher_id=me)
    if not conditions:
        return {}
    either = Q(pk__in=[])
    for condition in conditions.values():
        either |= condition
    return Wish.objects.filter(either).aggregate(
        **{name: Count("pk", filter=condition) for name, condition in conditions.items()}
    )
