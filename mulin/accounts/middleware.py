"""Session lifetime and the login requirement."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

LOGIN_AT_KEY = "mulin_login_at"


class SessionLifetimeMiddleware:
    """End sessions 12 hours after login, however active (ASVS 3.3.2).

    The 30-minute idle limit is the sliding session cookie age (SESSION_COOKIE_AGE).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        login_at = request.session.get(LOGIN_AT_KEY) if request.user.is_authenticated else None
        if login_at is not None and time.time() - float(login_at) > settings.MULIN_SESSION_ABSOLUTE_SECONDS:
            logout(request)
            messages.info(request, _("Your session has ended after 12 hours. Please sign in again."))
            return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class LoginRequiredExceptApiMiddleware(LoginRequiredMiddleware):
    """Every page needs a login unless marked @login_not_required.

    The API under /api/ authenticates itself (bearer tokens) and denies by default through
    DRF's IsAuthenticated, so it is left to DRF instead of redirecting to the login page.
    """

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
