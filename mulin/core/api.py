"""API conventions shared by every endpoint: error bodies, pagination, the idempotency header."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, pagination, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from mulin.core.exceptions import ApplicationError
from mulin.core.idempotency import HEADER as IDEMPOTENCY_HEADER

# Documents the optional Idempotency-Key header of POSTs that create something (ADR 0009).
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="16-64 letters, digits, - or _ (a UUID will do); a retry with the same key creates nothing new.",
    pattern=r"^[A-Za-z0-9_-]{16,64}$",
)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer every error as JSON ``{"detail": ..., "code": ..., "errors": {...}}``.

    Messages are translated into the caller's language (Accept-Language or the language cookie).
    Field errors come under ``errors`` keyed by field name.
    """
    if isinstance(exc, ApplicationError):
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.extra:
            body["errors"] = exc.extra
        return Response(body, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or _("You do not have permission to do this."))

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": _("The request has invalid fields; nothing was changed."),
            "code": "invalid",
            "errors": exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail},
        }
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {"detail": str(exc.detail), "code": codes if isinstance(codes, str) else "error"}
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


class CursorPagination(pagination.CursorPagination):
    """Keyset pagination: page 1,000 costs what page 1 costs, and no COUNT(*) over big tables."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-id"

    def decode_cursor(self, request: Any) -> Any:
        # DRF answers a damaged cursor with 404; it is a bad parameter of a list that exists (400).
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError(
                {self.cursor_query_param: [_("This page link is not valid; start again from the first page.")]}
            ) from None
