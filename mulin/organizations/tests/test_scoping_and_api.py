import pytest
from django.urls import reverse

from mulin.core.models import AuditEvent
from mulin.organizations.models import Role
from mulin.organizations.selectors import person_list_visible_to
from mulin.organizations.tests.factories import TEST_PASSWORD, actor, make_person

pytestmark = pytest.mark.django_db


def test_community_worker_sees_own_community_only(street):
    worker = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu)
    neighbour = make_person(home=street.cuiyu_building)
    stranger = make_person(home=street.nanyuan_building)

    visible = set(person_list_visible_to(actor(worker)).values_list("pk", flat=True))

    assert neighbour.pk in visible
    assert worker.pk in visible
    assert stranger.pk not in visible


def test_other_community_person_detail_is_404_in_web_and_api(street, client, api_client):
    worker = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu, with_account=True)
    stranger = make_person(home=street.nanyuan_building)
    client.force_login(worker.user)
    api_client.force_authenticate(worker.user)

    assert client.get(reverse("organizations:person", args=[stranger.pk])).status_code == 404
    assert api_client.get(f"/api/v1/people/{stranger.pk}/").status_code == 404


def test_token_then_me_shows_roles(street, api_client):
    member = make_person(home=street.nanyuan_building, member_of=street.nanyuan_branch, with_account=True)

    response = api_client.post("/api/v1/auth/token/", {"phone": member.phone, "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    token = response.json()["token"]

    me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    roles = {r["role"] for r in me.json()["roles"]}
    assert roles == {"resident", "party_member"}
    assert "****" in me.json()["person"]["phone"]


def test_reveal_writes_exactly_one_audit_row(street, api_client):
    worker = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu, with_account=True)
    neighbour = make_person(home=street.cuiyu_building)
    api_client.force_authenticate(worker.user)
    before = AuditEvent.objects.filter(verb="person.revealed").count()

    response = api_client.post(f"/api/v1/people/{neighbour.pk}/reveal/", {"field": "phone"}, format="json")

    assert response.status_code == 200
    assert response.json()["value"] == neighbour.phone
    events = AuditEvent.objects.filter(verb="person.revealed")
    assert events.count() == before + 1
    assert neighbour.phone not in str(events.last().data)


def test_five_failures_lock_account_and_right_password_is_then_refused(street, client):
    member = make_person(home=street.nanyuan_building, with_account=True)
    for _ in range(5):
        client.post(reverse("accounts:login"), {"phone": member.phone, "password": "wrong-password-1A"})

    response = client.post(reverse("accounts:login"), {"phone": member.phone, "password": TEST_PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
