"""Sign-in in two steps (password, then TOTP for staff), second-factor enrolment, sign-out
and password change. The decisions live in services; these views only route."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from mulin.accounts import services
from mulin.accounts.forms import LoginForm, PasswordChangeForm, TotpForm
from mulin.accounts.policy import second_factor_required
from mulin.accounts.ratelimit import login_rate_check
from mulin.core.exceptions import ApplicationError


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return str(settings.LOGIN_REDIRECT_URL)


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    if request.method == "POST":
        try:
            login_rate_check(request)
        except ApplicationError as exc:  # 429 over the limit; 503 when the counter is unreachable
            context = {"form": LoginForm(request), "locked_message": exc.message, "next": request.GET.get("next", "")}
            return render(request, "accounts/login.html", context, status=exc.status)
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.credentials_check(
            request, phone=form.cleaned_data["phone"], password=form.cleaned_data["password"]
        )
        if user is not None:
            if not second_factor_required(user):
                services.session_start(request, user)
                return redirect(_next_url(request))
            services.pending_sign_in_set(request, user)
            if request.POST.get("next"):
                request.session["mulin_next"] = _next_url(request)
            if services.totp_device_confirmed(user):
                return redirect("accounts:verify")
            return redirect("accounts:enrol")
        if not getattr(request, "axes_locked_out", False):
            form.add_error(None, services.credentials_message())
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
def verify_view(request: HttpRequest) -> HttpResponse:
    user = services.pending_sign_in_get(request)
    device = services.totp_device_confirmed(user) if user else None
    if user is None or device is None:
        return redirect("accounts:login")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_verify(device, form.cleaned_data["code"]):
            next_url = request.session.pop("mulin_next", settings.LOGIN_REDIRECT_URL)
            services.pending_sign_in_clear(request)
            services.session_start(request, user, device=device)
            return redirect(next_url)
        form.add_error("code", _("That code is not valid. Wait for a new code and try again."))
    return render(request, "accounts/verify.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
def enrol_view(request: HttpRequest) -> HttpResponse:
    """A staff member without an authenticator sets one up before the first sign-in."""
    user = services.pending_sign_in_get(request)
    if user is None:
        return redirect("accounts:login")
    if services.totp_device_confirmed(user) is not None:
        # Enrolling replaces the old device: allowed only before there is one, or the password
        # alone would be enough to swap in an attacker's authenticator.
        return redirect("accounts:verify")
    device = services.totp_device_for_enrolment(user)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm(device, form.cleaned_data["code"]):
            next_url = request.session.pop("mulin_next", settings.LOGIN_REDIRECT_URL)
            services.pending_sign_in_clear(request)
            services.session_start(request, user, device=device)
            messages.success(request, _("Your authenticator is set up."))
            return redirect(next_url)
        form.add_error("code", _("That code is not valid. Check the time on your phone and try again."))
    qr = segno.make(device.config_url, error="m")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr_data_uri": qr.svg_data_uri(scale=4),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("current_password", "new_password", "new_password_again")
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                request,
                user=request.user,  # type: ignore[arg-type]
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            errors_by_field = exc.message_dict if hasattr(exc, "error_dict") else {"new_password": exc.messages}
            for field, errors in errors_by_field.items():
                form.add_error(field if field in form.fields else "new_password", errors)
        else:
            messages.success(request, _("Your password has been changed. Other devices have been signed out."))
            return redirect("web:profile")
    return render(request, "accounts/password_change.html", {"form": form})
