"""A secret ballot never reveals who voted what, to anyone, through the web, the API or an export
(issue 13): only totals.

How: the same roundtable is voted twice, in two worlds rolled back in turn, with the same people
voting in the same order at the same (frozen) moments and the same totals, but with the choices
swapped between two of them (王秀英 → 改成小花园 and 李阿姨 → 只修剪 in one world, the other way
round in the second). Whatever anyone can read — the meeting, topic and board pages, the decision,
meeting and topic APIs, the audit log page, the people export — must be the same in both worlds
for every viewer (the voters themselves, the community worker who runs the roundtable, the street
administrator, the audit administrator), while the vote is open and after it closes. If any of it
depended on who chose what, the two worlds would differ. The open ballot is the control: the
same comparison there does see the difference (the test is not blind)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from mulin.organizations.models import Role
from mulin.organizations.tests.factories import actor, make_person
from mulin.roundtable import services
from mulin.roundtable.models import Decision, Participant, Vote
from mulin.roundtable.tests.factories import make_meeting, make_topic

pytestmark = pytest.mark.django_db
P = Participant.Capacity
MOMENT = dt.datetime(2026, 6, 1, 19, 30, tzinfo=dt.UTC)
GARDEN, TRIM = "改成小花园", "只修剪"
# What differs between two identical requests: the CSRF token of each rendered form.
_VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value=|name="csrf-token" content=|"csrfToken": ?)"[^"]*"')


def _normalised(text: str) -> str:
    return _VOLATILE.sub(r"\1<token>", text)


@pytest.fixture
def ballot(cast):  # type: ignore[no-untyped-def]
    """The green-belt roundtable: 王秀英 raised the topic, 李阿姨 joined, the street administrator
    sits for the property; an audit administrator of the street reads the log."""
    with time_machine.travel(MOMENT - dt.timedelta(days=2), tick=False):
        topic = make_topic(raiser=cast.resident, place=cast.street.nanyuan_compound)
        services.topic_support(actor=actor(cast.neighbour), topic=topic)
        meeting = make_meeting(staff=cast.nanyuan_worker, topics=[topic], invite=[(cast.street_admin, P.PROPERTY)])
    auditor = make_person(
        home=cast.street.nanyuan_building, role=Role.AUDIT_ADMIN, at=cast.street.street, with_account=True
    )
    return topic, meeting, auditor


def _open(cast, topic, meeting, kind: str) -> Decision:  # type: ignore[no-untyped-def]
    with time_machine.travel(MOMENT, tick=False):
        return services.decision_open_vote(
            actor=actor(cast.nanyuan_worker),
            meeting=meeting,
            topic=topic,
            question="绿化带怎么改造？",
            options=[GARDEN, TRIM, "维持现状"],
            ballot=kind,
        )


def _surfaces(cast, topic, meeting, decision, auditor, everything: bool) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Everything the viewers can read about the roundtable, each as text (or, for the control, the
    worker's meeting page and decision API only)."""
    seen: dict[str, str] = {}
    viewers = {
        "resident": cast.resident,
        "neighbour": cast.neighbour,
        "worker": cast.nanyuan_worker,
        "street_admin": cast.street_admin,
    }
    if not everything:
        viewers = {"worker": cast.nanyuan_worker}
    for name, person in viewers.items():
        web = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        web.force_login(person.user)
        api = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
        api.force_authenticate(user=person.user)
        pages: dict[str, Callable[[], Any]] = {
            "meeting page": lambda web=web: web.get(f"/roundtable/meetings/{meeting.pk}/"),
            "topic page": lambda web=web: web.get(f"/roundtable/{topic.pk}/"),
            "board": lambda web=web: web.get("/roundtable/"),
            "decision API": lambda api=api: api.get(f"/api/v1/decisions/{decision.pk}/"),
            "decisions API": lambda api=api: api.get("/api/v1/decisions/"),
            "meeting API": lambda api=api: api.get(f"/api/v1/meetings/{meeting.pk}/"),
            "meetings API": lambda api=api: api.get("/api/v1/meetings/"),
            "topic API": lambda api=api: api.get(f"/api/v1/topics/{topic.pk}/"),
        }
        for page, get in pages.items():
            if not everything and page not in ("meeting page", "decision API"):
                continue
            response = get()
            assert response.status_code == 200, (name, page, response.status_code)
            seen[f"{page} as {name}"] = _normalised(response.content.decode())
    if not everything:
        return seen
    auditor_web = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    auditor_web.force_login(auditor.user)
    log = auditor_web.get("/audit/")
    assert log.status_code == 200
    seen["audit log"] = _normalised(log.content.decode())
    export = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    export.force_login(cast.street_admin.user)
    people = export.post(reverse("organizations:export"), {})
    assert people.status_code == 200, people.status_code
    seen["people export"] = _xlsx_text(people.content)
    return seen


def _xlsx_text(content: bytes) -> str:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(repr(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))


from tests.security.test_sec_mass_assignment import _restore_sequences, _sequences  # noqa: E402


def _world(
    cast, ballot, kind: str, *, resident: str, neighbour: str, everything: bool = True
) -> tuple[dict[str, str], dict[str, str]]:  # type: ignore[no-untyped-def]
    """Vote in a world that is rolled back afterwards: what everyone sees while the vote is open
    (two of three have voted) and after it closed (the street administrator voted 改成小花园)."""
    topic, meeting, auditor = ballot
    cache.clear()  # cached counts (the unread badge) would carry over from the world before
    # PostgreSQL's sequences do not roll back: without this the second world's rows get other ids.
    sequences = _sequences()
    with transaction.atomic():
        decision = _open(cast, topic, meeting, kind)
        option = {o.label: o for o in decision.options.all()}
        with time_machine.travel(MOMENT + dt.timedelta(minutes=5), tick=False):
            services.vote_cast(actor=actor(cast.resident), decision=decision, option=option[resident])
        with time_machine.travel(MOMENT + dt.timedelta(minutes=6), tick=False):
            services.vote_cast(actor=actor(cast.neighbour), decision=decision, option=option[neighbour])
        with time_machine.travel(MOMENT + dt.timedelta(minutes=7), tick=False):
            during = _surfaces(cast, topic, meeting, decision, auditor, everything)
        with time_machine.travel(MOMENT + dt.timedelta(minutes=8), tick=False):
            services.vote_cast(actor=actor(cast.street_admin), decision=decision, option=option[GARDEN])
            services.decision_close_vote(actor=actor(cast.nanyuan_worker), decision=decision)
        with time_machine.travel(MOMENT + dt.timedelta(minutes=9), tick=False):
            after = _surfaces(cast, topic, meeting, decision, auditor, everything)
        assert Vote.objects.filter(decision=decision).count() == 3
        transaction.set_rollback(True)
    _restore_sequences(sequences)
    return during, after


def _differences(first: dict[str, str], second: dict[str, str]) -> list[str]:
    return sorted(name for name in first if first[name] != second[name])


def test_a_secret_ballot_reads_the_same_whoever_chose_what(cast, ballot):
    during_a, after_a = _world(cast, ballot, "secret", resident=GARDEN, neighbour=TRIM)
    during_b, after_b = _world(cast, ballot, "secret", resident=TRIM, neighbour=GARDEN)

    assert _differences(during_a, during_b) == []
    assert _differences(after_a, after_b) == []
    # Totals only, and only once closed: 2, 1, 0 on the meeting page and in the API.
    totals = re.compile(r'data-testid="option-total">(\d+)')
    assert totals.findall(during_a["meeting page as worker"]) == []
    assert totals.findall(after_a["meeting page as worker"]) == ["2", "1", "0"]
    assert '"votes":null' in during_a["decision API as worker"] and '"votes":2' in after_a["decision API as worker"]


def test_an_open_ballot_shows_who_voted_what_so_the_comparison_is_not_blind(cast, ballot):
    during_a, after_a = _world(cast, ballot, "open", resident=GARDEN, neighbour=TRIM, everything=False)
    during_b, after_b = _world(cast, ballot, "open", resident=TRIM, neighbour=GARDEN, everything=False)

    assert "meeting page as worker" in _differences(after_a, after_b)
    assert "decision API as worker" in _differences(during_a, during_b)
