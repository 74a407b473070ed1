"""django-axes hooks: the lockout key carries no phone number, and lockouts answer in the
user's language, as JSON for the API."""

from __future__ import annotations

import hashlib
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mulin.accounts.backends import phone_lookup_key
from mulin.accounts.models import User


def lockout_key(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """Key failed attempts by the phone number's blind index, never the number itself.

    Axes calls this with what was typed (`{"phone": ...}`) when a sign-in fails, and with the
    account's handle (`user.get_username()`) when one succeeds; both must give the same key,
    or a successful sign-in would not reset the account's failures.
    """
    typed = str((credentials or {}).get("phone") or "")
    key = phone_lookup_key(typed)
    if key is not None:
        return key
    if typed.startswith("u"):
        index = User.objects.filter(handle=typed).values_list("person__phone_index", flat=True).first()
        if index:
            return index
    # Not a valid number: still count it, under a digest of what was typed.
    return "x" + hashlib.sha256(typed.encode()).hexdigest()[:31]


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, except that a successful sign-in clears only that account's
    failures.

    Axes would also clear every failure from the same address, so an attacker holding any one
    account could spray guesses at other accounts from one address indefinitely, signing in to
    their own account after every four.
    """

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        count, _detail = AccessAttempt.objects.filter(username=get_client_username(request, credentials)).delete()
        return count


def lockout_message() -> str:
    return _("Too many failed attempts. Sign-in is locked for 30 minutes; please try again later.")


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message(), "code": "locked"}, status=429)
    from mulin.accounts.forms import LoginForm

    form = LoginForm(request, initial={"phone": request.POST.get("phone", "")})
    return render(request, "accounts/login.html", {"form": form, "locked_message": lockout_message()}, status=429)
