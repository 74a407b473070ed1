"""A number registered outside the caller's scope is not confirmed (issue 9, item 10): the
registration answers as any other, the new record holds the number without its index, the
street is told to merge, and too many such registrations in an hour stop the account's
registrations altogether (not only those of taken numbers)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from mulin.core.exceptions import StateConflict
from mulin.core.models import AuditEvent
from mulin.core.ratelimit import RateLimited
from mulin.notifications.models import Notification
from mulin.organizations.models import Person, PersonDuplicate, Role
from mulin.organizations.selectors import person_count_missing_phone
from mulin.organizations.services import person_register, person_update
from mulin.organizations.tests.factories import actor, make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NEW_PHONE = "13900001111"


@pytest.fixture
def cuiyu_worker(street):  # type: ignore[no-untyped-def]
    return make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu, with_account=True)


@pytest.fixture
def nanyuan_resident(street):  # type: ignore[no-untyped-def]
    return make_person(home=street.nanyuan_building, full_name="南苑居民")


@pytest.fixture
def street_admin(street):  # type: ignore[no-untyped-def]
    return make_person(home=street.nanyuan_building, role=Role.STREET_ADMIN, at=street.street)


def _post(worker: Person, body: dict[str, object]):  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AuthToken.objects.create(user=worker.user)[1]}")
    return client.post("/api/v1/people/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")


def _shape(value: object) -> object:
    """The answer with names, ids, times and masked digits replaced by their kind."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items() if key not in {"id", "full_name", "created_at"}}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    if isinstance(value, str):
        return "".join("9" if char.isdigit() else char for char in value)
    return value


def test_a_number_registered_in_another_community_answers_like_a_new_one(
    street, cuiyu_worker, nanyuan_resident, street_admin
):  # type: ignore[no-untyped-def]
    # Given a 翠玉 worker who registers one person with a new number, one with a 南苑 resident's
    fresh = _post(cuiyu_worker, {"full_name": "新号的人", "home_unit": street.cuiyu_building.pk, "phone": NEW_PHONE})

    # When they register one with the number of a 南苑 resident
    taken = _post(
        cuiyu_worker,
        {"full_name": "同号的人", "home_unit": street.cuiyu_building.pk, "phone": nanyuan_resident.phone},
    )

    # Then both answers are 201 and look alike: nothing says the number is registered elsewhere
    assert (fresh.status_code, taken.status_code) == (201, 201)
    assert _shape(taken.json()) == _shape(fresh.json())
    # and the new record keeps the number without its index, for the street to merge
    held = Person.objects.get(pk=taken.json()["id"])
    assert (held.phone, held.phone_index) == (nanyuan_resident.phone, None)
    report = PersonDuplicate.objects.get()
    assert (report.person, report.existing, report.field, report.reported_by, report.scope_path) == (
        held,
        nanyuan_resident,
        "phone",
        cuiyu_worker,
        street.street.path,
    )
    assert AuditEvent.objects.filter(verb="person.duplicate_reported", target_id=str(held.pk)).count() == 1
    note = Notification.objects.get(recipient=street_admin)
    assert note.kind == "organizations.person_duplicate_reported"
    assert note.params == {}  # no number, no name
    # and the 南苑 resident is untouched; the held person does not count as "without a phone"
    nanyuan_resident.refresh_from_db()
    assert nanyuan_resident.full_name == "南苑居民"
    assert person_count_missing_phone(actor(cuiyu_worker)) == 0


def test_a_number_in_the_callers_own_scope_is_still_a_409_naming_the_field(street, cuiyu_worker):  # type: ignore[no-untyped-def]
    neighbour = make_person(home=street.cuiyu_building)
    before = Person.objects.count()

    response = _post(
        cuiyu_worker, {"full_name": "同号的人", "home_unit": street.cuiyu_building.pk, "phone": neighbour.phone}
    )

    assert response.status_code == 409
    assert response.json()["errors"] == {"phone": ["Someone with this mobile number is already registered."]}
    assert Person.objects.count() == before
    assert not PersonDuplicate.objects.exists()


def test_a_number_held_once_is_a_duplicate_in_scope_the_second_time(street, cuiyu_worker, nanyuan_resident):  # type: ignore[no-untyped-def]
    person_register(
        actor=actor(cuiyu_worker), full_name="同号的人", home_unit=street.cuiyu_building, phone=nanyuan_resident.phone
    )

    with pytest.raises(StateConflict) as error:
        person_register(
            actor=actor(cuiyu_worker), full_name="又一个", home_unit=street.cuiyu_building, phone=nanyuan_resident.phone
        )

    assert list(error.value.extra) == ["phone"]
    assert PersonDuplicate.objects.count() == 1


def test_changing_a_number_to_one_held_elsewhere_is_held_too(street, cuiyu_worker, nanyuan_resident):  # type: ignore[no-untyped-def]
    person = make_person(home=street.cuiyu_building)

    person_update(actor=actor(cuiyu_worker), person=person, id_number=nanyuan_resident.id_number)

    person.refresh_from_db()
    assert (person.id_number, person.id_number_index) == (nanyuan_resident.id_number, None)
    assert PersonDuplicate.objects.get().field == "id_number"


def test_past_the_hourly_limit_every_registration_waits_not_only_taken_numbers(street, cuiyu_worker, settings):  # type: ignore[no-untyped-def]
    # Given a worker who sent two taken numbers to the street within the hour (limit 2)
    settings.MULIN_DUPLICATE_REPORTS_PER_HOUR = 2
    start = timezone.now()
    for n in range(2):
        other = make_person(home=street.nanyuan_building)
        person_register(
            actor=actor(cuiyu_worker), full_name=f"同号{n}", home_unit=street.cuiyu_building, phone=other.phone
        )
    before = (Person.objects.count(), PersonDuplicate.objects.count())

    # When they register someone with a number nobody has
    response = _post(cuiyu_worker, {"full_name": "新号的人", "home_unit": street.cuiyu_building.pk, "phone": NEW_PHONE})

    # Then it waits too (429), nothing is written, and an hour later it goes through
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert (Person.objects.count(), PersonDuplicate.objects.count()) == before
    with pytest.raises(RateLimited):
        person_register(actor=actor(cuiyu_worker), full_name="新号的人", home_unit=street.cuiyu_building)
    with time_machine.travel(start + dt.timedelta(minutes=61)):
        person_register(actor=actor(cuiyu_worker), full_name="新号的人", home_unit=street.cuiyu_building)


def test_an_imported_row_with_both_numbers_of_someone_elsewhere_is_held_once(street, cuiyu_worker, nanyuan_resident):  # type: ignore[no-untyped-def]
    from mulin.organizations.imports import people_import
    from mulin.organizations.tests.test_imports import person_row, xlsx_file

    row = person_row(
        1, 手机号=nanyuan_resident.phone, 身份证号=nanyuan_resident.id_number, 社区="翠玉社区", 小区="集翠源", 楼栋="1"
    )

    first = people_import(actor=actor(cuiyu_worker), upload=xlsx_file([row]), filename="a.xlsx")
    again = people_import(actor=actor(cuiyu_worker), upload=xlsx_file([row]), filename="a.xlsx")

    assert [(r.errors, r.created, r.updated, r.unchanged) for r in (first, again)] == [([], 1, 0, 0), ([], 0, 0, 1)]
    held = Person.objects.get(full_name="住户1")
    assert (held.phone_index, held.id_number_index) == (None, None)
    assert sorted(PersonDuplicate.objects.values_list("field", flat=True)) == ["id_number", "phone"]
