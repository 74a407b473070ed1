"""People: registration, changes, audited reveal, party membership and volunteer profiles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from mulin.core.crypto import blind_index
from mulin.core.exceptions import StateConflict
from mulin.core.models import AuditEvent
from mulin.organizations.models import PartyMembership, Person, Role, RoleAssignment, VolunteerProfile
from mulin.organizations.services import (
    party_membership_set,
    person_register,
    person_reveal,
    person_update,
    volunteer_profile_set,
)
from mulin.organizations.tests.factories import SYSTEM, actor, make_person

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"  # a valid checksum, born 1949-12-31, female


def _register(street, **fields):  # type: ignore[no-untyped-def]
    worker = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan)
    defaults = {"full_name": "王秀英", "home_unit": street.nanyuan_building}
    return worker, person_register(actor=actor(worker), **{**defaults, **fields})


def _snapshot() -> tuple:
    return (
        Person.objects.count(),
        RoleAssignment.objects.count(),
        sorted(Person.objects.values_list("pk", "full_name", "phone_index", "id_number_index", "home_unit_id")),
    )


# --- person_register ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed_phone", "typed_id"),
    [
        ("138 0013 8000", "11010519491231002x"),
        ("+86 13800138000", "110105 19491231 002X"),
        ("１３８００１３８０００", "１１０１０５１９４９１２３１００２Ｘ"),  # full-width, as typed on a phone
        ("0086-138-0013-8000", " 11010519491231002X "),
    ],
)
def test_register_normalises_phone_and_id_number_and_derives_birth_year_and_gender(street, typed_phone, typed_id):
    _worker, person = _register(street, phone=typed_phone, id_number=typed_id, full_name="  王秀英 ")

    person.refresh_from_db()
    assert person.full_name == "王秀英"
    assert person.phone == "13800138000"
    assert person.id_number == ID_NUMBER
    assert person.phone_index == blind_index("phone", "13800138000")
    assert person.id_number_index == blind_index("id_number", ID_NUMBER)
    assert person.birth_year == 1949
    assert person.gender == "female"


def test_register_stores_no_plaintext_phone_or_id_number(street):
    _worker, person = _register(street, phone="13800138000", id_number=ID_NUMBER, address="南八苑1幢1单元101室")

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number, address FROM organizations_person WHERE id = %s", [person.pk])
        stored = " ".join(cursor.fetchone())
    assert "13800138000" not in stored
    assert ID_NUMBER not in stored
    assert "南八苑" not in stored


def test_register_grants_resident_role_at_home_and_audits_without_values(street):
    worker, person = _register(street, phone="13800138000")

    assert list(person.role_assignments.values_list("role", "unit")) == [(Role.RESIDENT, street.nanyuan_building.pk)]
    event = AuditEvent.objects.get(verb="person.registered", target_id=str(person.pk))
    assert event.actor_person_id == worker.pk
    assert event.scope_path == street.nanyuan_building.path
    assert "13800138000" not in str(event.data)


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"id_number": "110105194912310021"}, "id_number"),  # wrong check digit
        ({"full_name": "   "}, "full_name"),
        ({"full_name": "王" * 51}, "full_name"),
        ({"gender": "other"}, "gender"),
    ],
)
def test_register_with_bad_input_is_a_field_error_and_writes_nothing(street, fields, bad_field):
    worker = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan)
    before = _snapshot()

    with pytest.raises(ValidationError) as error:
        person_register(actor=actor(worker), **{"full_name": "王秀英", "home_unit": street.nanyuan_building, **fields})

    assert bad_field in error.value.message_dict
    assert _snapshot() == before


def test_register_in_a_branch_is_refused(street):
    with pytest.raises(ValidationError) as error:
        person_register(actor=SYSTEM, full_name="王秀英", home_unit=street.nanyuan_branch)
    assert "home_unit" in error.value.message_dict


@pytest.mark.parametrize("field", ["phone", "id_number"])
def test_registering_the_same_phone_or_id_twice_is_a_409_conflict_with_the_field_named(street, field):
    first_values = {"phone": "13800138000", "id_number": ID_NUMBER}
    worker, _first = _register(street, **{field: first_values[field]})
    before = _snapshot()
    # The same number typed differently is still the same number.
    typed = {"phone": "+86 138-0013-8000", "id_number": ID_NUMBER.lower()}[field]

    with pytest.raises(StateConflict) as error:
        person_register(actor=actor(worker), full_name="另一个人", home_unit=street.nanyuan_building, **{field: typed})

    assert error.value.status == 409
    assert error.value.code == "duplicate_person"
    assert list(error.value.extra) == [field]
    assert _snapshot() == before


def test_worker_cannot_register_people_in_another_community(street):
    worker = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu)
    before = _snapshot()

    with pytest.raises(PermissionDenied):
        person_register(actor=actor(worker), full_name="王秀英", home_unit=street.nanyuan_building)

    assert _snapshot() == before


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.VOLUNTEER, Role.BRANCH_SECRETARY, Role.PARTNER_CONTACT])
def test_non_managers_cannot_register_people(street, role):
    at = {
        Role.RESIDENT: street.nanyuan_building,
        Role.VOLUNTEER: street.nanyuan,
        Role.BRANCH_SECRETARY: street.nanyuan_branch,
        Role.PARTNER_CONTACT: street.partner,
    }[role]
    someone = make_person(home=street.nanyuan_building, role=role, at=at)

    with pytest.raises(PermissionDenied):
        person_register(actor=actor(someone), full_name="王秀英", home_unit=street.nanyuan_building)


# --- person_update ------------------------------------------------------------------------------


def test_update_changes_allowed_fields_and_renormalises_the_phone(street):
    worker, person = _register(street, phone="13800138000")

    person_update(actor=actor(worker), person=person, full_name=" 王秀兰 ", phone="+86 139 0013 9000")

    person.refresh_from_db()
    assert person.full_name == "王秀兰"
    assert person.phone == "13900139000"
    assert person.phone_index == blind_index("phone", "13900139000")
    event = AuditEvent.objects.get(verb="person.updated")
    assert event.data == {"fields": ["full_name", "phone", "phone_index"]}


def test_update_with_an_empty_phone_clears_it_and_its_index(street):
    worker, person = _register(street, phone="13800138000")

    person_update(actor=actor(worker), person=person, phone="")

    person.refresh_from_db()
    assert person.phone == ""
    assert person.phone_index is None


@pytest.mark.parametrize(
    "extra",
    [
        {"user": None},
        {"id": 12345},
        {"phone_index": "forged"},
        {"preferred_language": "en"},
        {"created_at": dt.datetime(2000, 1, 1, tzinfo=dt.UTC)},
        {"role": Role.STREET_ADMIN},
        {"is_staff": True},
    ],
)
def test_update_refuses_fields_outside_the_allowed_set_and_changes_nothing(street, extra):
    worker, person = _register(street, phone="13800138000")
    before = _snapshot()

    with pytest.raises(ValidationError) as error:
        person_update(actor=actor(worker), person=person, full_name="改名", **extra)

    assert set(error.value.message_dict) == set(extra)
    assert _snapshot() == before


def test_update_to_a_phone_someone_else_has_is_a_conflict(street):
    worker, person = _register(street, phone="13800138000")
    other = make_person(home=street.nanyuan_building)
    before = _snapshot()

    with pytest.raises(StateConflict) as error:
        person_update(actor=actor(worker), person=person, phone=other.phone)

    assert list(error.value.extra) == ["phone"]
    assert _snapshot() == before


def test_moving_home_moves_the_resident_role(street):
    person = make_person(home=street.nanyuan_building)
    admin = make_person(home=street.nanyuan_building, role=Role.STREET_ADMIN, at=street.street)

    person_update(actor=actor(admin), person=person, home_unit=street.cuiyu_building)

    assert set(person.role_assignments.values_list("role", "unit")) == {(Role.RESIDENT, street.cuiyu_building.pk)}


def test_moving_home_into_another_community_needs_rights_there(street):
    worker = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan)
    person = make_person(home=street.nanyuan_building)
    before = _snapshot()

    with pytest.raises(PermissionDenied):
        person_update(actor=actor(worker), person=person, home_unit=street.cuiyu_building)
    with pytest.raises(ValidationError):
        person_update(actor=actor(worker), person=person, home_unit=street.nanyuan_branch)

    assert _snapshot() == before


def test_worker_cannot_update_a_person_of_another_community(street):
    worker = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu)
    stranger = make_person(home=street.nanyuan_building)
    before = _snapshot()

    with pytest.raises(PermissionDenied):
        person_update(actor=actor(worker), person=stranger, full_name="改名")

    assert _snapshot() == before


def test_deactivating_a_person_disables_their_account(street):
    worker = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan)
    person = make_person(home=street.nanyuan_building, with_account=True)

    person_update(actor=actor(worker), person=person, is_active=False)

    person.user.refresh_from_db()
    assert person.user.is_active is False


# --- person_reveal ------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["phone", "id_number", "address"])
def test_reveal_returns_the_value_and_writes_exactly_one_audit_row_without_it(street, field):
    worker, person = _register(street, phone="13800138000", id_number=ID_NUMBER, address="南八苑1幢1单元101室")
    before = AuditEvent.objects.count()

    value = person_reveal(actor=actor(worker), person=person, field=field)

    assert value == getattr(person, field)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-id").first()
    assert event.verb == "person.revealed"
    assert event.actor_person_id == worker.pk
    assert event.target_id == str(person.pk)
    assert event.data == {"field": field}
    row = " ".join(str(v) for v in AuditEvent.objects.filter(pk=event.pk).values().get().values())
    assert value not in row


def test_reveal_of_an_unknown_field_is_refused_without_audit(street):
    worker, person = _register(street, phone="13800138000")
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError):
        person_reveal(actor=actor(worker), person=person, field="full_name")

    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.PARTNER_CONTACT, Role.SECURITY_ADMIN])
def test_roles_that_see_masked_data_only_cannot_reveal(street, role):
    at = street.partner if role == Role.PARTNER_CONTACT else street.street
    viewer = make_person(home=street.cuiyu_building, role=role, at=at)
    person = make_person(home=street.nanyuan_building, member_of=street.partner_branch)
    before = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        person_reveal(actor=actor(viewer), person=person, field="phone")

    assert AuditEvent.objects.count() == before


def test_anyone_may_reveal_their_own_data_and_it_is_audited(street):
    resident = make_person(home=street.nanyuan_building)

    assert person_reveal(actor=actor(resident), person=resident, field="phone") == resident.phone
    assert AuditEvent.objects.filter(verb="person.revealed", actor_person_id=resident.pk).count() == 1


# --- party_membership_set -----------------------------------------------------------------------


def test_membership_set_records_branch_status_and_keeps_the_member_role_in_step(street, english):
    worker = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan)
    person = make_person(home=street.nanyuan_building)
    second_branch = make_branch(street.nanyuan_party, "南苑社区第二支部")

    party_membership_set(
        actor=actor(worker),
        person=person,
        branch=street.nanyuan_branch,
        status=PartyMembership.Status.PROBATIONARY,
        joined_on=dt.date(2020, 7, 1),
    )
    party_membership_set(
        actor=actor(worker), person=person, branch=second_branch, status=PartyMembership.Status.FULL, joined_on=None
    )

    membership = PartyMembership.objects.get(person=person)
    assert membership.branch == second_branch
    assert membership.status == PartyMembership.Status.FULL
    assert membership.status_label == "Full member"
    assert set(person.role_assignments.filter(role=Role.PARTY_MEMBER).values_list("unit", flat=True)) == {
        second_branch.pk
    }


def make_branch(parent, name):  # type: ignore[no-untyped-def]
    from mulin.organizations.services import orgunit_create

    return orgunit_create(actor=SYSTEM, parent=parent, kind="branch", name=name)


def test_membership_status_and_join_date_are_encrypted_at_rest(street):
    person = make_person(home=street.nanyuan_building, member_of=street.nanyuan_branch)

    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM organizations_partymembership WHERE person_id = %s", [person.pk])
        (stored,) = cursor.fetchone()
    assert "full" not in stored


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"status": "secretary"}, "status"),
        ({"joined_on": dt.date.today() + dt.timedelta(days=2)}, "joined_on"),
        ({"branch": "compound"}, "branch"),
    ],
)
def test_membership_set_refuses_bad_values(street, kwargs, field):
    person = make_person(home=street.nanyuan_building)
    values = {"status": PartyMembership.Status.FULL, "joined_on": None, "branch": street.nanyuan_branch, **kwargs}
    if values["branch"] == "compound":
        values["branch"] = street.nanyuan_compound

    with pytest.raises(ValidationError) as error:
        party_membership_set(actor=SYSTEM, person=person, **values)

    assert field in error.value.message_dict
    assert not PartyMembership.objects.filter(person=person).exists()


def test_worker_cannot_put_someone_in_another_communitys_branch(street):
    worker = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan)
    person = make_person(home=street.nanyuan_building)

    with pytest.raises(PermissionDenied):
        party_membership_set(
            actor=actor(worker),
            person=person,
            branch=street.cuiyu_branch,
            status=PartyMembership.Status.FULL,
            joined_on=None,
        )
    assert not PartyMembership.objects.filter(person=person).exists()


# --- volunteer_profile_set ----------------------------------------------------------------------


def test_a_resident_fills_in_their_own_volunteer_profile_and_becomes_a_volunteer_of_their_community(street, english):
    resident = make_person(home=street.cuiyu_building)

    profile = volunteer_profile_set(
        actor=actor(resident),
        person=resident,
        skills=["repair", "repair", "it"],
        availability=["weekend_morning"],
    )

    assert profile.skills == ["it", "repair"]
    assert profile.skill_labels == ["Phones and computers", "Household repairs"]
    assert RoleAssignment.objects.filter(person=resident, role=Role.VOLUNTEER, unit=street.cuiyu).exists()


def test_a_resident_cannot_make_themselves_volunteer_of_another_community(street):
    resident = make_person(home=street.cuiyu_building)

    with pytest.raises(PermissionDenied):
        volunteer_profile_set(
            actor=actor(resident), person=resident, skills=["it"], availability=[], community=street.nanyuan
        )

    assert not RoleAssignment.objects.filter(person=resident, role=Role.VOLUNTEER).exists()
    assert not VolunteerProfile.objects.filter(person=resident).exists()


def test_a_resident_cannot_edit_someone_elses_volunteer_profile(street):
    resident = make_person(home=street.cuiyu_building)
    neighbour = make_person(home=street.cuiyu_building)

    with pytest.raises(PermissionDenied):
        volunteer_profile_set(actor=actor(resident), person=neighbour, skills=["it"], availability=[])

    assert not VolunteerProfile.objects.filter(person=neighbour).exists()


@pytest.mark.parametrize(
    ("skills", "availability", "field"), [(["flying"], [], "skills"), ([], ["midnight"], "availability")]
)
def test_volunteer_profile_refuses_unknown_skills_and_slots(street, skills, availability, field):
    resident = make_person(home=street.cuiyu_building)

    with pytest.raises(ValidationError) as error:
        volunteer_profile_set(actor=actor(resident), person=resident, skills=skills, availability=availability)

    assert field in error.value.message_dict
    assert not VolunteerProfile.objects.filter(person=resident).exists()
