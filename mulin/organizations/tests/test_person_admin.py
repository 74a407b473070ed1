"""Staff correct, deactivate and reactivate people in the browser and through the API."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from mulin.accounts.models import User, UserSession
from mulin.core.concurrency import version_token
from mulin.core.crypto import blind_index
from mulin.core.models import AuditEvent
from mulin.organizations.models import OrgUnit, PartyMembership, Person, Role, RoleAssignment
from mulin.organizations.tests.factories import OrgUnitFactory, make_person
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db
K = OrgUnit.Kind


@pytest.fixture
def world(street):  # type: ignore[no-untyped-def]
    """A 南苑 worker, a 南苑 resident with an account, a 翠玉 resident and one of another street."""
    other_street = OrgUnitFactory(kind=K.STREET, name="米市巷街道", parent=street.district)
    other_community = OrgUnitFactory(kind=K.COMMUNITY, name="青莲社区", parent=other_street)
    return {
        "street": street,
        "worker": make_person(
            home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan, with_account=True
        ),
        "resident": make_person(home=street.nanyuan_building, full_name="王秀英", with_account=True),
        "cuiyu": make_person(home=street.cuiyu_building, full_name="翠玉居民"),
        "elsewhere": make_person(home=other_community, full_name="青莲居民"),
        "secretary": make_person(
            home=street.nanyuan_building,
            member_of=street.nanyuan_branch,
            role=Role.BRANCH_SECRETARY,
            at=street.nanyuan_branch,
            with_account=True,
        ),
        "member": make_person(home=street.nanyuan_building, member_of=street.nanyuan_branch),
    }


def _web(person: Person) -> Client:
    client = Client()
    sign_in(client, person)
    return client


def _api(person: Person) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AuthToken.objects.create(user=person.user)[1]}")
    return client


def _row(person: Person) -> tuple:
    person.refresh_from_db()
    return (person.full_name, person.phone, person.id_number, person.address, person.home_unit_id, person.is_active)


def _edit_data(person: Person, **changes) -> dict:  # type: ignore[no-untyped-def]
    data = {
        "full_name": person.full_name,
        "home_unit": person.home_unit_id,
        "gender": person.gender,
        "email": "",
        "version": version_token(person),
    }
    return {**data, **changes}


# --- correcting details in the browser ----------------------------------------------------------


def test_worker_corrects_name_and_phone_and_the_change_is_audited(world):
    resident = world["resident"]
    client = _web(world["worker"])

    response = client.post(
        reverse("organizations:person_edit", args=[resident.pk]),
        _edit_data(resident, full_name="王秀英（新）", phone="138 0013 8000"),
    )

    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.full_name == "王秀英（新）"
    assert resident.phone == "13800138000"
    assert resident.phone_index == blind_index("phone", "13800138000")
    event = AuditEvent.objects.filter(verb="person.updated").latest("pk")
    assert event.data == {"fields": ["email", "full_name", "gender", "home_unit", "phone", "phone_index",
                                     "shows_full_name"]}  # fmt: skip
    assert "13800138000" not in str(event.data)


def test_empty_masked_boxes_keep_the_stored_numbers(world):
    resident = world["resident"]
    before = _row(resident)

    _web(world["worker"]).post(reverse("organizations:person_edit", args=[resident.pk]), _edit_data(resident))

    assert _row(resident) == before


def test_a_stale_form_is_refused_and_changes_nothing(world):
    resident = world["resident"]
    stale = _edit_data(resident, full_name="旧表单")
    client = _web(world["worker"])
    client.post(reverse("organizations:person_edit", args=[resident.pk]), _edit_data(resident, full_name="先保存"))
    before = _row(resident)

    response = client.post(reverse("organizations:person_edit", args=[resident.pk]), stale)

    assert response.status_code == 200
    assert "edit_conflict" not in response.content.decode()
    assert response.context["form"].non_field_errors()
    assert _row(resident) == before


def test_a_bad_phone_comes_back_beside_its_field_with_what_was_typed(world, english):
    resident = world["resident"]
    before = _row(resident)
    client = _web(world["worker"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.post(
        reverse("organizations:person_edit", args=[resident.pk]), _edit_data(resident, full_name="改名", phone="12345")
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["phone"]
    assert form["full_name"].value() == "改名"
    assert _row(resident) == before


@pytest.mark.parametrize(("who", "whom", "status"), [
    ("worker", "cuiyu", 404),  # another community
    ("worker", "elsewhere", 404),  # another street
    ("resident", "cuiyu", 404),
    ("secretary", "member", 403),  # sees the branch member, may not change them
])  # fmt: skip
def test_edit_page_refuses_people_outside_the_editors_scope(world, who, whom, status):
    target = world[whom]
    before = _row(target)
    client = _web(world[who])

    got = client.get(reverse("organizations:person_edit", args=[target.pk])).status_code
    posted = client.post(reverse("organizations:person_edit", args=[target.pk]), _edit_data(target, full_name="改"))

    assert (got, posted.status_code) == (status, status)
    assert _row(target) == before


def test_missing_phone_list_links_each_person_to_a_form_that_adds_one(world):
    client = _web(world["worker"])
    nophone = make_person(home=world["street"].nanyuan_building, full_name="没有手机", phone="")

    page = client.get(reverse("organizations:people") + "?missing_phone=on").content.decode()

    assert reverse("organizations:person_edit", args=[nophone.pk]) in page
    client.post(reverse("organizations:person_edit", args=[nophone.pk]), _edit_data(nophone, phone="13900009999"))
    nophone.refresh_from_db()
    assert nophone.phone == "13900009999"


def test_membership_and_volunteer_pages_record_them(world):
    resident, street = world["resident"], world["street"]
    client = _web(world["worker"])

    client.post(
        reverse("organizations:person_membership", args=[resident.pk]),
        {"branch": street.nanyuan_branch.pk, "status": "probationary", "joined_on": "2024-07-01"},
    )
    client.post(
        reverse("organizations:person_volunteer", args=[resident.pk]),
        {"skills": ["repair", "it"], "availability": ["weekend_morning"]},
    )

    membership = PartyMembership.objects.get(person=resident)
    assert (membership.branch_id, membership.status, membership.joined_on) == (
        street.nanyuan_branch.pk,
        "probationary",
        "2024-07-01",
    )
    assert resident.volunteer_profile.skills == ["it", "repair"]
    assert set(RoleAssignment.objects.filter(person=resident).values_list("role", flat=True)) == {
        Role.RESIDENT,
        Role.PARTY_MEMBER,
        Role.VOLUNTEER,
    }


# --- deactivating and reactivating --------------------------------------------------------------


def test_deactivating_disables_the_account_and_ends_its_sessions_and_reactivating_restores_it(world):
    resident, worker = world["resident"], world["worker"]
    their_browser = _web(resident)
    their_browser.get("/")
    AuthToken.objects.create(user=resident.user)
    client = _web(worker)

    client.post(reverse("organizations:person_deactivate", args=[resident.pk]), {"version": version_token(resident)})

    resident.refresh_from_db()
    assert resident.is_active is False
    assert User.objects.get(pk=resident.user_id).is_active is False
    assert not UserSession.objects.filter(user_id=resident.user_id).exists()
    assert not AuthToken.objects.filter(user_id=resident.user_id).exists()
    assert AuditEvent.objects.filter(verb="person.deactivated", target_id=str(resident.pk)).count() == 1

    client.post(reverse("organizations:person_reactivate", args=[resident.pk]))

    resident.refresh_from_db()
    assert resident.is_active is True
    assert User.objects.get(pk=resident.user_id).is_active is True
    assert AuditEvent.objects.filter(verb="person.reactivated", target_id=str(resident.pk)).count() == 1


def test_deactivating_twice_writes_one_audit_row(world):
    resident = world["resident"]
    client = _web(world["worker"])

    for _attempt in range(2):
        client.post(reverse("organizations:person_deactivate", args=[resident.pk]))

    assert AuditEvent.objects.filter(verb="person.deactivated").count() == 1


def test_nobody_deactivates_themselves(world):
    worker = world["worker"]

    _web(worker).post(reverse("organizations:person_deactivate", args=[worker.pk]))

    worker.refresh_from_db()
    assert worker.is_active is True


def test_deactivated_people_are_listed_only_when_asked(world):
    resident = world["resident"]
    client = _web(world["worker"])
    client.post(reverse("organizations:person_deactivate", args=[resident.pk]))

    default = client.get(reverse("organizations:people")).content.decode()
    asked = client.get(reverse("organizations:people") + "?include_inactive=on").content.decode()

    url = reverse("organizations:person", args=[resident.pk])
    assert (url in default, url in asked) == (False, True)


# --- the API ------------------------------------------------------------------------------------


def test_api_patch_corrects_a_person_with_their_version(world):
    resident = world["resident"]
    client = _api(world["worker"])
    version = client.get(reverse("api:person", args=[resident.pk])).json()["version"]

    response = client.patch(
        reverse("api:person", args=[resident.pk]),
        {"version": version, "phone": "13800138001", "home_unit": world["street"].nanyuan_compound.pk},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["phone"] == "138****8001"
    resident.refresh_from_db()
    assert (resident.phone, resident.home_unit_id) == ("13800138001", world["street"].nanyuan_compound.pk)


def test_api_patch_with_an_old_version_is_a_409_and_changes_nothing(world):
    resident = world["resident"]
    client = _api(world["worker"])
    version = version_token(resident)
    client.patch(reverse("api:person", args=[resident.pk]), {"version": version, "full_name": "甲"}, format="json")
    before = _row(resident)

    response = client.patch(
        reverse("api:person", args=[resident.pk]), {"version": version, "full_name": "乙"}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (409, "edit_conflict")
    assert _row(resident) == before


@pytest.mark.parametrize(
    "body",
    [
        {"phone": "12345"},
        {"id_number": "110105194912310021"},  # wrong check digit
        {"home_unit": 999999},
        {"full_name": ""},
    ],
)
def test_api_patch_bad_input_is_a_400_and_changes_nothing(world, body):
    resident = world["resident"]
    before = _row(resident)

    response = _api(world["worker"]).patch(
        reverse("api:person", args=[resident.pk]), {"version": version_token(resident), **body}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(body)
    assert _row(resident) == before


@pytest.mark.parametrize(("whom", "status"), [("cuiyu", 404), ("elsewhere", 404)])
def test_api_refuses_other_communities_and_streets(world, whom, status):
    target = world[whom]
    before = _row(target)
    client = _api(world["worker"])
    url_patch = reverse("api:person", args=[target.pk])

    statuses = [
        client.patch(url_patch, {"version": version_token(target), "full_name": "改"}, format="json").status_code,
        client.post(reverse("api:person-deactivate", args=[target.pk]), {}, format="json").status_code,
        client.put(
            reverse("api:person-volunteer", args=[target.pk]), {"skills": [], "availability": []}, format="json"
        ).status_code,
    ]

    assert statuses == [status] * 3
    assert _row(target) == before


def test_api_deactivate_and_reactivate(world):
    resident = world["resident"]
    client = _api(world["worker"])

    off = client.post(reverse("api:person-deactivate", args=[resident.pk]), {}, format="json")
    on = client.post(reverse("api:person-reactivate", args=[resident.pk]), {}, format="json")

    assert (off.status_code, off.json()["is_active"]) == (200, False)
    assert (on.status_code, on.json()["is_active"]) == (200, True)


def test_api_party_membership_refuses_a_branch_of_another_community(world):
    resident, street = world["resident"], world["street"]

    response = _api(world["worker"]).put(
        reverse("api:person-membership", args=[resident.pk]),
        {"branch": street.cuiyu_branch.pk, "status": "full"},
        format="json",
    )

    assert response.status_code == 400
    assert not PartyMembership.objects.filter(person=resident).exists()


# --- "already registered" links to the record (issue 9, defect 6) ---------------------------------


def _register(client: Client, street, **fields: str):  # type: ignore[no-untyped-def]
    data = {"full_name": "重复登记", "home_unit": street.nanyuan_building.pk, "phone": "", "id_number": "", **fields}
    return client.post(reverse("organizations:person_create"), data)


@pytest.mark.parametrize("field", ["phone", "id_number"])
def test_already_registered_links_to_the_existing_record_once(world, english, field):
    resident = world["resident"]
    before = Person.objects.count()

    response = _register(_web(world["worker"]), world["street"], **{field: getattr(resident, field)})

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("This person is already registered.") == 1
    link = reverse("organizations:person", kwargs={"person_id": resident.pk})
    assert f'href="{link}"' in page
    assert "Open the record of 王秀英" in page
    assert Person.objects.count() == before


def test_the_registered_person_is_found_only_within_the_actors_scope(world):
    from mulin.organizations.selectors import person_registered_with
    from mulin.organizations.tests.factories import actor

    nanyuan_worker = actor(world["worker"])
    cuiyu, resident = world["cuiyu"], world["resident"]

    assert person_registered_with(nanyuan_worker, phone=resident.phone) == resident
    assert person_registered_with(nanyuan_worker, id_number=resident.id_number) == resident
    assert person_registered_with(nanyuan_worker, phone=cuiyu.phone, id_number=cuiyu.id_number) is None
    assert person_registered_with(nanyuan_worker, phone="not a number") is None
    assert person_registered_with(nanyuan_worker) is None


def test_correcting_a_number_to_another_persons_says_so_once_and_links_to_them(world, english):
    member, resident = world["member"], world["resident"]
    before = _row(member)

    response = _web(world["worker"]).post(
        reverse("organizations:person_edit", args=[member.pk]), _edit_data(member, phone=resident.phone)
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("This person is already registered.") == 1
    assert f'href="{reverse("organizations:person", kwargs={"person_id": resident.pk})}"' in page
    assert _row(member) == before


def test_a_stale_form_says_so_once(world, english):
    resident = world["resident"]
    stale = _edit_data(resident, full_name="旧表单")
    client = _web(world["worker"])
    client.post(reverse("organizations:person_edit", args=[resident.pk]), _edit_data(resident, full_name="先保存"))

    response = client.post(reverse("organizations:person_edit", args=[resident.pk]), stale)

    (message,) = response.context["form"].non_field_errors()
    assert response.content.decode().count(str(message)) == 1
