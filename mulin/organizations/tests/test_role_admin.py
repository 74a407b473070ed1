"""Appointing and removing roles in the browser and the API: who may appoint whom, where; every
appointment and removal audited and told to the person."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from mulin.core.models import AuditEvent
from mulin.notifications.models import Notification
from mulin.organizations.models import OrgUnit, Person, Role, RoleAssignment
from mulin.organizations.tests.factories import OrgUnitFactory, make_person
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db
K = OrgUnit.Kind


@pytest.fixture
def world(street):  # type: ignore[no-untyped-def]
    other_street = OrgUnitFactory(kind=K.STREET, name="米市巷街道", parent=street.district)
    other_community = OrgUnitFactory(kind=K.COMMUNITY, name="青莲社区", parent=other_street)
    return {
        "street": street,
        "secretary": make_person(
            home=street.nanyuan_building, role=Role.COMMUNITY_SECRETARY, at=street.nanyuan, with_account=True
        ),
        "admin": make_person(home=street.nanyuan_building, role=Role.STREET_ADMIN, at=street.street, with_account=True),
        "sysadmin": make_person(
            home=street.cuiyu_building, role=Role.SYSTEM_ADMIN, at=street.street, with_account=True
        ),
        "resident": make_person(home=street.nanyuan_building, full_name="王秀英", with_account=True),
        "cuiyu": make_person(home=street.cuiyu_building, full_name="翠玉居民"),
        "elsewhere": make_person(home=other_community, full_name="青莲居民"),
    }


def _web(person: Person) -> Client:
    client = Client()
    sign_in(client, person)
    return client


def _api(person: Person) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AuthToken.objects.create(user=person.user)[1]}")
    return client


def _roles(person: Person) -> set[tuple[str, int]]:
    return set(RoleAssignment.objects.filter(person=person).values_list("role", "unit_id"))


def _world_snapshot() -> tuple:
    return (
        sorted(RoleAssignment.objects.values_list("person_id", "role", "unit_id")),
        AuditEvent.objects.filter(verb__startswith="role.").count(),
        Notification.objects.count(),
    )


# --- the browser --------------------------------------------------------------------------------


def test_secretary_appoints_a_volunteer_who_is_told_and_it_is_audited(world):
    resident, street = world["resident"], world["street"]

    response = _web(world["secretary"]).post(
        reverse("organizations:person_roles", args=[resident.pk]),
        {"role": Role.VOLUNTEER, "unit": street.nanyuan.pk},
    )

    assert response.status_code == 302
    assert (Role.VOLUNTEER, street.nanyuan.pk) in _roles(resident)
    event = AuditEvent.objects.get(verb="role.granted", target_id=str(resident.pk))
    assert (event.actor_person_id, event.data) == (world["secretary"].pk, {"role": Role.VOLUNTEER})
    notice = Notification.objects.get(recipient=resident)
    assert (notice.kind, notice.params) == ("organizations.role_granted", {"role": "志愿者", "unit": "南苑社区"})


def test_appointing_twice_tells_the_person_once(world):
    resident, street = world["resident"], world["street"]
    client = _web(world["secretary"])

    for _attempt in range(2):
        client.post(
            reverse("organizations:person_roles", args=[resident.pk]),
            {"role": Role.COMMUNITY_WORKER, "unit": street.nanyuan.pk},
        )

    assert Notification.objects.filter(recipient=resident).count() == 1
    assert AuditEvent.objects.filter(verb="role.granted", target_id=str(resident.pk)).count() == 1


def test_secretary_cannot_make_anyone_a_street_admin(world):
    resident, street = world["resident"], world["street"]
    before = _world_snapshot()

    response = _web(world["secretary"]).post(
        reverse("organizations:person_roles", args=[resident.pk]),
        {"role": Role.STREET_ADMIN, "unit": street.street.pk},
    )

    assert response.status_code == 403
    assert _world_snapshot() == before


@pytest.mark.parametrize("whom", ["cuiyu", "elsewhere"])
def test_secretary_cannot_appoint_anyone_in_another_community_or_street(world, whom):
    target = world[whom]
    before = _world_snapshot()
    client = _web(world["secretary"])

    page = client.get(reverse("organizations:person_roles", args=[target.pk]))
    posted = client.post(
        reverse("organizations:person_roles", args=[target.pk]),
        {"role": Role.VOLUNTEER, "unit": world["street"].nanyuan.pk},
    )

    assert (page.status_code, posted.status_code) == (404, 404)
    assert _world_snapshot() == before


def test_secretary_cannot_appoint_at_a_unit_of_another_community(world):
    resident, street = world["resident"], world["street"]
    before = _world_snapshot()

    response = _web(world["secretary"]).post(
        reverse("organizations:person_roles", args=[resident.pk]),
        {"role": Role.VOLUNTEER, "unit": street.cuiyu.pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert _world_snapshot() == before


def test_street_admin_appoints_a_community_secretary_who_then_needs_a_second_factor(world):
    resident, street = world["resident"], world["street"]

    _web(world["admin"]).post(
        reverse("organizations:person_roles", args=[resident.pk]),
        {"role": Role.COMMUNITY_SECRETARY, "unit": street.nanyuan.pk},
    )

    resident.user.refresh_from_db()
    assert (Role.COMMUNITY_SECRETARY, street.nanyuan.pk) in _roles(resident)
    assert resident.user.needs_second_factor is True


def test_removing_a_role_is_audited_and_told(world):
    resident, street = world["resident"], world["street"]
    client = _web(world["secretary"])
    client.post(
        reverse("organizations:person_roles", args=[resident.pk]), {"role": Role.VOLUNTEER, "unit": street.nanyuan.pk}
    )
    assignment = RoleAssignment.objects.get(person=resident, role=Role.VOLUNTEER)

    response = client.post(
        reverse("organizations:person_role_remove", args=[resident.pk]), {"assignment": assignment.pk}
    )

    assert response.status_code == 302
    assert (Role.VOLUNTEER, street.nanyuan.pk) not in _roles(resident)
    assert AuditEvent.objects.filter(verb="role.revoked", target_id=str(resident.pk)).count() == 1
    assert list(Notification.objects.filter(recipient=resident).order_by("pk").values_list("kind", flat=True)) == [
        "organizations.role_granted",
        "organizations.role_revoked",
    ]


def test_secretary_cannot_remove_the_street_admins_role(world):
    admin = world["admin"]
    assignment = RoleAssignment.objects.get(person=admin, role=Role.STREET_ADMIN)
    before = _world_snapshot()

    response = _web(world["secretary"]).post(
        reverse("organizations:person_role_remove", args=[admin.pk]), {"assignment": assignment.pk}
    )

    assert response.status_code == 403
    assert _world_snapshot() == before


def test_another_persons_role_id_is_a_404(world):
    resident, admin = world["resident"], world["admin"]
    assignment = RoleAssignment.objects.get(person=admin, role=Role.STREET_ADMIN)
    before = _world_snapshot()

    response = _web(world["admin"]).post(
        reverse("organizations:person_role_remove", args=[resident.pk]), {"assignment": assignment.pk}
    )

    assert response.status_code == 404
    assert _world_snapshot() == before


# --- the API ------------------------------------------------------------------------------------


def test_api_appoint_list_and_remove(world):
    resident, street = world["resident"], world["street"]
    client = _api(world["secretary"])
    url = reverse("api:person-roles", args=[resident.pk])

    created = client.post(url, {"role": Role.BRANCH_SECRETARY, "unit": street.nanyuan_branch.pk}, format="json")
    listed = client.get(url)
    removed = client.post(
        reverse("api:person-role-remove", args=[resident.pk]), {"assignment": created.json()["id"]}, format="json"
    )

    assert created.status_code == 201
    assert created.json()["role"] == Role.BRANCH_SECRETARY
    assert {row["role"] for row in listed.json()} == {Role.RESIDENT, Role.BRANCH_SECRETARY}
    assert removed.status_code == 204
    assert _roles(resident) == {(Role.RESIDENT, street.nanyuan_building.pk)}


def test_api_secretary_cannot_make_a_street_admin(world):
    before = _world_snapshot()

    response = _api(world["secretary"]).post(
        reverse("api:person-roles", args=[world["resident"].pk]),
        {"role": Role.STREET_ADMIN, "unit": world["street"].street.pk},
        format="json",
    )

    assert response.status_code == 403
    assert _world_snapshot() == before


@pytest.mark.parametrize("whom", ["cuiyu", "elsewhere"])
def test_api_other_community_and_street_are_404(world, whom):
    before = _world_snapshot()

    response = _api(world["secretary"]).post(
        reverse("api:person-roles", args=[world[whom].pk]),
        {"role": Role.VOLUNTEER, "unit": world["street"].nanyuan.pk},
        format="json",
    )

    assert response.status_code == 404
    assert _world_snapshot() == before


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_system_admin_cannot_grant_security_or_audit_administration_to_themselves(world, role):
    sysadmin = world["sysadmin"]
    before = _world_snapshot()

    response = _api(sysadmin).post(
        reverse("api:person-roles", args=[sysadmin.pk]),
        {"role": role, "unit": world["street"].street.pk},
        format="json",
    )

    assert response.status_code == 403
    assert _world_snapshot() == before


def test_api_roles_list_says_which_roles_the_caller_may_appoint(world):
    response = _api(world["secretary"]).get(reverse("api:roles"))

    grantable = {row["code"] for row in response.json() if row["grantable"]}
    assert grantable == {
        Role.RESIDENT,
        Role.PARTY_MEMBER,
        Role.VOLUNTEER,
        Role.BRANCH_SECRETARY,
        Role.COMMUNITY_WORKER,
        Role.GOVERNANCE_OFFICER,
    }
