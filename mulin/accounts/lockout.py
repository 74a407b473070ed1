"""django-axes hooks: the lockout key carries no phone number, and lockouts answer in the
user's language, as JSON for the API."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mulin.accounts.backends import phone_lookup_key


def lockout_key(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """Key failed attempts by the phone number's blind index, never the number itself."""
    phone = str((credentials or {}).get("phone") or "")
    key = phone_lookup_key(phone)
    if key is None:  # not a valid number: still count it, under a digest of what was typed
        key = "x" + hashlib.sha256(phone.encode()).hexdigest()[:31]
    return key


def lockout_message() -> str:
    return _("Too many failed attempts. Sign-in is locked for 30 minutes; please try again later.")


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message(), "code": "locked"}, status=429)
    from mulin.accounts.forms import LoginForm

    form = LoginForm(request, initial={"phone": request.POST.get("phone", "")})
    return render(request, "accounts/login.html", {"form": form, "locked_message": lockout_message()}, status=429)
