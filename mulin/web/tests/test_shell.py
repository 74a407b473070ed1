"""The web shell: home page per role, profile with masked data and the audited reveal, language
and large-text switches, error pages, and a resident who never sees anyone else's phone."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from mulin.core.masking import mask_phone
from mulin.core.models import AuditEvent
from mulin.notifications.services import notification_send
from mulin.organizations.models import Person, Role
from mulin.organizations.tests.factories import make_person
from mulin.web.tests.cast import build_cast, sign_in

pytestmark = pytest.mark.django_db


def _signed_in(client, person):  # type: ignore[no-untyped-def]
    sign_in(client, person)
    return client


def _page(client, url="/"):  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- home page ----------------------------------------------------------------------------------


def test_resident_home_greets_them_and_lists_their_unread_notifications(street, client, english):
    resident = make_person(home=street.cuiyu_building, with_account=True)
    _signed_in(client, resident)
    assert "Unread notifications" not in _page(client)

    notification_send(kind="street.announcement", recipients=[resident], params={"subject": "停水", "text": ""})
    page = _page(client)

    assert resident.full_name in page
    assert re.search(r"<strong>1</strong>Unread notifications", page)
    assert "Locked sign-ins" not in page
    assert "People without a mobile number" not in page
    assert "refused actions" not in page


def test_community_worker_home_counts_people_without_a_phone_in_their_community(street, client, english):
    worker = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu, with_account=True)
    make_person(home=street.cuiyu_building, phone="")
    make_person(home=street.cuiyu_compound, phone="")
    make_person(home=street.nanyuan_building, phone="")  # another community: not theirs

    page = _page(_signed_in(client, worker))

    assert re.search(r"<strong>2</strong>People without a mobile number", page)
    assert reverse("organizations:people") + "?missing_phone=on" in page


def test_security_admin_home_shows_locked_sign_ins(street, client, english):
    admin = make_person(home=street.cuiyu_building, role=Role.SECURITY_ADMIN, at=street.street, with_account=True)
    AccessAttempt.objects.create(username="k", ip_address="192.0.2.1", user_agent="t", failures_since_start=5)

    page = _page(_signed_in(client, admin))

    assert re.search(r"<strong>1</strong>Locked sign-ins", page)
    assert "refused actions" not in page


def test_security_admin_sees_a_paused_network_and_lifts_the_pause(street, client, english, settings):
    settings.MULIN_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR = 2
    admin = make_person(home=street.cuiyu_building, role=Role.SECURITY_ADMIN, at=street.street, with_account=True)
    for phone in ("13900000001", "13900000002"):
        client.post(reverse("accounts:login"), {"phone": phone, "password": "x"}, REMOTE_ADDR="192.0.2.7")
    _signed_in(client, admin)

    assert re.search(r"<strong>1</strong>Locked sign-ins", _page(client))
    page = _page(client, reverse("web:lockouts"))
    assert "192.0.2.7" in page
    assert "2 failures" in page

    response = client.post(reverse("web:network_limit_lift"), {"address": "192.0.2.7"}, follow=True)

    assert "Sign-in from this network is open again." in response.content.decode()
    assert "No network is paused." in response.content.decode()
    assert re.search(r"<strong>0</strong>Locked sign-ins", _page(client))


def test_audit_admin_home_shows_refused_actions_of_the_last_day(street, client, english):
    auditor = make_person(home=street.cuiyu_building, role=Role.AUDIT_ADMIN, at=street.street, with_account=True)
    client.post(reverse("accounts:login"), {"phone": "13900000000", "password": "wrong-password-1A"})

    page = _page(_signed_in(client, auditor))

    assert re.search(r"<strong>1</strong>Failed sign-ins and refused actions", page)
    assert "Locked sign-ins" not in page


def test_menu_shows_people_only_to_those_who_may_see_them(street, client):
    resident = make_person(home=street.cuiyu_building, with_account=True)
    worker = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu, with_account=True)

    assert 'data-nav="people"' not in _page(_signed_in(client, resident))
    assert 'data-nav="people"' in _page(_signed_in(client, worker))


# --- profile and reveal -------------------------------------------------------------------------


def test_profile_shows_masked_data_and_the_htmx_reveal_writes_one_audit_row(street, client):
    resident = make_person(home=street.cuiyu_building, address="集翠源1幢2单元301室", with_account=True)
    _signed_in(client, resident)

    page = _page(client, reverse("web:profile"))
    reveal_url = reverse("organizations:person_reveal", args=[resident.pk, "phone"])
    before = AuditEvent.objects.filter(verb="person.revealed").count()
    response = client.post(reveal_url, HTTP_HX_REQUEST="true")

    assert mask_phone(resident.phone) in page
    assert resident.phone not in page
    assert resident.id_number not in page
    assert "集翠源1幢2单元301室" not in page
    assert f'hx-post="{reveal_url}"' in page
    assert 'hx-target="#field-phone"' in page
    assert response.status_code == 200
    fragment = response.content.decode()
    assert f"<strong>{resident.phone}</strong>" in fragment
    assert fragment.startswith('<span class="masked" id="field-phone"')  # swaps the masked value in place
    assert AuditEvent.objects.filter(verb="person.revealed").count() == before + 1


def test_reveal_by_get_is_refused_without_audit(street, client):
    resident = make_person(home=street.cuiyu_building, with_account=True)
    _signed_in(client, resident)
    before = AuditEvent.objects.count()

    response = client.get(reverse("organizations:person_reveal", args=[resident.pk, "phone"]))

    assert response.status_code == 405
    assert AuditEvent.objects.count() == before


def test_reveal_of_an_unknown_field_is_404_without_audit(street, client):
    resident = make_person(home=street.cuiyu_building, with_account=True)
    _signed_in(client, resident)
    before = AuditEvent.objects.exclude(verb="access.refused").count()

    response = client.post(reverse("organizations:person_reveal", args=[resident.pk, "full_name"]))

    assert response.status_code == 404
    assert AuditEvent.objects.exclude(verb="access.refused").count() == before


def test_person_page_offers_reveal_only_to_those_who_may(street, client, english):
    person = make_person(home=street.cuiyu_building)
    worker = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu, with_account=True)
    system_admin = make_person(home=street.cuiyu_building, role=Role.SYSTEM_ADMIN, at=street.street, with_account=True)
    url = reverse("organizations:person", args=[person.pk])

    as_worker = _page(_signed_in(client, worker), url)
    as_admin = _page(_signed_in(client, system_admin), url)

    assert 'data-testid="reveal-phone"' in as_worker
    assert 'data-testid="reveal-phone"' not in as_admin
    assert "You can see masked details only." in as_admin
    for page in (as_worker, as_admin):
        assert mask_phone(person.phone) in page
        assert person.phone not in page


# --- language and text size ---------------------------------------------------------------------


def test_anonymous_visitor_switches_to_english_and_back(client):
    response = client.post(reverse("web:set_language"), {"language": "en", "next": "/accounts/login/"})
    page = _page(client, "/accounts/login/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert '<html lang="en"' in page

    client.post(reverse("web:set_language"), {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans"' in _page(client, "/accounts/login/")


def test_chinese_is_the_default(client, settings):
    from config.settings import base

    assert base.LANGUAGE_CODE == "zh-hans"
    settings.LANGUAGE_CODE = base.LANGUAGE_CODE  # the test settings read English msgids
    assert '<html lang="zh-hans"' in _page(client, "/accounts/login/")


def test_signed_in_person_switches_language_and_it_is_remembered_for_messages(street, client):
    resident = make_person(home=street.cuiyu_building, with_account=True)
    _signed_in(client, resident)

    client.post(reverse("web:set_language"), {"language": "en", "next": "/"})

    assert '<html lang="en"' in _page(client)
    resident.refresh_from_db()
    assert resident.preferred_language == "en"


def test_unknown_language_changes_nothing(street, client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    resident = make_person(home=street.cuiyu_building, with_account=True)
    _signed_in(client, resident)

    client.post(reverse("web:set_language"), {"language": "xx", "next": "/"})

    resident.refresh_from_db()
    assert resident.preferred_language == "zh-hans"
    assert '<html lang="zh-hans"' in _page(client)


@pytest.mark.parametrize("signed_in", [False, True])
def test_large_text_toggle_sets_the_class_on_html(street, client, signed_in):
    url = "/"
    if signed_in:
        _signed_in(client, make_person(home=street.cuiyu_building, with_account=True))
    else:
        url = "/accounts/login/"
    assert 'class="text-large"' not in _page(client, url)

    response = client.post(reverse("web:text_size"), {"size": "large", "next": url})
    large = _page(client, url)
    client.post(reverse("web:text_size"), {"size": "normal", "next": url})
    normal = _page(client, url)

    assert response.status_code == 302
    assert response.cookies["mulin_text_size"]["httponly"]
    assert re.search(r'<html lang="[^"]+" class="text-large">', large)
    assert 'class="text-large"' not in normal


def test_switches_never_redirect_off_site(client):
    for url, data in [
        (reverse("web:text_size"), {"size": "large"}),
        (reverse("web:set_language"), {"language": "en"}),
    ]:
        response = client.post(url, {**data, "next": "https://evil.example/"})
        assert response.status_code == 302
        assert response["Location"] == "/"


# --- error pages --------------------------------------------------------------------------------


def test_other_communitys_person_gets_the_404_page(street, client, english):
    worker = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu, with_account=True)
    stranger = make_person(home=street.nanyuan_building)
    _signed_in(client, worker)

    response = client.get(reverse("organizations:person", args=[stranger.pk]))
    missing = client.get(reverse("organizations:person", args=[987654]))

    assert response.status_code == missing.status_code == 404
    page = response.content.decode()
    assert "This page does not exist, or you are not allowed to see it." in page
    assert stranger.full_name not in page
    assert response["X-Request-ID"] in page  # the reference to quote to the helpdesk


def test_refused_page_gets_the_403_page_with_the_reason(street, client, english):
    resident = make_person(home=street.cuiyu_building, with_account=True)
    _signed_in(client, resident)

    response = client.get(reverse("organizations:people"))

    assert response.status_code == 403
    page = response.content.decode()
    assert "Not allowed" in page
    assert "You may not see the list of people." in page


# --- a resident sees no one else's phone number -------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        for name, value in attrs:
            if name in {"href", "hx-get"} and value:
                self.links.append(value)


PHONE_LIKE = re.compile(r"1[3-9]\d(?:\d{4}|\*{4})\d{4}")


def _crawl(client, start: list[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """GET every same-site page reachable from `start`; return url → body."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < 300:
        url = queue.pop(0).split("#")[0]
        if not url.startswith("/") or url.startswith(("/static/", "//")) or url in seen:
            continue
        response = client.get(url)
        body = (
            response.content.decode(errors="replace")
            if response.get("Content-Type", "").startswith(("text/", "application/json"))
            else ""
        )
        seen[url] = body
        if response.status_code in (301, 302):
            queue.append(response["Location"])
        parser = _Links()
        parser.feed(body)
        queue += parser.links
    return seen


def test_a_resident_sees_no_one_elses_phone_anywhere(street, client, api_client):
    """Crawl every page and API answer a resident can reach and look for any phone number,
    full or masked, of anyone else."""
    cast = build_cast(street)
    resident = cast.people["resident_a"]
    for person in cast.people.values():  # everyone writes to everyone: nothing may leak through
        notification_send(kind="street.announcement", recipients=[person], params={"subject": "通知", "text": "内容"})
    _signed_in(client, resident)
    api_client.credentials(HTTP_AUTHORIZATION=cast.api("resident_a")._credentials["HTTP_AUTHORIZATION"])

    pages = _crawl(client, ["/", reverse("web:profile"), reverse("notifications:inbox")])
    for other in Person.objects.exclude(pk=resident.pk):
        pages.update(_crawl(client, [reverse("organizations:person", args=[other.pk])]))
        for field in ("phone", "id_number", "address"):
            reveal = client.post(reverse("organizations:person_reveal", args=[other.pk, field]))
            pages[f"POST reveal {other.pk} {field}"] = reveal.content.decode()
            assert reveal.status_code == 404
        pages[f"api person {other.pk}"] = api_client.get(f"/api/v1/people/{other.pk}/").content.decode()
    for url in ["/api/v1/me/", "/api/v1/people/", "/api/v1/org-units/", "/api/v1/notifications/"]:
        pages[f"api {url}"] = api_client.get(url).content.decode()

    assert {"/", "/me/", "/notifications/", "/org/units/"} <= set(pages)
    others = {p.phone for p in Person.objects.exclude(pk=resident.pk) if p.phone}
    masked_others = {mask_phone(phone) for phone in others} - {mask_phone(resident.phone)}
    leaks = [
        (url, found)
        for url, body in pages.items()
        for found in PHONE_LIKE.findall(body)
        if found in others or found in masked_others
    ]
    assert not leaks
    # The crawl did see the resident's own (masked) number, so the pattern is not blind.
    assert any(mask_phone(resident.phone) in body for body in pages.values())


@pytest.mark.slow
def test_demo_resident_sees_no_one_elses_phone_anywhere_in_the_demo_street(daguan, client, settings):
    """The same crawl over the whole demo street (thousands of people, and whatever later
    modules add to the demo: wishes, activities …), as the demo resident 王秀英."""
    from mulin.demo.daguan import DEMO_ACCOUNTS

    phone = next(account[0] for account in DEMO_ACCOUNTS if account[2] == "resident")
    resident = Person.objects.get(phone_index=_index(phone))
    _signed_in(client, resident)

    pages = _crawl(client, ["/"])

    others = {p.phone for p in Person.objects.exclude(pk=resident.pk).only("phone") if p.phone}
    masked_others = {mask_phone(other) for other in others} - {mask_phone(resident.phone)}
    leaks = [
        (url, found)
        for url, body in pages.items()
        for found in PHONE_LIKE.findall(body)
        if found in others or found in masked_others
    ]
    assert len(pages) > 5
    assert not leaks


def _index(phone: str) -> str:
    from mulin.core.crypto import blind_index

    return blind_index("phone", phone)


@pytest.mark.django_db
def test_a_bad_host_header_gets_the_400_page_not_a_server_error(settings):
    """CommonMiddleware refuses the host before authentication runs; the error page's frame must
    not need a user."""
    from django.test import Client

    settings.ALLOWED_HOSTS = ["mulin.example.gov.cn"]
    response = Client(raise_request_exception=False).get("/accounts/login/", HTTP_HOST="evil.example")

    assert response.status_code == 400


def test_the_kept_parts_of_the_frame_follow_language_text_size_and_the_unread_count(street, client):
    """The frame's fixed parts are kept per content (mulin_fragments): each switch still shows."""
    resident = make_person(home=street.cuiyu_building, with_account=True)
    _signed_in(client, resident)
    client.post(reverse("web:set_language"), {"language": "zh-hans", "next": "/"})
    chinese = _page(client)

    client.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    english = _page(client)
    client.post(reverse("web:text_size"), {"size": "large", "next": "/"})
    large = _page(client)
    notification_send(kind="street.announcement", recipients=[resident], params={"subject": "停水", "text": ""})
    told = _page(client)
    client.post(reverse("web:text_size"), {"size": "normal", "next": "/"})
    normal = _page(client)

    assert 'class="chip chip-active" lang="zh-hans"' in chinese
    assert 'class="chip chip-active" lang="en"' in english
    assert "Sign out" in english and "Sign out" not in chinese
    assert 'value="normal" class="chip chip-active"' in large
    assert 'value="large" class="chip"' in normal
    assert '<span class="badge">' not in english
    assert '<span class="badge">1</span>' in told
    # The forms' CSRF tokens are each request's own, never kept with a fragment.
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', told)
    again = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', _page(client))
    assert len(tokens) == 3
    assert not set(tokens) & set(again)
