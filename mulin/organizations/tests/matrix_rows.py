"""Rows of the permission matrix (mulin/web/tests/test_permission_matrix.py) for people
administration: correcting, deactivating, membership and volunteer pages and their API.

Identities and the own / same-community / other-community convention are the matrix's
(mulin/web/tests/cast.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from mulin.web.tests.cast import ANONYMOUS, DISABLED, ROLES

OUT = frozenset({ANONYMOUS, DISABLED})
MANAGERS = frozenset({"worker_cuiyu", "worker_nanyuan", "street_admin"})

# Who may change a person's record (own / same community / other community). Everyone else who
# sees the person gets 403 (they may look, not change), whoever does not see them 404.
_SEES_ONLY_THEMSELVES = (403, 404, 404)
ADMINISTER: dict[str, tuple[int, int, int]] = {
    **dict.fromkeys(ROLES, _SEES_ONLY_THEMSELVES),
    ANONYMOUS: (302, 302, 302),
    DISABLED: (302, 302, 302),
    "worker_cuiyu": (200, 200, 404),
    "worker_nanyuan": (200, 200, 404),
    "street_admin": (200, 200, 200),
    "system_admin": (403, 403, 403),  # sees everyone, changes no one's record
    "security_admin": (403, 403, 403),
}


def _with(table: dict[str, tuple[int, int, int]], ok: int, anonymous: int = 302) -> dict[str, tuple[int, ...]]:
    """The table with `ok` where it says 200, and `anonymous` for the signed-out."""
    return {
        role: (anonymous,) * 3 if role in OUT else tuple(ok if status == 200 else status for status in statuses)
        for role, statuses in table.items()
    }


# Nobody deactivates themselves: through the API that is a 403.
DEACTIVATE_API = {
    **_with(ADMINISTER, 200, 401),
    **{role: (403, *_with(ADMINISTER, 200)[role][1:]) for role in MANAGERS},
}


APPOINTERS = frozenset({"street_admin", "system_admin"})  # the cast's holders of roles.manage


def _appoint(person_detail: dict[str, tuple[int, int, int]], ok: int) -> dict[str, tuple[int, ...]]:
    """Whoever sees the person may look at their roles; only appointers get `ok`, the rest 403."""
    return {
        role: statuses if role in OUT else tuple(ok if role in APPOINTERS and s == 200 else 403 if s == 200 else s
                                                 for s in statuses)
        for role, statuses in person_detail.items()
    }  # fmt: skip


def _unknown_role_row(person_detail: dict[str, tuple[int, int, int]], anonymous: int) -> dict[str, tuple[int, ...]]:
    """A role id that is not the person's: 404 for everyone signed in."""
    return {role: (anonymous,) * 3 if role in OUT else (404, 404, 404) for role in person_detail}


def _codes(opened: int, existing: int, anonymous: int = 302) -> dict[str, tuple[int, ...]]:
    """Opening an account / resetting a password: never for oneself (403). The plain residents
    of the cast have no account: the first opening succeeds (`opened`), a later one meets the
    account already opened (`existing`); a reset meets no account at all."""
    return {
        **_with(ADMINISTER, 200, anonymous),
        "worker_cuiyu": (403, opened, 404),
        "worker_nanyuan": (403, opened, 404),
        "street_admin": (403, existing, existing),
    }


def rows(Route: Any, PERSON: str, PERSON_DETAIL: dict[str, tuple[int, int, int]]) -> list[Any]:
    """The matrix rows of the people-administration routes."""
    empty = lambda cast, role: {}  # noqa: E731 - an empty form: refused by managers, nothing changes
    refused_by_managers = MANAGERS
    api_detail = {role: (401,) * 3 if role in OUT else statuses for role, statuses in PERSON_DETAIL.items()}
    no_such_role = lambda cast, role: {"assignment": 999999}  # noqa: E731
    return [
        Route("organizations:person_roles", obj=PERSON, expect=_appoint(PERSON_DETAIL, 200)),
        Route(
            "organizations:person_roles",
            "POST",
            obj=PERSON,
            expect=_appoint(PERSON_DETAIL, 200),
            data=empty,
            refused_with_200=APPOINTERS,
        ),
        Route(
            "organizations:person_role_remove",
            "POST",
            obj=PERSON,
            expect=_unknown_role_row(PERSON_DETAIL, 302),
            data=no_such_role,
        ),
        Route("api:person-roles", obj=PERSON, expect=api_detail, api=True),
        Route("api:person-roles", "POST", obj=PERSON, expect=_appoint(api_detail, 400), data=empty, api=True),
        Route(
            "api:person-role-remove",
            "POST",
            obj=PERSON,
            expect=_unknown_role_row(PERSON_DETAIL, 401),
            data=no_such_role,
            api=True,
        ),
        # The matrix runs the identities in order: the two workers open the plain residents'
        # accounts first, so the street administrator meets accounts already open.
        Route("organizations:account_open", "POST", obj=PERSON, expect=_codes(200, 302)),
        Route("organizations:password_reset", "POST", obj=PERSON, expect=_codes(302, 302)),
        Route("api:person-account", "POST", obj=PERSON, expect=_codes(201, 409, 401), data=empty, api=True),
        Route("api:person-password-reset", "POST", obj=PERSON, expect=_codes(400, 400, 401), data=empty, api=True),
        Route("accounts:password_set", expect=dict.fromkeys(ROLES, 302)),  # no code to replace: home
        Route("accounts:password_set", "POST", expect=dict.fromkeys(ROLES, 302), data=empty),
        # Codes by text message: without a number in the session, the code steps go back a step.
        Route("accounts:login_sms", expect={role: 200 if role in OUT else 302 for role in ROLES}),
        Route(
            "accounts:login_sms",
            "POST",
            expect={role: 200 if role in OUT else 302 for role in ROLES},
            data=empty,
            refused_with_200=OUT,
        ),
        Route("accounts:login_sms_verify", expect=dict.fromkeys(ROLES, 302)),
        Route("accounts:login_sms_verify", "POST", expect=dict.fromkeys(ROLES, 302), data=empty),
        Route("accounts:password_forgot", expect=dict.fromkeys(ROLES, 200)),
        Route(
            "accounts:password_forgot",
            "POST",
            expect=dict.fromkeys(ROLES, 200),
            data=empty,
            refused_with_200=frozenset(ROLES),
        ),
        Route("accounts:password_forgot_reset", expect=dict.fromkeys(ROLES, 302)),
        Route("accounts:password_forgot_reset", "POST", expect=dict.fromkeys(ROLES, 302), data=empty),
        # The same through the API: open to anyone (no credential is read), an empty body is a 400.
        Route("api:password-forgot", "POST", expect=dict.fromkeys(ROLES, 400), data=empty, api=True),
        Route("api:password-forgot-reset", "POST", expect=dict.fromkeys(ROLES, 400), data=empty, api=True),
        Route("api:sms-code", "POST", expect=dict.fromkeys(ROLES, 400), data=empty, api=True),
        Route("api:sms-token", "POST", expect=dict.fromkeys(ROLES, 400), data=empty, api=True),
        Route("api:roles", expect={role: 401 if role in OUT else 200 for role in ROLES}, api=True),
        Route("organizations:person_edit", obj=PERSON, expect=ADMINISTER),
        Route(
            "organizations:person_edit",
            "POST",
            obj=PERSON,
            expect=ADMINISTER,
            data=empty,
            refused_with_200=refused_by_managers,
        ),
        # Own record: nobody deactivates themselves (back to the page, nothing changed).
        Route("organizations:person_deactivate", "POST", obj=PERSON, expect=_with(ADMINISTER, 302)),
        Route("organizations:person_reactivate", "POST", obj=PERSON, expect=_with(ADMINISTER, 302)),
        Route("organizations:person_membership", obj=PERSON, expect=ADMINISTER),
        Route(
            "organizations:person_membership",
            "POST",
            obj=PERSON,
            expect=ADMINISTER,
            data=empty,
            refused_with_200=refused_by_managers,
        ),
        Route("organizations:person_volunteer", obj=PERSON, expect=ADMINISTER),
        Route(
            "organizations:person_volunteer",
            "POST",
            obj=PERSON,
            expect=_with(ADMINISTER, 302),  # no skills ticked is a valid (empty) profile
            data=empty,
        ),
        # API: an empty body lacks the version (400); deactivating needs none.
        Route("api:person", "PATCH", obj=PERSON, expect=_with(ADMINISTER, 400, 401), data=empty, api=True),
        Route("api:person-deactivate", "POST", obj=PERSON, expect=DEACTIVATE_API, data=empty, api=True),
        Route("api:person-reactivate", "POST", obj=PERSON, expect=_with(ADMINISTER, 200, 401), data=empty, api=True),
        Route("api:person-membership", "PUT", obj=PERSON, expect=_with(ADMINISTER, 400, 401), data=empty, api=True),
        Route("api:person-volunteer", "PUT", obj=PERSON, expect=_with(ADMINISTER, 400, 401), data=empty, api=True),
    ]


# --- for tests/security/test_sec_mass_assignment.py -----------------------------------------------
# Write routes whose matrix row shows only refusals (an empty body): the identity and an ordinary,
# successful body. The target is the matrix's "same community" person: the identity's plain resident.


def _version(cast: Any, role: str) -> str:
    from mulin.core.concurrency import version_token

    person = cast.plain_in(cast.home_community[role])
    person.refresh_from_db()
    return version_token(person)


def _with_account(cast: Any, role: str) -> dict[str, Any]:
    """The plain resident gets an account first (outside the savepoint), so a reset can succeed."""
    from mulin.organizations.services import account_create
    from mulin.organizations.tests.factories import SYSTEM, TEST_PASSWORD

    person = cast.plain_in(cast.home_community[role])
    person.refresh_from_db()
    if person.user_id is None:
        account_create(actor=SYSTEM, person=person, password=TEST_PASSWORD)
    return {}


def _resident_role(cast: Any, role: str) -> dict[str, Any]:
    from mulin.organizations.models import Role, RoleAssignment

    person = cast.plain_in(cast.home_community[role])
    return {"assignment": RoleAssignment.objects.get(person=person, role=Role.RESIDENT).pk}


def _appointment(cast: Any, role: str) -> dict[str, Any]:
    return {"role": "volunteer", "unit": cast.home_community[role].pk}


def _membership(cast: Any, role: str) -> dict[str, Any]:
    return {"branch": cast.street.cuiyu_branch.pk, "status": "full"}


SUCCESSFUL: dict[tuple[str, str], tuple[str, Any]] = {
    ("organizations:person_edit", "POST"): (
        "worker_cuiyu",
        lambda c, r: {"full_name": "改正的名字", "home_unit": c.cuiyu_plain.home_unit_id, "version": _version(c, r)},
    ),
    ("organizations:person_membership", "POST"): ("worker_cuiyu", _membership),
    ("organizations:person_roles", "POST"): ("street_admin", _appointment),
    ("organizations:person_role_remove", "POST"): ("street_admin", _resident_role),
    ("api:person", "PATCH"): ("worker_cuiyu", lambda c, r: {"full_name": "改正的名字", "version": _version(c, r)}),
    ("api:person-membership", "PUT"): ("worker_cuiyu", _membership),
    ("api:person-volunteer", "PUT"): ("worker_cuiyu", lambda c, r: {"skills": ["repair"], "availability": []}),
    ("api:person-roles", "POST"): ("street_admin", _appointment),
    ("api:person-role-remove", "POST"): ("street_admin", _resident_role),
    ("api:person-password-reset", "POST"): ("worker_cuiyu", _with_account),
    ("accounts:password_forgot", "POST"): (ANONYMOUS, lambda c, r: {"phone": c.people["resident_a"].phone}),
    ("api:password-forgot", "POST"): (ANONYMOUS, lambda c, r: {"phone": c.people["resident_a"].phone}),
    ("api:sms-code", "POST"): (ANONYMOUS, lambda c, r: {"phone": c.people["resident_a"].phone}),
}


def _texted_code(purpose: str, **more: str) -> Any:
    """A live code texted to resident_a (as sms_code_request stores it), and the body that uses it."""

    def prepare(cast: Any, role: str, kwargs: dict[str, Any]) -> Any:
        from mulin.accounts.backends import phone_lookup_key
        from mulin.accounts.models import SignInCode
        from mulin.accounts.sms_codes import CODE_MINUTES, _digest

        phone = cast.people["resident_a"].phone
        index = phone_lookup_key(phone)
        assert index is not None
        SignInCode.objects.create(
            phone_index=index,
            purpose=purpose,
            code_digest=_digest(index, "246810"),
            expires_at=timezone.now() + dt.timedelta(minutes=CODE_MINUTES),
        )
        return kwargs, lambda: {"phone": phone, "code": "246810", **more}

    return prepare


# Write routes whose success needs a code texted first (see tests/security/test_sec_mass_assignment.py).
PREPARED: dict[tuple[str, str], tuple[str, Any]] = {
    ("api:sms-token", "POST"): (ANONYMOUS, _texted_code("sign_in")),
    ("api:password-forgot-reset", "POST"): (
        ANONYMOUS,
        _texted_code("password_reset", new_password="Plum-Blossom-2024", new_password_again="Plum-Blossom-2024"),
    ),
}
