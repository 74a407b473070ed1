"""Rows of the permission matrix (mulin/web/tests/test_permission_matrix.py) for health checks,
with the objects they act on and what a refusal must leave unchanged.

Readings (HEALTH_CHECK): "own" is a reading of the identity themselves, "same" one of a resident of
their community, "other" one of the other community; all taken by 九洲大药房, whose contact
(partner_contact) is its health staff. Only the resident and that staff read a reading: community
workers and the street administrator get 404 like everyone else.
Health-check days (HEALTH_DAY): "own" and "same" are 九洲 days, "other" a day of another partner
unit of the street, whose readings 九洲's staff may not record (403). Everyone sees the days
(they are open to the street), nobody but the hosting partner's staff records at them.
Consents (HEALTH_CONSENT): "own" is the identity's own consent to 九洲, "same"/"other" those of
residents of either community: withdrawn by the resident or by 九洲's staff.
"""

from __future__ import annotations

from typing import Any

from mulin.activities.models import Activity, Signup
from mulin.health.models import HealthCheck, HealthConsent
from mulin.health.tests.factories import READINGS, consent, make_health_day, measured, sign_up
from mulin.organizations.models import OrgUnit
from mulin.organizations.tests.factories import OrgUnitFactory, make_person
from mulin.web.tests.cast import ANONYMOUS, DISABLED, ROLES, Cast

HEALTH_CHECK, HEALTH_DAY, HEALTH_BODY, HEALTH_CONSENT = "health_check", "health_day", "health_body", "health_consent"
OBJECT_KINDS = frozenset({HEALTH_CHECK, HEALTH_DAY, HEALTH_BODY, HEALTH_CONSENT})
STAFF = "partner_contact"

OUT = frozenset({ANONYMOUS, DISABLED})
SIGNED_IN = frozenset(ROLES) - OUT
Triple = tuple[int, int, int]


def _web(ok: int) -> dict[str, Any]:
    return {role: 302 if role in OUT else ok for role in ROLES}


def _api(ok: int) -> dict[str, Any]:
    return {role: 401 if role in OUT else ok for role in ROLES}


def _objects(table: dict[str, Triple], *, api: bool) -> dict[str, Triple]:
    out: Triple = (401, 401, 401) if api else (302, 302, 302)
    return {role: out if role in OUT else table[role] for role in ROLES}


def _readers(ok: int, *, api: bool = False) -> dict[str, Triple]:
    """A reading: its resident, and the partner's staff for anyone's."""
    table = {**dict.fromkeys(SIGNED_IN, (ok, 404, 404)), STAFF: (ok, ok, ok)}
    return _objects(table, api=api)


def _recorders(ok: int, *, api: bool = False) -> dict[str, Triple]:
    """A health-check day: only the hosting partner's staff record; others are refused (403)."""
    table = {**dict.fromkeys(SIGNED_IN, (403, 403, 403)), STAFF: (ok, ok, 403)}
    return _objects(table, api=api)


def _latest_day() -> Activity:
    return Activity.objects.filter(type__code="health-check").order_by("-pk").first()  # type: ignore[return-value]


def _waiting_for_consent(cast: Cast, role: str) -> int:
    """The person of the latest day who has a place and no consent yet (see `target`)."""
    day = _latest_day()
    consented = HealthConsent.objects.filter(partner=day.host_id, withdrawn_at__isnull=True).values("person")
    signup = Signup.objects.filter(activity=day).exclude(person__in=consented).first()
    return signup.person_id if signup else 0


def _consented(cast: Cast, role: str) -> int:
    day = _latest_day()
    standing = HealthConsent.objects.filter(
        partner=day.host_id, withdrawn_at__isnull=True, person__activity_signups__activity=day
    ).first()
    return standing.person_id if standing else 0


def rows(Route: Any) -> list[Any]:
    """The matrix rows of the health routes."""

    def page_consent(cast: Cast, role: str) -> dict[str, Any]:
        return {"person": _waiting_for_consent(cast, role), "form_reference": "JZ-9"}

    def page_readings(cast: Cast, role: str) -> dict[str, Any]:
        return {"person": _consented(cast, role), "systolic": "128", "diastolic": "80", "glucose": "5.6"}

    def api_consent(cast: Cast, role: str) -> dict[str, Any]:
        return {"activity": _latest_day().pk, "person": _waiting_for_consent(cast, role), "form_reference": "JZ-9"}

    def api_readings(cast: Cast, role: str) -> dict[str, Any]:
        return {"activity": _latest_day().pk, "person": _consented(cast, role), "measurements": READINGS}

    return [
        Route("health:mine", expect=_web(200)),
        Route("health:detail", obj=HEALTH_CHECK, expect=_readers(200)),
        Route("health:consent_withdraw", "POST", obj=HEALTH_CONSENT, expect=_readers(302)),
        Route("health:activity", obj=HEALTH_DAY, expect=_recorders(200)),
        Route("health:consent_record", "POST", obj=HEALTH_DAY, expect=_recorders(302), data=page_consent),
        Route("health:record", "POST", obj=HEALTH_DAY, expect=_recorders(302), data=page_readings),
        Route("api:health-checks", expect=_api(200), api=True),
        Route(
            "api:health-checks", "POST", obj=HEALTH_BODY, expect=_recorders(201, api=True), data=api_readings, api=True
        ),
        Route("api:health-measures", expect=_api(200), api=True),
        Route("api:health-check", obj=HEALTH_CHECK, expect=_readers(200, api=True), api=True),
        Route("api:health-roster", obj=HEALTH_DAY, expect=_recorders(200, api=True), api=True),
        Route("api:health-consents", expect=_api(200), api=True),
        Route(
            "api:health-consents", "POST", obj=HEALTH_BODY, expect=_recorders(201, api=True), data=api_consent, api=True
        ),
        Route("api:health-consent-withdraw", "POST", obj=HEALTH_CONSENT, expect=_readers(200, api=True), api=True),
    ]


def _subject(cast: Cast, role: str, which: str) -> Any:
    if which == "own" and cast.person(role) is not None:
        return cast.person(role)
    community = cast.home_community[role] if which != "other" else cast.other_community(role)
    return cast.plain_in(community)


def target(cast: Cast, kind: str, role: str, which: str) -> dict[str, Any]:
    """URL arguments of fresh objects: a reading or a consent of the identity, of someone of their
    community or of the other one; or a health-check day (九洲's, or for "other" another partner
    unit's) with one person who has a place and no consent yet and one who has consented."""
    if kind in (HEALTH_CHECK, HEALTH_CONSENT):
        day = make_health_day(cast.street.partner, title="矩阵健康检测日")
        if kind == HEALTH_CHECK:
            return {"check_id": measured(day, _subject(cast, role, which)).pk}
        return {"consent_id": consent(day, _subject(cast, role, which)).pk}
    host = cast.street.partner if which != "other" else _other_partner(cast)
    day = make_health_day(host, title="矩阵健康检测日")
    sign_up(day, make_person(home=cast.street.cuiyu_building, full_name="矩阵居民"))
    consent(day, cast.nanyuan_plain)
    return {"activity_id": day.pk} if kind == HEALTH_DAY else {}


def _other_partner(cast: Cast) -> OrgUnit:
    name = "矩阵社区卫生服务中心"
    found = OrgUnit.objects.filter(name=name, kind=OrgUnit.Kind.PARTNER_UNIT).first()
    return found or OrgUnitFactory(kind=OrgUnit.Kind.PARTNER_UNIT, name=name, parent=cast.street.street)


def world() -> dict[str, Any]:
    """What a refused request to these routes must not change."""
    return {
        "health_checks": sorted(HealthCheck.objects.values_list("pk", "person_id", "activity_id")),
        "health_consents": sorted(HealthConsent.objects.values_list("pk", "withdrawn_at")),
    }
