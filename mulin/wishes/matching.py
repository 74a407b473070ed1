"""Suggesting helpers for a published wish, and telling the best few.

Score (higher is better), each part explainable on the page:
  same compound +40, same community (home or branch) +25, partner unit co-building with the
  community +15; a volunteer skill that suits the category +30; free at the wish's preferred time
  +10 (or any stated availability +3); −12 for each wish they already hold (spread the load).
Candidates are people who can sign in and may claim, living or serving in the wish's community
or in a partner unit linked to it; if that gives too few, the rest of the street.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from mulin.notifications.services import notification_send
from mulin.organizations.models import OrgUnit, PartnerLink, Person, Role, RoleAssignment
from mulin.organizations.scoping import subtree_q
from mulin.organizations.selectors import street_of
from mulin.wishes.models import Wish, WishSuggestion

CLAIM_ROLES = (Role.PARTY_MEMBER, Role.VOLUNTEER, Role.BRANCH_SECRETARY, Role.PARTNER_CONTACT)
KEEP = 5
NOTIFY = 3
MAX_CANDIDATES = 2000


@dataclass(frozen=True)
class HelperSuggestion:
    person_id: int
    name: str
    score: int
    reasons: tuple[str, ...]


def _candidates(wish: Wish, within: list[str]) -> list[dict]:
    area = Q(pk__in=[])
    for path in within:
        area |= subtree_q("unit__path", path)
    can_claim = RoleAssignment.objects.filter(person=OuterRef("pk"), role__in=CLAIM_ROLES).filter(area)
    return list(
        Person.objects.filter(Exists(can_claim), is_active=True, user__isnull=False, user__is_active=True)
        .exclude(pk=wish.wisher_id)
        .annotate(load=Count("claimed_wishes", filter=Q(claimed_wishes__status=Wish.Status.CLAIMED)))
        .values(
            "pk",
            "full_name",
            "home_unit__path",
            "party_membership__branch__path",
            "volunteer_profile__skills",
            "volunteer_profile__availability",
            "load",
        )[:MAX_CANDIDATES]
    )


def _score(wish: Wish, row: dict, partner_paths: list[str]) -> tuple[int, tuple[str, ...]]:
    score = 0
    reasons: list[str] = []
    home = row["home_unit__path"] or ""
    branch = row["party_membership__branch__path"] or ""
    if wish.place.kind == OrgUnit.Kind.COMPOUND and home.startswith(wish.place.path):
        score, reasons = score + 40, [*reasons, "same_compound"]
    elif home.startswith(wish.community.path) or branch.startswith(wish.community.path):
        score, reasons = score + 25, [*reasons, "same_community"]
    elif any(branch.startswith(path) for path in partner_paths):
        score, reasons = score + 15, [*reasons, "partner_unit"]
    skills = set(row["volunteer_profile__skills"] or [])
    if skills & set(wish.category.skills or []):
        score, reasons = score + 30, [*reasons, "skills"]
    availability = set(row["volunteer_profile__availability"] or [])
    if wish.preferred_time and wish.preferred_time in availability:
        score, reasons = score + 10, [*reasons, "available"]
    elif availability:
        score += 3
    if row["load"]:
        score -= 12 * row["load"]
        reasons.append("busy")
    return score, tuple(reasons)


def wish_suggest_helpers(wish: Wish, *, limit: int = KEEP) -> list[HelperSuggestion]:
    """The best helpers for `wish`, best first (ties: fewer open claims, then id)."""
    partner_paths = list(
        PartnerLink.objects.filter(community_id=wish.community_id).values_list("partner__path", flat=True)
    )
    rows = _candidates(wish, [wish.community.path, *partner_paths])
    if len(rows) < limit:
        street = street_of(wish.community)
        if street is not None:
            rows = _candidates(wish, [street.path])
    scored = [(*_score(wish, row, partner_paths), row) for row in rows]
    scored.sort(key=lambda item: (-item[0], item[2]["load"], item[2]["pk"]))
    return [HelperSuggestion(row["pk"], row["full_name"], score, reasons) for score, reasons, row in scored[:limit]]


@transaction.atomic
def wish_match_and_notify(*, wish_id: int) -> int:
    """Store the suggestions for a wish still on the wall and notify the top few not yet told.

    Idempotent (a retried task notifies nobody twice: the unique pair and `notified_at` decide).
    Returns how many people were notified now.
    """
    wish = (
        Wish.objects.select_related("community", "place", "category")
        .filter(pk=wish_id, status=Wish.Status.PUBLISHED)
        .first()
    )
    if wish is None:
        return 0
    suggestions = wish_suggest_helpers(wish)
    for suggestion in suggestions:
        WishSuggestion.objects.get_or_create(
            wish=wish,
            person_id=suggestion.person_id,
            defaults={"score": suggestion.score, "reasons": list(suggestion.reasons)},
        )
    to_tell = list(
        WishSuggestion.objects.filter(
            wish=wish, person_id__in=[s.person_id for s in suggestions[:NOTIFY]], notified_at__isnull=True
        ).select_related("person")
    )
    if not to_tell:
        return 0
    WishSuggestion.objects.filter(pk__in=[s.pk for s in to_tell]).update(notified_at=timezone.now())
    notification_send(
        kind="wishes.suggested",
        recipients=[s.person for s in to_tell],
        params={"title": wish.title, "place": wish.place.name},
        url=wish.get_absolute_url(),
    )
    return len(to_tell)
