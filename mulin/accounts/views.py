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

from mulin.accounts import services, sms_codes
from mulin.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordForgotResetForm,
    PasswordSetForm,
    PhoneForm,
    SmsCodeForm,
    TotpForm,
)
from mulin.accounts.models import SignInCode
from mulin.accounts.policy import second_factor_required
from mulin.accounts.ratelimit import login_rate_check, network_failure_check
from mulin.core.exceptions import ApplicationError
from mulin.core.forms import form_add_errors


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
            network_failure_check(request)
        except ApplicationError as exc:  # 429 over a limit; 503 when the counter is unreachable
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


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("new_password", "new_password_again")
def password_set_view(request: HttpRequest) -> HttpResponse:
    """After signing in with a one-time code: choose a password before anything else."""
    if not request.user.must_change_password:  # type: ignore[union-attr]
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = PasswordSetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set_after_code(request, user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Your password is set. Use it from now on."))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/password_set.html", {"form": form})


CODE_PHONE_KEY = "mulin_code_phone"


def _code_requested(request: HttpRequest, form: PhoneForm, purpose: str, template: str) -> HttpResponse | None:
    """Ask for a code for the typed number; None when done (the caller redirects), else the page
    again with the limit's message."""
    try:
        sms_codes.sms_code_request(request, phone=form.cleaned_data["phone"], purpose=purpose)
    except ApplicationError as exc:  # 429 over a limit; 503 when the counters are unreachable
        return render(request, template, {"form": form, "limit_message": exc.message}, status=exc.status)
    request.session[CODE_PHONE_KEY] = form.cleaned_data["phone"]
    # The same words for every number: whether it is registered is not told here.
    messages.info(request, _("If this number is registered, a text message with a code is on its way."))
    return None


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
def password_forgot_view(request: HttpRequest) -> HttpResponse:
    """Forgot password, step 1: the mobile number."""
    form = PhoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        refused = _code_requested(request, form, SignInCode.Purpose.PASSWORD_RESET, "accounts/password_forgot.html")
        return refused or redirect("accounts:password_forgot_reset")
    return render(request, "accounts/password_forgot.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("code", "new_password", "new_password_again")
def password_forgot_reset_view(request: HttpRequest) -> HttpResponse:
    """Forgot password, step 2: the texted code and a new password."""
    phone = request.session.get(CODE_PHONE_KEY)
    if not phone:
        return redirect("accounts:password_forgot")
    form = PasswordForgotResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sms_codes.password_reset_by_code(phone=phone, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            request.session.pop(CODE_PHONE_KEY, None)
            messages.success(request, _("Your new password is set. Sign in with it."))
            return redirect("accounts:login")
    return render(request, "accounts/password_forgot_reset.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
def login_sms_view(request: HttpRequest) -> HttpResponse:
    """Sign in with a texted code instead of a password (residents, members, volunteers)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = PhoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        refused = _code_requested(request, form, SignInCode.Purpose.SIGN_IN, "accounts/login_sms.html")
        return refused or redirect("accounts:login_sms_verify")
    return render(request, "accounts/login_sms.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("code")
def login_sms_verify_view(request: HttpRequest) -> HttpResponse:
    phone = request.session.get(CODE_PHONE_KEY)
    if not phone:
        return redirect("accounts:login_sms")
    form = SmsCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = sms_codes.sms_code_check(phone=phone, purpose=SignInCode.Purpose.SIGN_IN, code=form.cleaned_data["code"])
        if user is not None:
            request.session.pop(CODE_PHONE_KEY, None)
            services.session_start(request, user)
            return redirect(settings.LOGIN_REDIRECT_URL)
        form.add_error("code", _("This code is not valid. Ask for a new one."))
    return render(request, "accounts/login_sms_verify.html", {"form": form})
