"""Errors that services raise and interfaces translate (web: message; API: status + JSON)."""

from __future__ import annotations

from django.utils.functional import Promise


class ApplicationError(Exception):
    """A business rule refused the request; the message is shown to the user as is.

    `status` lets the API layer answer 400 (bad request) or 409 (state conflict) without the
    service knowing about HTTP semantics beyond this one hint.
    """

    status = 400
    code = "invalid"

    def __init__(self, message: str | Promise, *, code: str | None = None, extra: dict | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code
        self.extra = extra or {}


class StateConflict(ApplicationError):
    """The object is no longer in a state that allows this action (e.g. already claimed)."""

    status = 409
    code = "conflict"


class ServiceUnavailable(ApplicationError):
    """A dependency needed to answer safely is down; the user should try again later."""

    status = 503
    code = "unavailable"
