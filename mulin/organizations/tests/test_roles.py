"""Roles: who may grant what where, account flags, and the scopes an actor ends up with."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from knox.models import AuthToken

from mulin.accounts.models import UserSession
from mulin.core.models import AuditEvent
from mulin.organizations.models import Role, RoleAssignment
from mulin.organizations.roles import GRANTABLE_BY, ROLE_SPECS, Capability
from mulin.organizations.scoping import actor_for_person
from mulin.organizations.services import role_grant, role_revoke, volunteer_profile_set
from mulin.organizations.tests.factories import SYSTEM, actor, make_person

pytestmark = pytest.mark.django_db

C = Capability


def _roles(person) -> set[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return set(RoleAssignment.objects.filter(person=person).values_list("role", "unit"))


# --- role_grant / role_revoke -------------------------------------------------------------------


def test_secretary_grants_what_grantable_by_allows_inside_their_community(street):
    secretary = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_SECRETARY, at=street.nanyuan)
    person = make_person(home=street.nanyuan_building, member_of=street.nanyuan_branch)

    assignment = role_grant(
        actor=actor(secretary), person=person, role=Role.BRANCH_SECRETARY, unit=street.nanyuan_branch
    )

    assert assignment.granted_by == secretary
    event = AuditEvent.objects.get(verb="role.granted", actor_person_id=secretary.pk)
    assert event.data == {"role": Role.BRANCH_SECRETARY}
    assert event.scope_path == street.nanyuan_branch.path


@pytest.mark.parametrize(
    ("granter_role", "role", "unit_attr"),
    [
        # Above what GRANTABLE_BY lets a community secretary give:
        (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_SECRETARY, "nanyuan"),
        (Role.COMMUNITY_SECRETARY, Role.STREET_ADMIN, "street"),
        # Outside the granter's community:
        (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_WORKER, "cuiyu"),
        # Roles without ROLES_MANAGE grant nothing:
        (Role.COMMUNITY_WORKER, Role.VOLUNTEER, "nanyuan"),
        (Role.BRANCH_SECRETARY, Role.PARTY_MEMBER, "nanyuan_branch"),
        (Role.SECURITY_ADMIN, Role.RESIDENT, "nanyuan_building"),
        (Role.AUDIT_ADMIN, Role.RESIDENT, "nanyuan_building"),
        # A street administrator cannot make system, security or audit administrators:
        (Role.STREET_ADMIN, Role.SYSTEM_ADMIN, "street"),
        (Role.STREET_ADMIN, Role.AUDIT_ADMIN, "street"),
    ],
)
def test_grants_beyond_the_granters_powers_are_refused_and_nothing_changes(street, granter_role, role, unit_attr):
    at = {
        Role.COMMUNITY_SECRETARY: street.nanyuan,
        Role.COMMUNITY_WORKER: street.nanyuan,
        Role.BRANCH_SECRETARY: street.nanyuan_branch,
    }.get(granter_role, street.street)
    granter = make_person(home=street.nanyuan_building, role=granter_role, at=at)
    person = make_person(home=street.nanyuan_building)
    before = (_roles(person), AuditEvent.objects.filter(verb="role.granted").count())

    with pytest.raises(PermissionDenied):
        role_grant(actor=actor(granter), person=person, role=role, unit=getattr(street, unit_attr))

    assert (_roles(person), AuditEvent.objects.filter(verb="role.granted").count()) == before


def test_grantable_by_never_lets_a_role_grant_more_than_it_can_reach():
    for granter, grantable in GRANTABLE_BY.items():
        assert Capability.ROLES_MANAGE in ROLE_SPECS[granter].capabilities
        if granter != Role.SYSTEM_ADMIN:
            assert not grantable & {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}


@pytest.mark.parametrize(
    ("role", "unit_attr"),
    [
        (Role.COMMUNITY_WORKER, "nanyuan_compound"),
        (Role.BRANCH_SECRETARY, "nanyuan"),
        (Role.PARTNER_CONTACT, "nanyuan"),
        (Role.STREET_ADMIN, "nanyuan"),
        (Role.RESIDENT, "nanyuan_branch"),
    ],
)
def test_role_at_the_wrong_kind_of_unit_is_a_validation_error(street, role, unit_attr):
    person = make_person(home=street.nanyuan_building)

    with pytest.raises(ValidationError) as error:
        role_grant(actor=SYSTEM, person=person, role=role, unit=getattr(street, unit_attr))

    assert "unit" in error.value.message_dict


def test_unknown_role_is_a_validation_error(street):
    person = make_person(home=street.nanyuan_building)
    with pytest.raises(ValidationError):
        role_grant(actor=SYSTEM, person=person, role="emperor", unit=street.street)


def test_granting_twice_returns_the_same_row_and_audits_once(street):
    person = make_person(home=street.nanyuan_building)

    before = AuditEvent.objects.filter(verb="role.granted").count()

    first = role_grant(actor=SYSTEM, person=person, role=Role.VOLUNTEER, unit=street.nanyuan)
    second = role_grant(actor=SYSTEM, person=person, role=Role.VOLUNTEER, unit=street.nanyuan)

    assert first.pk == second.pk
    assert AuditEvent.objects.filter(verb="role.granted").count() == before + 1


def test_nobody_grants_a_role_to_themselves(street):
    admin = make_person(home=street.nanyuan_building, role=Role.STREET_ADMIN, at=street.street)

    with pytest.raises(PermissionDenied):
        role_grant(actor=actor(admin), person=admin, role=Role.COMMUNITY_SECRETARY, unit=street.nanyuan)

    assert not RoleAssignment.objects.filter(person=admin, role=Role.COMMUNITY_SECRETARY).exists()


def test_a_grant_cannot_pull_a_stranger_into_the_granters_scope(street):
    """Granting 'resident of 南苑' to a 翠玉 person would make their phone revealable in 南苑."""
    secretary = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_SECRETARY, at=street.nanyuan)
    stranger = make_person(home=street.cuiyu_building)

    with pytest.raises(PermissionDenied):
        role_grant(actor=actor(secretary), person=stranger, role=Role.RESIDENT, unit=street.nanyuan_compound)

    assert not RoleAssignment.objects.filter(person=stranger, unit=street.nanyuan_compound).exists()


def test_system_security_and_audit_administration_are_never_held_together(street):
    system_admin = make_person(home=street.nanyuan_building, role=Role.SYSTEM_ADMIN, at=street.street)
    other = make_person(home=street.nanyuan_building)

    with pytest.raises(ValidationError):
        role_grant(actor=SYSTEM, person=system_admin, role=Role.AUDIT_ADMIN, unit=street.street)
    with pytest.raises(ValidationError):
        role_grant(actor=SYSTEM, person=system_admin, role=Role.SECURITY_ADMIN, unit=street.district)
    # A system administrator grants the auditor role to someone else (GRANTABLE_BY) …
    role_grant(actor=actor(system_admin), person=other, role=Role.AUDIT_ADMIN, unit=street.street)
    # … but not to themselves.
    with pytest.raises(PermissionDenied):
        role_grant(actor=actor(system_admin), person=system_admin, role=Role.SECURITY_ADMIN, unit=street.street)

    assert set(RoleAssignment.objects.filter(person=system_admin).values_list("role", flat=True)) == {
        Role.RESIDENT,
        Role.SYSTEM_ADMIN,
    }


def test_staff_role_turns_on_the_second_factor_and_ends_password_only_sessions(street, client, api_client):
    person = make_person(home=street.nanyuan_building, with_account=True)
    client.force_login(person.user)
    AuthToken.objects.create(user=person.user)
    assert person.user.needs_second_factor is False

    role_grant(actor=SYSTEM, person=person, role=Role.COMMUNITY_WORKER, unit=street.nanyuan)

    person.user.refresh_from_db()
    assert person.user.needs_second_factor is True
    assert person.user.is_staff is False
    assert not UserSession.objects.filter(user_id=person.user.pk).exists()
    assert not AuthToken.objects.filter(user=person.user).exists()


def test_system_admin_role_sets_admin_site_access_and_revoking_clears_both_flags(street):
    person = make_person(home=street.nanyuan_building, with_account=True)

    assignment = role_grant(actor=SYSTEM, person=person, role=Role.SYSTEM_ADMIN, unit=street.street)
    person.user.refresh_from_db()
    assert (person.user.is_staff, person.user.needs_second_factor) == (True, True)

    role_revoke(actor=SYSTEM, assignment=assignment)
    person.user.refresh_from_db()
    assert (person.user.is_staff, person.user.needs_second_factor) == (False, False)
    assert AuditEvent.objects.filter(verb="role.revoked").count() == 1


def test_flags_stay_on_while_another_staff_role_remains(street):
    person = make_person(home=street.nanyuan_building, with_account=True)
    worker = role_grant(actor=SYSTEM, person=person, role=Role.COMMUNITY_WORKER, unit=street.nanyuan)
    role_grant(actor=SYSTEM, person=person, role=Role.BRANCH_SECRETARY, unit=street.nanyuan_branch)

    role_revoke(actor=SYSTEM, assignment=worker)

    person.user.refresh_from_db()
    assert person.user.needs_second_factor is True


def test_revoke_outside_the_revokers_community_is_refused(street):
    secretary = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_SECRETARY, at=street.nanyuan)
    worker = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu)
    assignment = RoleAssignment.objects.get(person=worker, role=Role.COMMUNITY_WORKER)

    with pytest.raises(PermissionDenied):
        role_revoke(actor=actor(secretary), assignment=assignment)

    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_revoking_twice_audits_once(street):
    person = make_person(home=street.nanyuan_building)
    assignment = role_grant(actor=SYSTEM, person=person, role=Role.VOLUNTEER, unit=street.nanyuan)
    stale = RoleAssignment.objects.get(pk=assignment.pk)

    role_revoke(actor=SYSTEM, assignment=assignment)
    role_revoke(actor=SYSTEM, assignment=stale)

    assert AuditEvent.objects.filter(verb="role.revoked").count() == 1


# --- actor_for_person: scope paths per role -----------------------------------------------------


@pytest.mark.parametrize(
    ("role", "at_attr", "scope_attr"),
    [
        # Residents, members and volunteers see their whole community's public structure …
        (Role.RESIDENT, "nanyuan_building", "nanyuan"),
        (Role.RESIDENT, "nanyuan_compound", "nanyuan"),
        (Role.PARTY_MEMBER, "nanyuan_branch", "nanyuan"),
        (Role.VOLUNTEER, "nanyuan", "nanyuan"),
        # … and a member of a partner unit's branch sees the partner unit.
        (Role.PARTY_MEMBER, "partner_branch", "partner"),
        # Staff roles reach exactly the subtree of the unit they hold the role at.
        (Role.BRANCH_SECRETARY, "nanyuan_branch", "nanyuan_branch"),
        (Role.COMMUNITY_WORKER, "nanyuan", "nanyuan"),
        (Role.COMMUNITY_SECRETARY, "nanyuan", "nanyuan"),
        (Role.PARTNER_CONTACT, "partner", "partner"),
        (Role.STREET_ADMIN, "street", "street"),
        (Role.SYSTEM_ADMIN, "street", "street"),
    ],
)
def test_each_role_scopes_org_view_to_the_expected_subtree(street, role, at_attr, scope_attr):
    person = make_person(home=street.cuiyu_building)
    RoleAssignment.objects.filter(person=person).delete()  # only the role under test
    role_grant(actor=SYSTEM, person=person, role=role, unit=getattr(street, at_attr))

    scoped = actor_for_person(person)

    assert scoped.scope_paths(C.ORG_VIEW) == (getattr(street, scope_attr).path,)


def test_capabilities_follow_the_role_table(street):
    worker = actor(make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu))
    partner = actor(make_person(home=street.cuiyu_building, role=Role.PARTNER_CONTACT, at=street.partner))
    system_admin = actor(make_person(home=street.cuiyu_building, role=Role.SYSTEM_ADMIN, at=street.street))
    auditor = actor(make_person(home=street.cuiyu_building, role=Role.AUDIT_ADMIN, at=street.street))
    resident = actor(make_person(home=street.cuiyu_building))

    assert worker.scope_paths(C.PEOPLE_MANAGE) == (street.cuiyu.path,)
    assert worker.scope_paths(C.ORG_MANAGE) == ()
    assert partner.scope_paths(C.PEOPLE_VIEW) == (street.partner.path,)
    assert partner.scope_paths(C.PEOPLE_REVEAL) == ()
    assert system_admin.scope_paths(C.PEOPLE_VIEW) == (street.street.path,)
    assert system_admin.scope_paths(C.PEOPLE_REVEAL) == ()  # masked only
    assert auditor.scope_paths(C.AUDIT_VIEW) == (street.street.path,)
    assert auditor.scope_paths(C.PEOPLE_VIEW) == ()
    assert resident.scope_paths(C.PEOPLE_VIEW) == ()
    assert resident.can(C.ORG_VIEW, street.cuiyu_branch.path)
    assert not resident.can(C.ORG_VIEW, street.nanyuan.path)


def test_nested_grants_collapse_to_the_widest_root(street):
    person = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan)
    role_grant(actor=SYSTEM, person=person, role=Role.STREET_ADMIN, unit=street.street)
    role_grant(actor=SYSTEM, person=person, role=Role.BRANCH_SECRETARY, unit=street.nanyuan_branch)

    assert actor_for_person(person).scope_paths(C.PEOPLE_VIEW) == (street.street.path,)


def test_actor_loads_in_one_query_however_many_roles(street, django_assert_num_queries):
    person = make_person(home=street.nanyuan_building, member_of=street.nanyuan_branch)
    volunteer_profile_set(actor=SYSTEM, person=person, skills=["it"], availability=[])
    role_grant(actor=SYSTEM, person=person, role=Role.COMMUNITY_WORKER, unit=street.cuiyu)

    with django_assert_num_queries(1):
        loaded = actor_for_person(person)

    assert loaded.roles == {Role.RESIDENT, Role.PARTY_MEMBER, Role.VOLUNTEER, Role.COMMUNITY_WORKER}


def test_signed_in_actor_with_person_loads_in_one_query(street, django_assert_num_queries):
    from mulin.organizations.scoping import actor_for_user

    person = make_person(home=street.nanyuan_building, member_of=street.nanyuan_branch, with_account=True)
    user = person.user

    with django_assert_num_queries(1):
        loaded = actor_for_user(user)
        assert loaded.person.party_membership.branch == street.nanyuan_branch
        assert loaded.person.home_unit == street.nanyuan_building

    assert loaded.scope_paths(C.ORG_VIEW) == (street.nanyuan.path,)


def test_disabled_account_acts_as_anonymous(street):
    from mulin.organizations.scoping import actor_for_user

    person = make_person(home=street.nanyuan_building, role=Role.STREET_ADMIN, at=street.street, with_account=True)
    person.user.is_active = False

    assert actor_for_user(person.user).is_authenticated is False
    assert actor_for_user(person.user).scope_paths(C.PEOPLE_VIEW) == ()


# --- lockout_clear ------------------------------------------------------------------------------


def _attempt(username: str, ip: str, failures: int):  # type: ignore[no-untyped-def]
    from axes.models import AccessAttempt

    return AccessAttempt.objects.create(username=username, ip_address=ip, user_agent="t", failures_since_start=failures)


def test_lifting_a_lockout_clears_the_accounts_failures_from_every_address_only(street):
    from axes.models import AccessAttempt

    from mulin.organizations.services import lockout_clear

    admin = make_person(home=street.nanyuan_building, role=Role.SECURITY_ADMIN, at=street.street)
    first = _attempt("account-a", "192.0.2.1", 3)
    _attempt("account-a", "192.0.2.2", 2)  # together: five failures, the account is locked
    other = _attempt("account-b", "192.0.2.1", 4)

    lockout_clear(actor=actor(admin), attempt_id=first.pk)

    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [other.pk]
    event = AuditEvent.objects.get(verb="lockout.cleared")
    assert event.data == {"attempt": first.pk, "records": 2}


def test_only_the_security_admin_lifts_lockouts(street):
    from axes.models import AccessAttempt

    from mulin.organizations.services import lockout_clear

    attempt = _attempt("account-a", "192.0.2.1", 5)
    for role, at in [(Role.STREET_ADMIN, street.street), (Role.SYSTEM_ADMIN, street.street)]:
        someone = make_person(home=street.nanyuan_building, role=role, at=at)
        with pytest.raises(PermissionDenied):
            lockout_clear(actor=actor(someone), attempt_id=attempt.pk)

    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert not AuditEvent.objects.filter(verb="lockout.cleared").exists()
