"""The wall at 100,000 wishes: the same number of queries as at ten, keyset pages that do not
count, and the main query planned on an index (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mulin.organizations.tests.factories import actor
from mulin.wishes.forms import STATUS_GROUPS
from mulin.wishes.models import Wish
from mulin.wishes.selectors import wish_list_visible_to
from mulin.wishes.tests.factories import category

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
S = Wish.Status
TOTAL = 100_000
SEED_ROWS = TOTAL // 8
BATCH = 1500  # rows per INSERT: 1500 × 34 columns stays under PostgreSQL's 65,535 parameters


@pytest.fixture
def wide_sqlite_inserts(monkeypatch):  # type: ignore[no-untyped-def]
    """Django assumes SQLite's old 999-parameter limit (29 wishes per INSERT); SQLite ≥ 3.32 takes
    32,766."""
    if connection.vendor == "sqlite":
        monkeypatch.setattr(connection.features, "max_query_params", 32_766)


def _double_in_sql() -> None:
    """Copy every wish once more inside the database (new ids, newest last). Building model
    objects costs ~0.4 ms a row in Python here; 12,500 realistic rows through bulk_create and
    three doublings in SQL give the same 100,000 rows in a fraction of the time."""
    columns = [f.column for f in Wish._meta.concrete_fields if f.column != "id"]
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO wishes_wish ({names}) SELECT {names} FROM wishes_wish ORDER BY id")  # noqa: S608


def _bulk_wishes(cast, total: int) -> None:  # type: ignore[no-untyped-def]
    """Five years of wishes in two communities, mostly closed, a few percent still open."""
    rng = random.Random(7)
    s = cast.street
    places = [(s.nanyuan, s.nanyuan_compound, cast.resident), (s.cuiyu, s.cuiyu_compound, cast.stranger)]
    categories = [category(code) for code in ("repair", "elderly", "daily-life", "health")]
    start = timezone.now() - dt.timedelta(days=5 * 365)
    statuses = [S.CLOSED] * 80 + [S.FULFILLED] * 4 + [S.CLAIMED] * 5 + [S.PUBLISHED] * 4 + [S.SUBMITTED] * 3
    statuses += [S.REJECTED] * 2 + [S.WITHDRAWN] * 2
    batch: list[Wish] = []
    for i in range(total):
        community, place, wisher = places[i % 2]
        status = rng.choice(statuses)
        claimed = status in (S.CLAIMED, S.FULFILLED, S.CLOSED)
        created = start + dt.timedelta(minutes=26 * i)
        batch.append(
            Wish(
                community=community,
                place=place,
                scope_path=place.path,
                wisher=wisher,
                public_name="王**",
                title=f"心愿 {i}",
                category=categories[i % 4],
                status=status,
                claimant=cast.member if claimed else None,
                claimant_name="汪孙聚" if claimed else "",
                claimant_unit=s.nanyuan_branch if claimed else None,
                created_at=created,
                published_at=created if status not in (S.SUBMITTED, S.REJECTED) else None,
            )
        )
        if len(batch) == BATCH:
            Wish.objects.bulk_create(batch)
            batch = []
    Wish.objects.bulk_create(batch)


def _uses_an_index(plan: str) -> bool:
    """The wishes are read through a B-tree in the wall's order, never sorted as a whole.

    SQLite: a SEARCH through one of the wish indexes, or a SCAN of the table itself (its rowid
    B-tree, newest first, stopping after 26 rows) for the broadest filter; no temporary B-tree for
    ORDER BY. PostgreSQL: an index scan on wishes_wish, no sequential scan and no sort.
    """
    if connection.vendor == "sqlite":
        lines = [line for line in plan.splitlines() if "wishes_wish " in line + " "]
        return (
            bool(lines)
            and all(
                ("USING" in line and "INDEX" in line) or line.rstrip().endswith("SCAN wishes_wish") for line in lines
            )
            and "TEMP B-TREE FOR ORDER BY" not in plan
        )
    return (
        re.search(r"Index (Only )?Scan( Backward)? using \S+ on wishes_wish", plan) is not None
        and "Seq Scan on wishes_wish" not in plan
        and "Sort" not in plan
    )


@pytest.fixture
def clock_stopped():  # type: ignore[no-untyped-def]
    """The session's idle expiry is slid (one more UPDATE) when a minute has passed since the last
    request; building 100,000 rows on a loaded machine takes longer than that, so the query counts
    compared below are taken at one stopped instant."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def test_wall_stays_within_budget_at_100k_wishes(
    cast, client, django_assert_max_num_queries, wide_sqlite_inserts, clock_stopped
):
    client.force_login(cast.stranger.user)
    _bulk_wishes(cast, 10)
    client.get(reverse("wishes:wall"))  # warm the cached reach and filters
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("wishes:wall"))

    _bulk_wishes(cast, SEED_ROWS)
    for _ in range(3):
        _double_in_sql()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "ANALYZE wishes_wish")
    assert Wish.objects.count() == (SEED_ROWS + 10) * 8
    pages = {}
    for name, params in {
        "open": {},
        "all": {"show": "all"},
        "community": {"show": "claimed", "community": cast.street.nanyuan.pk},
        "category": {"show": "done", "category": category("elderly").pk},
        "deep": {"show": "all", "before": TOTAL // 4},  # far down the wall: keyset, not OFFSET
    }.items():
        with django_assert_max_num_queries(12) as captured:
            response = client.get(reverse("wishes:wall"), params)
        assert response.status_code == 200
        assert len(response.context["wishes"]) == 25, name
        pages[name] = captured
    for name, captured in pages.items():
        assert len(captured.captured_queries) == len(small.captured_queries), name
        wish_sql = [q["sql"].upper() for q in captured.captured_queries if "WISHES_WISH" in q["sql"].upper()]
        assert len(wish_sql) == 1, name
        assert "COUNT(" not in wish_sql[0], name
        assert " OFFSET " not in wish_sql[0], name

    stranger = actor(cast.stranger)
    for statuses, extra in [
        (STATUS_GROUPS["open"], {}),
        (STATUS_GROUPS["all"], {}),
        (STATUS_GROUPS["claimed"], {"community_id": cast.street.nanyuan.pk}),
        (STATUS_GROUPS["done"], {"category_id": category("elderly").pk}),
    ]:
        plan = wish_list_visible_to(stranger, statuses=statuses, **extra)[:26].explain()
        assert _uses_an_index(plan), plan
