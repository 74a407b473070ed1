"""Request ids and client addresses reaching the audit log, no-store on personal pages, and the
API's error bodies."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework.exceptions import NotAuthenticated

from mulin.core.api import exception_handler
from mulin.core.audit import audit_record
from mulin.core.context import current_request_context
from mulin.core.exceptions import ApplicationError, ServiceUnavailable, StateConflict
from mulin.core.models import AuditEvent


@pytest.mark.django_db
def test_audit_rows_written_during_a_request_carry_its_id_and_address(client):
    response = client.post("/accounts/login/", {"phone": "13999999999", "password": "x"}, REMOTE_ADDR="10.1.2.3")

    event = AuditEvent.objects.get(verb="login.failed")
    assert event.request_id == response["X-Request-ID"]
    assert event.ip == "10.1.2.3"


@pytest.mark.django_db
def test_audit_rows_written_outside_a_request_carry_none(client):
    client.get("/accounts/login/")

    event = audit_record(verb="test.background")

    assert (event.request_id, event.ip) == ("", None)
    assert current_request_context().request_id == ""


@pytest.mark.django_db
def test_forwarded_for_does_not_reach_the_audit_log(client):
    client.post(
        "/accounts/login/",
        {"phone": "13999999999", "password": "x"},
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )

    assert AuditEvent.objects.get(verb="login.failed").ip == "10.1.2.3"


@pytest.mark.django_db
def test_every_response_gets_a_fresh_request_id(client):
    first = client.get("/accounts/login/")["X-Request-ID"]
    second = client.get("/accounts/login/")["X-Request-ID"]

    assert first != second


@pytest.mark.django_db
def test_static_files_are_not_marked_no_store_for_anonymous_visitors(client):
    response = client.get("/static/mulin/js/mulin.js")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (ApplicationError("Bad."), 400, "invalid"),
        (ApplicationError("Bad.", code="too_late"), 400, "too_late"),
        (StateConflict("Taken."), 409, "conflict"),
        (ServiceUnavailable("Later."), 503, "unavailable"),
        (ValidationError({"phone": ["Enter a valid 11-digit mobile number."]}), 400, "invalid"),
        (ValidationError("Whole form is wrong."), 400, "invalid"),
        (Http404(), 404, "not_found"),
        (PermissionDenied(), 403, "permission_denied"),
        (NotAuthenticated(), 401, "not_authenticated"),
    ],
)
def test_api_errors_are_json_with_detail_and_code(exc, status, code):
    response = exception_handler(exc, {})

    assert response.status_code == status
    assert response.data["code"] == code
    assert response.data["detail"]


def test_api_field_errors_are_keyed_by_field():
    response = exception_handler(ValidationError({"phone": ["Enter a valid 11-digit mobile number."]}), {})

    assert response.data["errors"] == {"phone": ["Enter a valid 11-digit mobile number."]}


def test_api_application_error_keeps_its_field_errors():
    response = exception_handler(StateConflict("Already registered.", extra={"phone": ["Taken."]}), {})

    assert response.data["errors"] == {"phone": ["Taken."]}


def test_api_401_says_how_to_authenticate():
    response = exception_handler(NotAuthenticated(), {})

    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_unexpected_errors_are_left_to_django():
    assert exception_handler(RuntimeError("boom"), {}) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/api/v1/wishes/?category=%00", "/wishes/?q=a%00b", "/api/v1/wishes/?%00=1"],
)
def test_a_nul_character_in_the_query_is_refused_in_the_users_language(client, url):
    """PostgreSQL cannot compare text holding NUL: without the refusal these were 500s there."""
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert english.status_code == chinese.status_code == 400
    assert "not allowed" in english.content.decode()
    assert "不允许" in chinese.content.decode()
    if url.startswith("/api/"):
        assert english.json()["code"] == "bad_request"


@pytest.mark.django_db
@pytest.mark.parametrize("format", ["json", "multipart"])
def test_a_nul_character_in_a_request_body_is_refused_before_any_field_reads_it(api_client, format):
    """A NUL looked up as a category code was a 500 on PostgreSQL (found by the API fuzzing)."""
    from mulin.organizations.tests.factories import build_street, make_person

    street = build_street()
    api_client.force_authenticate(make_person(home=street.nanyuan_building, with_account=True).user)

    response = api_client.post(
        "/api/v1/work-orders/", {"category": "a\x00b", "title": "x"}, format=format, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "not allowed" in response.json()["detail"]
