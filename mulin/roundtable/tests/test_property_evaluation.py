"""Residents' yearly evaluation of the property service: once a year per resident per compound (a
database constraint), scores 1–5 by aspect and a comment; the three parties and community staff
read the results by aspect and year on year, residents the totals only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from mulin.core.models import AuditEvent
from mulin.organizations.models import OrgUnit, Role
from mulin.organizations.tests.factories import OrgUnitFactory, actor, make_person
from mulin.roundtable import services
from mulin.roundtable.models import PropertyEvaluation
from mulin.roundtable.selectors import property_evaluation_results
from mulin.web.tests.cast import sign_in

pytestmark = pytest.mark.django_db
K = OrgUnit.Kind
SCORES = {"cleaning": 4, "security": 5, "repairs": 3, "greenery": 4, "attitude": 4}


@pytest.fixture
def gov(cast):  # type: ignore[no-untyped-def]
    """南八苑 has a property management and an officer of it; 集翠源 has none."""
    property_unit = OrgUnitFactory(kind=K.PROPERTY_MANAGEMENT, name="南八苑物业", parent=cast.street.nanyuan_compound)
    cast.officer = make_person(
        home=cast.street.cuiyu_building, role=Role.GOVERNANCE_OFFICER, at=property_unit, with_account=True
    )
    return cast


def _evaluate(person, **overrides):  # type: ignore[no-untyped-def]
    return services.property_evaluation_submit(actor=actor(person), **{**SCORES, **overrides})


def _count() -> tuple[int, int]:
    return PropertyEvaluation.objects.count(), AuditEvent.objects.filter(verb="roundtable.property_evaluated").count()


def test_a_resident_evaluates_their_compound_once_a_year(gov):
    evaluation = _evaluate(gov.resident, comment="维修慢")

    assert (evaluation.compound, evaluation.year, evaluation.person) == (
        gov.street.nanyuan_compound,
        timezone.localdate().year,
        gov.resident,
    )
    assert _count() == (1, 1)
    with pytest.raises(ValidationError) as again:
        _evaluate(gov.resident, cleaning=1)
    assert "__all__" in again.value.message_dict
    assert _count() == (1, 1)


def test_the_database_refuses_a_second_evaluation_the_same_year(gov):
    first = _evaluate(gov.resident)
    with pytest.raises(IntegrityError), transaction.atomic():
        PropertyEvaluation.objects.create(
            compound=first.compound, scope_path=first.scope_path, year=first.year, person=gov.resident, **SCORES
        )


@pytest.mark.parametrize("bad", [{"cleaning": 0}, {"repairs": 6}, {"greenery": "5"}, {"attitude": None}])
def test_scores_outside_1_to_5_are_refused_and_nothing_is_written(gov, bad):
    with pytest.raises(ValidationError) as refused:
        _evaluate(gov.resident, **bad)
    assert set(refused.value.message_dict) == set(bad)
    assert _count() == (0, 0)


def test_only_residents_of_a_compound_with_a_property_management_evaluate(gov):
    for person in (gov.cuiyu_resident, gov.outsider):  # 集翠源 has no 物业; another street
        with pytest.raises(PermissionDenied):
            _evaluate(person)
    assert _count() == (0, 0)


def test_parties_and_staff_see_aspects_and_comments_residents_the_totals_only(gov):
    _evaluate(gov.resident, comment="维修慢")
    _evaluate(gov.neighbour, cleaning=2, security=3, repairs=3, greenery=2, attitude=5)
    last_year = _evaluate(gov.nanyuan_worker)  # the worker lives in 南八苑 too
    PropertyEvaluation.objects.filter(pk=last_year.pk).update(year=last_year.year - 1)
    year = timezone.localdate().year

    (staff,) = property_evaluation_results(actor(gov.nanyuan_worker))
    (officer,) = property_evaluation_results(actor(gov.officer))
    (resident,) = property_evaluation_results(actor(gov.resident))

    assert staff == officer
    assert staff["full"] is True and staff["comments"] == ["维修慢"]
    assert staff["years"] == [
        {"year": year, "count": 2, "average": 3.5,
         "aspects": {"cleaning": 3.0, "security": 4.0, "repairs": 3.0, "greenery": 3.0, "attitude": 4.5}},
        {"year": year - 1, "count": 1, "average": 4.0,
         "aspects": {"cleaning": 4.0, "security": 5.0, "repairs": 3.0, "greenery": 4.0, "attitude": 4.0}},
    ]  # fmt: skip
    assert resident["full"] is False and resident["comments"] == []
    assert resident["years"] == [
        {"year": year, "count": 2, "average": 3.5},
        {"year": year - 1, "count": 1, "average": 4.0},
    ]
    assert property_evaluation_results(actor(gov.cuiyu_worker)) == []
    assert property_evaluation_results(actor(gov.outsider_worker)) == []


def test_the_page_takes_an_evaluation_and_then_shows_it_was_given(gov):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    sign_in(client, gov.resident)

    refused = client.post("/roundtable/cogov/evaluation/", {"eval-cleaning": "9"})
    sent = client.post("/roundtable/cogov/evaluation/", {f"eval-{k}": v for k, v in SCORES.items()})
    after = client.get("/roundtable/cogov/evaluation/").content.decode()

    assert refused.status_code == 400 and 'data-testid="evaluation-submit"' in refused.content.decode()
    assert sent.status_code == 302
    assert 'data-testid="evaluation-given"' in after and 'data-testid="evaluation-submit"' not in after
    assert "维修服务" not in after  # residents: no column by aspect
    assert _count() == (1, 1)


def test_the_api_submits_once_and_refuses_the_second_with_a_translated_400(gov):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_authenticate(user=gov.resident.user)

    first = client.post("/api/v1/cogov/evaluations/", SCORES, format="json")
    second = client.post("/api/v1/cogov/evaluations/", SCORES, format="json")
    bad = client.post("/api/v1/cogov/evaluations/", {**SCORES, "repairs": 7}, format="json")
    outsider = APIClient()
    outsider.force_authenticate(user=gov.cuiyu_resident.user)
    refused = outsider.post("/api/v1/cogov/evaluations/", SCORES, format="json")

    assert first.status_code == 201 and first.json()[0]["years"][0]["count"] == 1
    assert second.status_code == 400 and "今年已经评价过" in str(second.json())
    assert bad.status_code == 400 and "repairs" in bad.json()["errors"]
    assert refused.status_code == 403
    assert _count() == (1, 1)


@pytest.mark.parametrize("n", [2, 8])
def test_results_do_not_grow_with_evaluations(gov, n, django_assert_max_num_queries):
    for i in range(n):
        _evaluate(make_person(home=gov.street.nanyuan_building, full_name=f"居民{i}"))
    web = Client()
    sign_in(web, gov.nanyuan_worker)
    api = APIClient()
    api.force_authenticate(user=gov.resident.user)

    with django_assert_max_num_queries(20):
        assert web.get("/roundtable/cogov/evaluation/").status_code == 200
    with django_assert_max_num_queries(10):
        assert api.get("/api/v1/cogov/evaluations/").status_code == 200


def test_the_demo_has_two_years_of_nanbayuan_evaluations(daguan):
    rows = PropertyEvaluation.objects.filter(compound__name="南八苑")
    year = timezone.localdate().year
    assert rows.filter(year=year).count() == 6 and rows.filter(year=year - 1).count() == 5
