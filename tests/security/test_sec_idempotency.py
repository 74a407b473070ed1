"""Duplicate submissions (double click, resubmitted page, a phone retrying a POST) create one
record: the Idempotency-Key header of the API and the one-time form key of web forms
(mulin/core/idempotency.py, ADR 0009). ASVS 5.0 2.3.3 / 2.3.4; SECURITY.md "integrity"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from knox.models import AuthToken

from mulin.core.exceptions import ApplicationError, StateConflict
from mulin.core.idempotency import HEADER, REPLAYED_HEADER, run_once
from mulin.core.models import AuditEvent, IdempotencyKey
from mulin.organizations.models import Person
from mulin.wishes.models import Wish, WishCategory

pytestmark = pytest.mark.django_db

KEY = "5f1c8a3e-2b7d-4e0a-9c11-0d2f6b8e4a77"


def _bearer(person: Person) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {AuthToken.objects.create(user=person.user)[1]}"}


def _form_key(page: str) -> str:
    match = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert match, "the form carries no one-time key"
    return match.group(1)


# --- the mechanism --------------------------------------------------------------------------------


def test_without_a_key_the_work_runs_every_time(cast):
    runs = []

    def work():  # type: ignore[no-untyped-def]
        runs.append(1)
        return cast.cuiyu_plain

    run_once(owner_id=1, key=None, fingerprint="f", work=work)
    run_once(owner_id=1, key=None, fingerprint="f", work=work)

    assert len(runs) == 2


def test_with_a_key_the_work_runs_once_and_the_repeat_names_the_same_record(cast):
    runs = []

    def work():  # type: ignore[no-untyped-def]
        runs.append(1)
        return cast.cuiyu_plain

    first = run_once(owner_id=1, key=KEY, fingerprint="f", work=work)
    again = run_once(owner_id=1, key=KEY, fingerprint="f", work=work)

    assert len(runs) == 1
    assert (first.replayed, again.replayed) == (False, True)
    assert again.target_id == first.target_id == str(cast.cuiyu_plain.pk)
    assert again.target_type == "organizations.person"


def test_keys_are_per_account(cast):
    run_once(owner_id=1, key=KEY, fingerprint="f", work=lambda: cast.cuiyu_plain)

    other = run_once(owner_id=2, key=KEY, fingerprint="f", work=lambda: cast.nanyuan_plain)

    assert not other.replayed


def test_a_key_reused_for_a_different_request_is_refused_with_409(cast):
    run_once(owner_id=1, key=KEY, fingerprint="f", work=lambda: cast.cuiyu_plain)

    with pytest.raises(StateConflict) as refused:
        run_once(owner_id=1, key=KEY, fingerprint="other body", work=lambda: cast.nanyuan_plain)

    assert refused.value.code == "idempotency_key_reused"


def test_failed_work_keeps_no_key_so_a_retry_runs_afresh(cast):
    def failing():  # type: ignore[no-untyped-def]
        raise ApplicationError("no")

    with pytest.raises(ApplicationError):
        run_once(owner_id=1, key=KEY, fingerprint="f", work=failing)

    assert not IdempotencyKey.objects.exists()
    assert not run_once(owner_id=1, key=KEY, fingerprint="f", work=lambda: cast.cuiyu_plain).replayed


# --- the API --------------------------------------------------------------------------------------


def test_api_wish_posted_twice_with_one_key_is_one_wish(cast, api_client):
    body = {"title": "帮忙换灯泡", "category": "repair"}
    headers = {**_bearer(cast.people["resident_a"]), f"HTTP_{HEADER.upper().replace('-', '_')}": KEY}

    first = api_client.post("/api/v1/wishes/", body, format="json", **headers)
    again = api_client.post("/api/v1/wishes/", body, format="json", **headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again[REPLAYED_HEADER] == "true"
    assert REPLAYED_HEADER not in first
    assert Wish.objects.filter(title="帮忙换灯泡").count() == 1
    assert AuditEvent.objects.filter(verb="wishes.submitted").count() == 1


def test_api_same_key_different_wish_is_409_and_creates_nothing(cast, api_client):
    headers = {**_bearer(cast.people["resident_a"]), "HTTP_IDEMPOTENCY_KEY": KEY}
    api_client.post("/api/v1/wishes/", {"title": "第一个", "category": "repair"}, format="json", **headers)

    response = api_client.post("/api/v1/wishes/", {"title": "第二个", "category": "repair"}, format="json", **headers)

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert not Wish.objects.filter(title="第二个").exists()


def test_api_malformed_key_is_400_and_creates_nothing(cast, api_client):
    headers = {**_bearer(cast.people["resident_a"]), "HTTP_IDEMPOTENCY_KEY": "short; DROP"}

    response = api_client.post("/api/v1/wishes/", {"title": "坏钥匙", "category": "repair"}, format="json", **headers)

    assert response.status_code == 400
    assert not Wish.objects.filter(title="坏钥匙").exists()


def test_api_person_registered_twice_with_one_key_is_one_person(cast, api_client):
    body = {"full_name": "重试居民", "home_unit": cast.street.cuiyu_building.pk, "phone": "13912345678"}
    headers = {**_bearer(cast.people["worker_cuiyu"]), "HTTP_IDEMPOTENCY_KEY": KEY}

    first = api_client.post("/api/v1/people/", body, format="json", **headers)
    again = api_client.post("/api/v1/people/", body, format="json", **headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again[REPLAYED_HEADER] == "true"
    assert Person.objects.filter(full_name="重试居民").count() == 1


def test_without_a_key_a_repeated_person_post_is_the_duplicate_409_as_before(cast, api_client):
    body = {"full_name": "无钥居民", "home_unit": cast.street.cuiyu_building.pk, "phone": "13912345679"}
    headers = _bearer(cast.people["worker_cuiyu"])

    first = api_client.post("/api/v1/people/", body, format="json", **headers)
    again = api_client.post("/api/v1/people/", body, format="json", **headers)

    assert (first.status_code, again.status_code) == (201, 409)


# --- web forms --------------------------------------------------------------------------------------


def test_wish_form_carries_a_fresh_one_time_key(cast, client):
    client.force_login(cast.people["resident_a"].user)

    first = _form_key(client.get(reverse("wishes:create")).content.decode())
    second = _form_key(client.get(reverse("wishes:create")).content.decode())

    assert first != second


def test_wish_form_submitted_twice_creates_one_wish_and_both_land_on_it(cast, client):
    client.force_login(cast.people["resident_a"].user)
    key = _form_key(client.get(reverse("wishes:create")).content.decode())
    form = {"title": "双击的心愿", "category": WishCategory.objects.get(code="repair").pk, "idempotency_key": key}

    first = client.post(reverse("wishes:create"), form)
    again = client.post(reverse("wishes:create"), form, follow=True)

    wish = Wish.objects.get(title="双击的心愿")
    assert first.status_code == 302
    assert first["Location"] == reverse("wishes:detail", args=[wish.pk])
    assert again.redirect_chain[0][0] == reverse("wishes:detail", args=[wish.pk])
    assert "already been sent" in again.content.decode()


def test_wish_form_with_errors_keeps_its_key_and_the_corrected_post_creates_one_wish(cast, client):
    client.force_login(cast.people["resident_a"].user)
    key = _form_key(client.get(reverse("wishes:create")).content.decode())
    category = WishCategory.objects.get(code="repair").pk

    shown_again = client.post(reverse("wishes:create"), {"title": "", "category": category, "idempotency_key": key})
    assert _form_key(shown_again.content.decode()) == key
    client.post(reverse("wishes:create"), {"title": "改好的心愿", "category": category, "idempotency_key": key})
    client.post(reverse("wishes:create"), {"title": "改好的心愿", "category": category, "idempotency_key": key})

    assert Wish.objects.filter(title="改好的心愿").count() == 1


def test_person_form_submitted_twice_registers_one_person(cast, client):
    from mulin.web.tests.cast import sign_in

    sign_in(client, cast.people["worker_cuiyu"])
    key = _form_key(client.get(reverse("organizations:person_create")).content.decode())
    form = {"full_name": "双击居民", "home_unit": cast.street.cuiyu_building.pk, "phone": "13912340000"}

    first = client.post(reverse("organizations:person_create"), {**form, "idempotency_key": key})
    again = client.post(reverse("organizations:person_create"), {**form, "idempotency_key": key})

    person = Person.objects.get(full_name="双击居民")
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == reverse("organizations:person", args=[person.pk])
    assert AuditEvent.objects.filter(verb="person.registered", target_id=str(person.pk)).count() == 1
