"""Session lifetime and the login requirement."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from mulin.accounts.policy import SECOND_FACTOR_KEY, second_factor_required

LOGIN_AT_KEY = "mulin_login_at"
SEEN_KEY = "mulin_seen"
SEEN_RESOLUTION_SECONDS = 60


class SessionLifetimeMiddleware:
    """End sessions 12 hours after login, however active (ASVS 3.3.2).

    The 30-minute idle limit is the sliding session expiry (SESSION_COOKIE_AGE), refreshed here
    at most once a minute. `session_start` records the login time; a session that was
    signed in some other way (an administrator tool, a test client) starts its clock the first
    time it is seen, so no authenticated session goes without a limit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            # Sliding idle expiry: re-save the session (which pushes its expiry 30 minutes on) at
            # most once a minute instead of on every request — one write fewer per page.
            if now - float(request.session.get(SEEN_KEY, 0)) >= SEEN_RESOLUTION_SECONDS:
                request.session[SEEN_KEY] = now
            login_at = request.session.get(LOGIN_AT_KEY)
            if login_at is None:
                request.session[LOGIN_AT_KEY] = time.time()
            elif time.time() - float(login_at) > settings.MULIN_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                if request.path_info.startswith("/api/"):
                    return self.get_response(request)  # now anonymous: the API answers 401 itself
                messages.info(request, _("Your session has ended after 12 hours. Please sign in again."))
                return redirect_to_login(request.get_full_path())
            if request.session.get(SECOND_FACTOR_KEY) is False and second_factor_required(request.user):
                # The account became staff after this password-only sign-in: start again with a code.
                logout(request)
                if request.path_info.startswith("/api/"):
                    return self.get_response(request)
                messages.info(request, _("Your account now needs a second factor. Please sign in again."))
                return redirect_to_login(request.get_full_path())
            if getattr(request.user, "must_change_password", False) and not request.path_info.startswith("/api/"):
                # Signed in with a one-time code: nothing else until a password is chosen.
                allowed = {reverse("accounts:password_set"), reverse("accounts:logout")}
                if request.path_info not in allowed:
                    return redirect("accounts:password_set")
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
