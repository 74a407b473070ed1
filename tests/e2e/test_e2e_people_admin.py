"""People administration on a phone (issue 9, acceptance): the 南苑 secretary adds a person,
appoints them a volunteer and opens their account; they sign in with the one-time code, must
choose a password, and land on a volunteer's home. The secretary cannot reach a 翠玉 person
(404) nor make anyone a street administrator (403). And "forgot password" by a texted code."""

from __future__ import annotations

import logging
import re

import pytest
from django.urls import reverse

from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import subtree_q

pytestmark = pytest.mark.e2e
NANYUAN_SECRETARY = "13800000002"
NANYUAN_RESIDENT = "13800000005"
NEW_PHONE = "13912340001"
NEW_PASSWORD = "Plum-Blossom-2024"


def _someone_in(community: str) -> Person:
    unit = OrgUnit.objects.get(kind=OrgUnit.Kind.COMMUNITY, name=community)
    person = Person.objects.filter(subtree_q("home_unit__path", unit.path)).order_by("pk").first()
    assert person is not None
    return person


def test_secretary_adds_appoints_and_opens_an_account_that_signs_in_once(  # type: ignore[no-untyped-def]
    demo_street, new_page, sign_in
):
    secretary = new_page()
    sign_in(secretary, NANYUAN_SECRETARY)

    # Add a person.
    secretary.goto("/org/people/new/")
    secretary.fill("input[name=full_name]", "陈新来")
    secretary.fill("input[name=phone]", NEW_PHONE)
    secretary.select_option("select[name=home_unit]", label="南苑社区")
    with secretary.expect_navigation():
        secretary.click("[data-testid=person-create] button[type=submit]")
    assert secretary.inner_text("[data-testid=person-name]") == "陈新来"
    person_url = secretary.url

    # Appoint them a volunteer of the community.
    secretary.click("[data-testid=roles]")
    secretary.select_option("select[name=role]", value="volunteer")
    secretary.select_option("select[name=unit]", label="南苑社区")
    with secretary.expect_navigation():
        secretary.click("[data-testid=appoint] button[type=submit]")
    assert "志愿者" in secretary.inner_text("[data-testid=role-list]")

    # Open their account: the one-time code is shown once.
    secretary.goto(person_url)
    with secretary.expect_navigation():
        secretary.click("[data-testid=account-open]")
    code = secretary.inner_text("[data-testid=one-time-code]").strip()
    assert re.fullmatch(r"\d{8}", code)

    # Not in 翠玉: the page of a 翠玉 person's roles does not exist for her.
    cuiyu_person = _someone_in("翠玉社区")
    assert secretary.goto(f"/org/people/{cuiyu_person.pk}/roles/").status == 404

    # Not a street administrator: the choice is not offered, and a forged one is refused.
    secretary.goto(person_url + "roles/")
    assert secretary.locator("select[name=role] option[value=street_admin]").count() == 0
    secretary.evaluate(
        "() => { const o = document.createElement('option'); o.value = 'street_admin'; o.text = 'x';"
        " document.querySelector('select[name=role]').add(o); }"
    )
    secretary.select_option("select[name=role]", value="street_admin")
    with secretary.expect_navigation() as refused:
        secretary.click("[data-testid=appoint] button[type=submit]")
    assert refused.value is not None and refused.value.status == 403

    # The new volunteer signs in with the code and must choose a password first.
    volunteer = new_page()
    sign_in(volunteer, NEW_PHONE, code)
    assert volunteer.url.endswith(reverse("accounts:password_set"))
    volunteer.goto("/")  # nothing else until a password is chosen
    assert volunteer.url.endswith(reverse("accounts:password_set"))
    volunteer.fill("input[name=new_password]", NEW_PASSWORD)
    volunteer.fill("input[name=new_password_again]", NEW_PASSWORD)
    with volunteer.expect_navigation():
        volunteer.click("[data-testid=password-set] button[type=submit]")
    volunteer.click("details.menu > summary")
    assert volunteer.locator(f'details.menu a[href="{reverse("wishes:for_me")}"]').count() == 1  # a volunteer's

    # The code was for once: the chosen password is the one that works now.
    again = new_page()
    sign_in(again, NEW_PHONE, NEW_PASSWORD)
    assert not again.url.endswith(reverse("accounts:password_set"))


def test_forgot_password_by_a_texted_code_and_the_same_answer_for_an_unknown_number(  # type: ignore[no-untyped-def]
    demo_street, new_page, sign_in, settings, caplog
):
    settings.MULIN_SMS_BACKEND = "mulin.notifications.sms.ConsoleSmsBackend"
    caplog.set_level(logging.INFO, logger="mulin.sms")

    def ask(page, phone: str) -> str:  # type: ignore[no-untyped-def]
        page.goto("/accounts/login/")
        page.click("[data-testid=forgot-link]")
        page.fill("input[name=phone]", phone)
        with page.expect_navigation():
            page.click("[data-testid=password-forgot] button[type=submit]")
        return page.inner_text("ul.messages")

    stranger = new_page()
    unknown_answer = ask(stranger, "13912349999")
    assert [record for record in caplog.records if record.name == "mulin.sms"] == []

    resident = new_page()
    known_answer = ask(resident, NANYUAN_RESIDENT)
    assert known_answer == unknown_answer
    texts = [record.getMessage() for record in caplog.records if record.name == "mulin.sms"]
    assert len(texts) == 1
    code = re.findall(r"\d{6}", texts[0].split(":", 1)[1])[0]

    resident.fill("input[name=code]", code)
    resident.fill("input[name=new_password]", NEW_PASSWORD)
    resident.fill("input[name=new_password_again]", NEW_PASSWORD)
    with resident.expect_navigation():
        resident.click("[data-testid=password-forgot-reset] button[type=submit]")
    assert resident.url.endswith(reverse("accounts:login"))

    sign_in(resident, NANYUAN_RESIDENT, NEW_PASSWORD)
    assert resident.locator("[data-testid=login-error]").count() == 0
