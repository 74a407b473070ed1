"""Issue 9 item 7: pages that were reachable only by typing their address are in the menu of the
roles that may use them, and of no one else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mulin.organizations.models import Role
from mulin.organizations.tests.factories import make_person
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db

PAGES = ["points:people", "points:rules", "wishes:categories", "points:verify", "admin:index"]


@pytest.mark.parametrize(
    ("role", "at", "expected"),
    [
        (Role.STREET_ADMIN, "street", {"points:people", "points:rules", "wishes:categories", "points:verify"}),
        (Role.COMMUNITY_SECRETARY, "nanyuan", {"points:people", "points:verify"}),
        (Role.SYSTEM_ADMIN, "street", {"admin:index", "points:verify"}),
        (Role.RESIDENT, "nanyuan_building", {"points:verify"}),
    ],
)
def test_menu_links_to_the_pages_each_role_may_use(street, role, at, expected):
    person = make_person(home=street.nanyuan_building, role=role, at=getattr(street, at), with_account=True)
    client = Client()
    sign_in(client, person)

    page = client.get(reverse("web:home")).content.decode()

    linked = {name for name in PAGES if f'href="{reverse(name)}"' in page}
    assert linked == expected
    for name in expected:
        assert client.get(reverse(name)).status_code == 200
