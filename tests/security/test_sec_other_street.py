"""A second street: nobody of 大关街道 — not even its street administrator — sees or touches what
belongs to 和睦街道, the street next door in the same district.

Everything else in the suite is built inside one street, so a scope that reached "every street"
(the wish wall's street-wide reach, a street admin's reach, a work-order list) would pass it. This
module builds the neighbour street with a published wish, a person and a work order, and sends
every identity of the permission matrix's cast at them, through the pages and the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.scoping import actor_for_person
from mulin.organizations.tests.factories import SYSTEM, OrgUnitFactory, make_person
from mulin.web.tests.cast import ANONYMOUS, DISABLED, ROLES, Cast
from mulin.wishes.models import Wish, WishCategory
from mulin.wishes.services import wish_publish, wish_submit
from mulin.workorders.defaults import ensure_default_categories
from mulin.workorders.models import WorkOrder, WorkOrderCategory
from mulin.workorders.services import work_order_create

pytestmark = pytest.mark.django_db

K = OrgUnit.Kind
SIGNED_IN = [role for role in ROLES if role not in (ANONYMOUS, DISABLED)]
WISH_TITLE = "和睦街道的心愿ZX91"
ORDER_TITLE = "和睦街道的工单ZY37"
PERSON_NAME = "和睦居民ZW58"


@dataclass
class Neighbour:
    community: OrgUnit
    person: Person
    wish: Wish
    order: WorkOrder


@pytest.fixture
def neighbour(cast: Cast) -> Neighbour:
    """和睦街道 beside 大关街道 in the same district, with a published wish, a person and a work order."""
    street = OrgUnitFactory(kind=K.STREET, name="和睦街道", parent=cast.street.district)
    community = OrgUnitFactory(kind=K.COMMUNITY, name="和睦社区", parent=street)
    compound = OrgUnitFactory(kind=K.COMPOUND, name="和睦新村", parent=community)
    building = OrgUnitFactory(kind=K.BUILDING, name="和睦新村1幢", parent=compound)
    person = make_person(home=building, full_name=PERSON_NAME, with_account=True)
    wish = wish_submit(
        actor=actor_for_person(person), title=WISH_TITLE, category=WishCategory.objects.get(code="repair")
    )
    wish_publish(actor=SYSTEM, wish=wish)
    ensure_default_categories(WorkOrderCategory)
    order = work_order_create(
        actor=actor_for_person(person),
        category=WorkOrderCategory.objects.get(code="river-litter"),
        title=ORDER_TITLE,
        community=community,
    )
    return Neighbour(community=community, person=person, wish=wish, order=order)


def _get(cast: Cast, role: str, name: str, api: bool, **kwargs: Any) -> Any:
    url = reverse(name, kwargs=kwargs)
    return cast.api(role).get(url) if api else cast.web(role).get(url)


@pytest.mark.parametrize("role", SIGNED_IN)
def test_lists_of_one_street_never_show_the_other_streets_records(cast, neighbour, role):
    pages = ["wishes:wall", "api:wishes", "workorders:list", "api:work-orders", "api:people"]
    shown = []
    for name in pages:
        response = _get(cast, role, name, api=name.startswith("api:"))
        text = response.content.decode(errors="replace")
        shown += [f"{name} shows {marker}" for marker in (WISH_TITLE, ORDER_TITLE, PERSON_NAME) if marker in text]
    assert not shown


@pytest.mark.parametrize("role", SIGNED_IN)
def test_records_of_the_other_street_are_not_found_by_anyone_here(cast, neighbour, role):
    routes = [
        ("wishes:detail", False, {"wish_id": neighbour.wish.pk}),
        ("api:wish", True, {"wish_id": neighbour.wish.pk}),
        ("workorders:detail", False, {"order_id": neighbour.order.pk}),
        ("api:work-order", True, {"order_id": neighbour.order.pk}),
        ("organizations:person", False, {"person_id": neighbour.person.pk}),
        ("api:person", True, {"person_id": neighbour.person.pk}),
        ("api:org-unit", True, {"unit_id": neighbour.community.pk}),
    ]
    statuses = {name: _get(cast, role, name, api, **kwargs).status_code for name, api, kwargs in routes}
    assert statuses == dict.fromkeys(statuses, 404)


@pytest.mark.parametrize("role", ["party_member", "volunteer", "branch_secretary", "street_admin"])
def test_nobody_here_can_claim_the_other_streets_wish_and_nothing_changes(cast, neighbour, role):
    before = Wish.objects.values_list("status", "claimant_id").get(pk=neighbour.wish.pk)

    web = cast.web(role).post(reverse("wishes:action", kwargs={"wish_id": neighbour.wish.pk, "action": "claim"}), {})
    api = cast.api(role).post(reverse("api:wish-claim", kwargs={"wish_id": neighbour.wish.pk}), {}, format="json")

    assert (web.status_code, api.status_code) == (404, 404)
    assert Wish.objects.values_list("status", "claimant_id").get(pk=neighbour.wish.pk) == before
