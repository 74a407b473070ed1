"""Infrastructure middleware: request ids for the audit log, no caching of personal pages."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.context import RequestContext, reset_request_context, set_request_context


class RequestIdMiddleware:
    """Give each request an id (echoed in X-Request-ID and error pages) and record the client IP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        # Only REMOTE_ADDR: X-Forwarded-For is trusted by axes alone, and only when a proxy
        # count is configured (MULIN_PROXY_COUNT).
        token = set_request_context(RequestContext(request_id=request_id, ip=request.META.get("REMOTE_ADDR")))
        try:
            response = self.get_response(request)
        finally:
            reset_request_context(token)
        response["X-Request-ID"] = request_id
        return response


class SensitivePageCacheMiddleware:
    """Forbid caching of every authenticated response: they may show personal data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store, private"
        return response


# The largest primary key the databases store (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class IdRangeMiddleware:
    """Answer 404 for an id in the URL that no row can have (`<int:…>` accepts any digits).

    Without it a 25-digit id reaches the database: SQLite raises OverflowError (a 500) and
    PostgreSQL compares against a numeric. Found by the API fuzzing (tests/security).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict) -> None:
        if any(isinstance(value, int) and not 0 <= value <= MAX_ID for value in (*args, *kwargs.values())):
            raise Http404


class NulCharacterMiddleware:
    """Answer 400 for a NUL character in the path or the query string.

    PostgreSQL cannot hold NUL in text, so a ``?category=%00`` compared in a query is a 500 there
    (SQLite accepts it). Forms and serializers already refuse NUL in the fields they read; query
    parameters read by hand are the gap. Found by the API fuzzing on PostgreSQL (tests/security).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in name or any("\x00" in value for value in values) for name, values in request.GET.lists()
        ):
            message = _("The web address contains a character that is not allowed.")
            if request.path.startswith("/api/"):  # the API's error shape (mulin.core.api)
                return JsonResponse(
                    {"detail": message, "code": "bad_request"}, status=400, json_dumps_params={"ensure_ascii": False}
                )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class AccessRefusalAuditMiddleware:
    """Record a signed-in person's refused (403) and not-found (404) requests for objects.

    A 404 is recorded when the URL names an object (`<…_id>` or `<…_uuid>`), a 403 always: the
    object kind is the app and the id's name (`wishes.wish`, `organizations.person`), or `page`.
    Without flooding: at most one row per person, kind and clock hour (the first request's object
    and route are kept). Refusals that never reached a view — a missing CSRF token, a wrong
    method, an id out of range — are not recorded. API requests count too: DRF sets the token's
    user on the underlying request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (403, 404) and getattr(request, "_mulin_view_called", False):
            self._record(request, response.status_code)
        return response

    def process_view(self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict) -> None:
        request._mulin_view_called = True  # type: ignore[attr-defined]

    @staticmethod
    def _record(request: HttpRequest, status: int) -> None:
        from mulin.core.audit import audit_record
        from mulin.core.audit_labels import ACCESS_REFUSED
        from mulin.core.models import AuditEvent

        user = getattr(request, "user", None)
        match = request.resolver_match
        if user is None or not user.is_authenticated or match is None:
            return
        kind, object_id = "page", ""
        for name, value in match.kwargs.items():
            stem = name.removesuffix("_id").removesuffix("_uuid")
            if stem != name:
                app = match.func.__module__.split(".")[1] if match.func.__module__.startswith("mulin.") else "web"
                kind, object_id = f"{app}.{stem}", str(value)
                break
        if kind == "page" and status == 404:
            return
        hour = timezone.now().replace(minute=0, second=0, microsecond=0)
        already = AuditEvent.objects.filter(
            verb=ACCESS_REFUSED, actor_user_id=user.pk, target_type=kind, created_at__gte=hour
        ).exists()
        if already:
            return
        try:
            person = user.person
        except ObjectDoesNotExist:
            person = None
        audit_record(
            verb=ACCESS_REFUSED,
            actor=person,
            actor_user=user,
            target_kind=kind,
            target_ref=object_id,
            outcome="fail",
            data={"status": status, "route": match.view_name},
        )
