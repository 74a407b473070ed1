"""Inspection campaigns: set up, inspected (hazards → work orders), progress by compound, closed
with a summary; who may; 409 after closing; another street gets 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mulin.core.exceptions import StateConflict
from mulin.organizations.tests.factories import actor
from mulin.patrols import services
from mulin.patrols.models import Campaign, Inspection
from mulin.patrols.selectors import campaign_progress
from mulin.workorders.models import WorkOrder, WorkOrderCategory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data", "english")]


@pytest.fixture
def campaign(cast):  # type: ignore[no-untyped-def]
    return services.campaign_create(
        actor=actor(cast.nanyuan_worker),
        unit=cast.street.nanyuan,
        title="抗台防汛隐患排查",
        compounds=[cast.street.nanyuan_compound],
        starts_on=dt.date(2019, 8, 8),
        ends_on=dt.date(2019, 8, 11),
    )


def test_a_campaign_is_inspected_hazards_become_work_orders_and_it_closes_with_a_summary(cast, campaign):
    tree = WorkOrderCategory.objects.get(code="fallen-tree")

    inspection = services.inspection_create(
        actor=actor(cast.member),
        campaign=campaign,
        compound=cast.street.nanyuan_compound,
        found=["trees", "drains"],
        notes="东门香樟断枝",
        hazards=[services.Hazard(tree, "东门香樟断枝悬挂")],
    )
    services.inspection_create(actor=actor(cast.secretary), campaign=campaign, compound=cast.street.nanyuan_compound)
    closed = services.campaign_close(actor=actor(cast.nanyuan_worker), campaign=campaign, summary="排查1个小区。")

    order = WorkOrder.objects.get()
    assert (order.place, order.community, order.source_id, order.source_type.model) == (
        cast.street.nanyuan_compound,
        cast.street.nanyuan,
        inspection.pk,
        "inspection",
    )
    assert [item["code"] for item in campaign.hazards][:3] == ["loose-objects", "trees", "drains"]
    [row] = campaign_progress(campaign)
    assert (row.inspections, row.hazards_found, row.orders, row.orders_closed) == (2, 2, 1, 0)
    assert (closed.status, closed.summary, closed.closed_by) == ("closed", "排查1个小区。", cast.nanyuan_worker)
    with pytest.raises(StateConflict):
        services.inspection_create(actor=actor(cast.member), campaign=campaign, compound=cast.street.nanyuan_compound)
    with pytest.raises(StateConflict):
        services.campaign_close(actor=actor(cast.nanyuan_worker), campaign=campaign, summary="again")
    assert Inspection.objects.count() == 2


def test_only_the_units_staff_start_and_close_a_campaign(cast, campaign):
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            actor=actor(cast.cuiyu_worker),
            unit=cast.street.nanyuan,
            title="x",
            compounds=[cast.street.nanyuan_compound],
            starts_on=dt.date(2019, 8, 8),
            ends_on=dt.date(2019, 8, 8),
        )
    with pytest.raises(PermissionDenied):
        services.campaign_close(actor=actor(cast.member), campaign=campaign, summary="x")
    assert Campaign.objects.get().status == "open"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": " "}, "title", "Give the campaign a title."),
        ({"ends_on": dt.date(2019, 8, 1)}, "ends_on", "The campaign must end on or after the day it starts."),
        ({"compounds": []}, "compounds", "Choose at least one compound."),
        ({"hazards": [{"code": "a"}]}, "hazards", "Each hazard needs its own short code and a label."),
    ],
)
def test_bad_campaign_input_is_refused_and_nothing_written(cast, change, field, message):
    arguments = {
        "actor": actor(cast.nanyuan_worker),
        "unit": cast.street.nanyuan,
        "title": "排查",
        "compounds": [cast.street.nanyuan_compound],
        "starts_on": dt.date(2019, 8, 8),
        "ends_on": dt.date(2019, 8, 11),
        **change,
    }

    with pytest.raises(ValidationError) as refused:
        services.campaign_create(**arguments)

    assert refused.value.message_dict == {field: [message]}
    assert Campaign.objects.count() == 0


def test_a_compound_of_another_community_is_refused(cast):
    with pytest.raises(ValidationError):
        services.campaign_create(
            actor=actor(cast.street_admin),
            unit=cast.street.nanyuan,
            title="排查",
            compounds=[cast.street.cuiyu_compound],
            starts_on=dt.date(2019, 8, 8),
            ends_on=dt.date(2019, 8, 8),
        )


def test_bad_inspections_are_refused_and_residents_may_not_inspect(cast, campaign):
    with pytest.raises(ValidationError) as unknown:
        services.inspection_create(
            actor=actor(cast.member), campaign=campaign, compound=cast.street.nanyuan_compound, found=["ghosts"]
        )
    with pytest.raises(ValidationError) as uncovered:
        services.inspection_create(actor=actor(cast.member), campaign=campaign, compound=cast.street.cuiyu_compound)
    with pytest.raises(PermissionDenied):
        services.inspection_create(actor=actor(cast.resident), campaign=campaign, compound=cast.street.nanyuan_compound)

    assert unknown.value.message_dict == {"found": ["Choose hazards from the campaign's checklist."]}
    assert uncovered.value.message_dict == {"compound": ["This campaign does not cover that compound."]}
    assert (Inspection.objects.count(), WorkOrder.objects.count()) == (0, 0)


def test_the_api_lists_inspects_and_closes_and_another_street_gets_404(cast, campaign, api_client):
    api_client.force_authenticate(cast.member.user)
    inspected = api_client.post(
        "/api/v1/inspections/",
        {
            "campaign": campaign.pk,
            "compound": cast.street.nanyuan_compound.pk,
            "found": ["hoardings"],
            "hazard_category": "hoarding",
            "hazard_title": "广告牌松动",
        },
        format="json",
    )
    assert inspected.status_code == 201, inspected.content
    detail = api_client.get(f"/api/v1/campaigns/{campaign.pk}/").json()
    assert [(p["compound"]["name"], p["inspections"], p["orders"]) for p in detail["progress"]] == [("南八苑", 1, 1)]
    assert (
        api_client.post(f"/api/v1/campaigns/{campaign.pk}/close/", {"summary": "x"}, format="json").status_code == 403
    )

    api_client.force_authenticate(cast.nanyuan_worker.user)
    closed = api_client.post(f"/api/v1/campaigns/{campaign.pk}/close/", {"summary": "完成"}, format="json")
    again = api_client.post(f"/api/v1/campaigns/{campaign.pk}/close/", {"summary": "完成"}, format="json")
    assert (closed.status_code, closed.json()["status"], again.status_code) == (200, "closed", 409)

    api_client.force_authenticate(cast.outsider.user)
    assert api_client.get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 404
    assert api_client.get("/api/v1/inspections/").json()["results"] == []


def test_the_api_creates_a_campaign(cast, api_client):
    api_client.force_authenticate(cast.nanyuan_worker.user)

    response = api_client.post(
        "/api/v1/campaigns/",
        {
            "unit": cast.street.nanyuan.pk,
            "title": "抗台防汛",
            "compounds": [cast.street.nanyuan_compound.pk],
            "starts_on": "2019-08-08",
            "ends_on": "2019-08-11",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert len(response.json()["hazards"]) == 6


def test_the_campaign_page_inspects_and_closes(cast, campaign, client):
    client.force_login(cast.member.user)
    page = client.get(f"/patrols/campaigns/{campaign.pk}/").content.decode()
    assert 'data-testid="inspect-form"' in page and 'data-testid="close-form"' not in page

    response = client.post(
        f"/patrols/campaigns/{campaign.pk}/inspect/",
        {"compound": cast.street.nanyuan_compound.pk, "found": ["trees"], "notes": "断枝"},
    )
    assert response.status_code == 302
    assert client.post(f"/patrols/campaigns/{campaign.pk}/close/", {"summary": "x"}).status_code == 403

    client.force_login(cast.nanyuan_worker.user)
    assert client.post(f"/patrols/campaigns/{campaign.pk}/close/", {"summary": "完成排查"}).status_code == 302
    page = client.get(f"/patrols/campaigns/{campaign.pk}/").content.decode()
    assert "完成排查" in page and "断枝" in page
    assert client.get("/patrols/campaigns/").status_code == 200


@pytest.mark.parametrize("compounds", [1, 8])
def test_the_campaign_page_takes_a_fixed_number_of_queries(cast, client, django_assert_max_num_queries, compounds):
    from mulin.organizations.models import OrgUnit
    from mulin.organizations.tests.factories import OrgUnitFactory

    units = [cast.street.nanyuan_compound] + [
        OrgUnitFactory(kind=OrgUnit.Kind.COMPOUND, name=f"苑{i}", parent=cast.street.nanyuan)
        for i in range(compounds - 1)
    ]
    campaign = services.campaign_create(
        actor=actor(cast.nanyuan_worker),
        unit=cast.street.nanyuan,
        title="排查",
        compounds=units,
        starts_on=dt.date(2019, 8, 8),
        ends_on=dt.date(2019, 8, 8),
    )
    for unit in units:
        services.inspection_create(actor=actor(cast.member), campaign=campaign, compound=unit, found=["trees"])
    client.force_login(cast.member.user)
    client.get(f"/patrols/campaigns/{campaign.pk}/")

    with django_assert_max_num_queries(16):
        response = client.get(f"/patrols/campaigns/{campaign.pk}/")

    assert response.status_code == 200
