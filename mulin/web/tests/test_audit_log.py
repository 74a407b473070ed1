"""Refused and not-found access is audited (one row per person, object kind and hour), and the audit
log reads as sentences for its auditor: masked names, translated actions and objects, filters."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mulin.accounts.tests.helpers import WRONG_PASSWORD, web_login
from mulin.core.masking import mask_name
from mulin.core.models import AuditEvent
from mulin.organizations.models import Role
from mulin.organizations.tests.factories import make_person
from mulin.web.tests.cast import sign_in
from mulin.wishes.tests.factories import make_wish

pytestmark = pytest.mark.django_db


def _refused() -> list[tuple[str, str, int]]:
    rows = AuditEvent.objects.filter(verb="access.refused").order_by("id")
    return [(row.target_type, row.target_id, row.data["status"]) for row in rows]


@pytest.fixture
def cuiyu_worker(street):  # type: ignore[no-untyped-def]
    return make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu, with_account=True)


def test_a_workers_attempts_outside_their_community_are_audited_once_per_kind_and_hour(
    street, client, api_client, cuiyu_worker
):
    nanyuan_person = make_person(home=street.nanyuan_building)
    nanyuan_wish = make_wish(wisher=make_person(home=street.nanyuan_building))
    start = timezone.now().replace(minute=20)

    with time_machine.travel(start, tick=False):
        sign_in(client, cuiyu_worker)
        assert client.get(reverse("organizations:person", args=[nanyuan_person.pk])).status_code == 404
        assert client.get(reverse("wishes:detail", args=[nanyuan_wish.pk])).status_code == 404
        assert client.get(reverse("web:audit_log")).status_code == 403
        # Again, and another person: the hour's row for the kind is already there.
        assert client.get(reverse("organizations:person", args=[nanyuan_person.pk + 1000])).status_code == 404
        assert client.get(reverse("wishes:detail", args=[nanyuan_wish.pk])).status_code == 404

    assert _refused() == [
        ("organizations.person", str(nanyuan_person.pk), 404),
        ("wishes.wish", str(nanyuan_wish.pk), 404),
        ("page", "", 403),
    ]
    events = AuditEvent.objects.filter(verb="access.refused")
    assert {(e.actor_person_id, e.outcome) for e in events} == {(cuiyu_worker.pk, "fail")}

    with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
        sign_in(client, cuiyu_worker)
        client.get(reverse("wishes:detail", args=[nanyuan_wish.pk]))
    assert len(_refused()) == 4


def test_api_not_found_is_audited_for_the_tokens_person(street, api_client, cuiyu_worker):
    nanyuan_wish = make_wish(wisher=make_person(home=street.nanyuan_building))
    api_client.force_authenticate(cuiyu_worker.user)

    assert api_client.get(f"/api/v1/wishes/{nanyuan_wish.pk}/").status_code == 404

    event = AuditEvent.objects.get(verb="access.refused")
    assert (event.actor_person_id, event.target_type, event.target_id) == (
        cuiyu_worker.pk,
        "wishes.wish",
        str(nanyuan_wish.pk),
    )


def test_unknown_pages_and_anonymous_visitors_are_not_audited(street, client, cuiyu_worker):
    client.get("/no-such-page/")
    sign_in(client, cuiyu_worker)
    client.get("/no-such-page/")

    assert _refused() == []


def test_the_auditors_tile_counts_refused_access(street, client, cuiyu_worker):
    auditor = make_person(home=street.cuiyu_building, role=Role.AUDIT_ADMIN, at=street.street, with_account=True)
    sign_in(client, cuiyu_worker)
    client.get(reverse("web:audit_log"))
    client.logout()
    sign_in(client, auditor)

    page = client.get("/").content.decode()

    assert "<strong>1</strong>Failed sign-ins and refused actions" in page


@pytest.fixture
def auditor_client(street, client):  # type: ignore[no-untyped-def]
    auditor = make_person(home=street.cuiyu_building, role=Role.AUDIT_ADMIN, at=street.street, with_account=True)
    sign_in(client, auditor)
    return client


def _rows(client, **query):  # type: ignore[no-untyped-def]
    response = client.get(reverse("web:audit_log"), query)
    assert response.status_code == 200
    return [(row.action, row.actor, row.target, row.result) for row in response.context["rows"]]


def test_the_log_shows_masked_names_and_translated_actions_in_chinese(street, client, auditor_client):
    resident = make_person(home=street.cuiyu_building, with_account=True, full_name="王小明")
    web_login(client.__class__(), resident.phone, WRONG_PASSWORD)
    auditor_client.cookies["django_language"] = "zh-hans"

    response = auditor_client.get(reverse("web:audit_log"), {"verb": "login.failed"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = response.content.decode()
    assert "王**" in page
    assert "王小明" not in page
    assert "登录失败" in page
    assert "login.failed</" not in page


def test_filters_by_person_date_range_action_and_object(street, client, auditor_client, cuiyu_worker):
    resident = make_person(home=street.cuiyu_building, with_account=True, full_name="李四")
    nanyuan_wish = make_wish(wisher=make_person(home=street.nanyuan_building))
    anonymous = client.__class__()
    yesterday = timezone.now() - dt.timedelta(days=1)
    with time_machine.travel(yesterday, tick=False):
        web_login(anonymous, resident.phone, WRONG_PASSWORD)
    worker = client.__class__()
    sign_in(worker, cuiyu_worker)
    worker.get(reverse("wishes:detail", args=[nanyuan_wish.pk]))
    worker_name = mask_name(cuiyu_worker.full_name)

    by_name = _rows(auditor_client, person="李四", verb="login.failed")
    by_phone = _rows(auditor_client, person=resident.phone, verb="login.failed")
    by_id = _rows(auditor_client, person_id=cuiyu_worker.pk, verb="access.refused")
    by_object = _rows(auditor_client, kind="wishes.wish", object_id=str(nanyuan_wish.pk), verb="access.refused")
    today = timezone.localdate()
    only_yesterday = _rows(
        auditor_client,
        verb="login.failed",
        date_from=str(today - dt.timedelta(days=1)),
        date_to=str(today - dt.timedelta(days=1)),
    )
    only_today = _rows(auditor_client, verb="login.failed", date_from=str(today))

    assert by_name == by_phone == [("Sign-in failed", "system", "李*", "Failed or refused")]
    assert (
        by_id
        == by_object
        == [("Access refused or not found", worker_name, f"wish #{nanyuan_wish.pk}", "Failed or refused")]
    )
    assert only_yesterday == by_name
    assert only_today == []


def test_a_reversed_date_range_is_refused_beside_its_field(auditor_client):
    response = auditor_client.get(reverse("web:audit_log"), {"date_from": "2026-12-02", "date_to": "2026-12-01"})

    assert response.context["form"].errors == {"date_to": ["The end date must not be before the start date."]}
