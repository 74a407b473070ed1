"""Sign-in, second factor, password and session services."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from mulin.accounts.backends import phone_lookup_key
from mulin.accounts.middleware import LOGIN_AT_KEY
from mulin.accounts.models import User, UserSession
from mulin.accounts.policy import SECOND_FACTOR_KEY
from mulin.core.audit import audit_record
from mulin.core.exceptions import ApplicationError
from mulin.notifications.sms import sms_backend

PENDING_USER_KEY = "mulin_pending_user"
PENDING_AT_KEY = "mulin_pending_at"
PENDING_SECONDS = 5 * 60


class SignInRefused(ApplicationError):
    status = 401
    code = "invalid_credentials"


def credentials_message() -> str:
    # One message for unknown numbers and wrong passwords (ASVS 6.3.8).
    return _("The mobile number or password is incorrect.")


def credentials_check(request: HttpRequest, *, phone: str, password: str) -> User | None:
    """Check phone and password through django-axes; None when refused or locked out.

    Axes counts the failure and sets `request.axes_locked_out`, so callers must look at that
    flag before saying anything else to the user.
    """
    user = authenticate(request, phone=phone, password=password)
    if user is None:
        # The account aimed at, when the number is registered: the audit page shows its masked
        # name (the row holds the person's id, never the number).
        key = phone_lookup_key(phone)
        target = User.objects.filter(person__phone_index=key).first() if key else None
        audit_record(
            verb="login.failed",
            outcome="fail",
            target=getattr(target, "person", None),
            data={"locked": bool(getattr(request, "axes_locked_out", False)), "known_account": target is not None},
        )
        return None
    return user  # type: ignore[return-value]


def session_start(request: HttpRequest, user: User, *, device: TOTPDevice | None = None) -> None:
    """Log the user in with a fresh session id and remember when (for the 12-hour limit)."""
    login(request, user, backend="mulin.accounts.backends.PhonePasswordBackend")
    if device is not None:
        otp_login(request, device)
    request.session[LOGIN_AT_KEY] = time.time()
    request.session[SECOND_FACTOR_KEY] = device is not None
    audit_record(
        actor_user=user,
        actor=getattr(user, "person", None),
        verb="login.succeeded",
        data={"second_factor": device is not None},
    )


def pending_sign_in_set(request: HttpRequest, user: User) -> None:
    request.session.cycle_key()
    request.session[PENDING_USER_KEY] = user.pk
    request.session[PENDING_AT_KEY] = time.time()


def pending_sign_in_get(request: HttpRequest) -> User | None:
    """The account that passed the password step in this session in the last five minutes."""
    user_id = request.session.get(PENDING_USER_KEY)
    started = request.session.get(PENDING_AT_KEY, 0)
    if not user_id or time.time() - float(started) > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def pending_sign_in_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_USER_KEY, None)
    request.session.pop(PENDING_AT_KEY, None)


def totp_device_confirmed(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_device_for_enrolment(user: User) -> TOTPDevice:
    """The unconfirmed device that a new staff member is setting up (created once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


def totp_verify(device: TOTPDevice, code: str) -> bool:
    """Check a code; django-otp throttles repeated failures on the device itself."""
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return False
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return False
    return bool(device.verify_token(code))


@transaction.atomic
def totp_confirm(device: TOTPDevice, code: str) -> bool:
    """Confirm a new authenticator with its first code. Never replaces a confirmed one: that
    needs the security administrator, or the password alone would unlock the account."""
    if device.confirmed or totp_device_confirmed(device.user) is not None:
        return False
    if not totp_verify(device, code):
        return False
    TOTPDevice.objects.filter(user=device.user, confirmed=False).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor_user=device.user, actor=getattr(device.user, "person", None), verb="mfa.enrolled")
    return True


def sessions_end_for_user(user: User, *, keep_session_key: str | None = None) -> int:
    """End every web session and API token of an account (except, optionally, the current one)."""
    sessions = UserSession.objects.filter(user_id=user.pk)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    ended, _detail = sessions.delete()
    AuthToken.objects.filter(user=user).delete()
    return ended


def password_change(request: HttpRequest, *, user: User, current_password: str, new_password: str) -> None:
    """Change a password after re-checking the current one (ASVS 7.5.1); apply the password
    policy; end every other session and every API token of the account."""
    if not user.check_password(current_password):
        # Audited outside the transaction below, so the refusal is kept.
        audit_record(
            actor_user=user, actor=getattr(user, "person", None), verb="password.change_refused", outcome="fail"
        )
        raise ValidationError({"current_password": _("Your current password is not correct.")})
    if new_password == current_password:
        raise ValidationError({"new_password": _("Choose a password different from the current one.")})
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "password_changed_at"])
        update_session_auth_hash(request, user)
        sessions_end_for_user(user, keep_session_key=request.session.session_key)
        audit_record(actor_user=user, actor=getattr(user, "person", None), verb="password.changed")


def api_token_limit() -> int:
    knox: dict[str, Any] = settings.REST_KNOX
    return int(knox["TOKEN_LIMIT_PER_USER"])


@transaction.atomic
def api_token_issue(user: User) -> dict[str, Any]:
    """Issue a token; at most TOKEN_LIMIT_PER_USER are valid at once per account.

    A sign-in beyond the limit succeeds and ends the oldest valid tokens (the phone that was
    lost or replaced), so that nobody is locked out of the API by tokens they cannot reach.
    The account row is locked first, so that concurrent sign-ins cannot both count the same
    free places (PostgreSQL; SQLite serialises writers anyway).
    """
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
    now = timezone.now()
    AuthToken.objects.filter(user=user, expiry__lte=now).delete()
    keep = api_token_limit() - 1
    valid = AuthToken.objects.filter(user=user).order_by("-created", "-pk").values_list("pk", flat=True)
    ended = list(valid[keep:]) if keep >= 0 else list(valid)
    if ended:
        AuthToken.objects.filter(pk__in=ended).delete()
        audit_record(
            actor_user=user, actor=getattr(user, "person", None), verb="api_token.ended", data={"count": len(ended)}
        )
    instance, token = AuthToken.objects.create(user=user)
    audit_record(actor_user=user, actor=getattr(user, "person", None), verb="api_token.issued")
    return {"token": token, "expiry": instance.expiry}


ONE_TIME_CODE_HOURS = 72
ONE_TIME_CODE_DIGITS = 8


@transaction.atomic
def one_time_code_issue(user: User) -> str:
    """Replace the account's password with a fresh one-time code (staff hand it over or it is
    texted); the person signs in with it within ONE_TIME_CODE_HOURS and must then choose a
    password. Every session and token of the account ends."""
    code = "".join(secrets.choice("0123456789") for _ in range(ONE_TIME_CODE_DIGITS))
    user.set_password(code)
    user.must_change_password = True
    user.one_time_code_until = timezone.now() + dt.timedelta(hours=ONE_TIME_CODE_HOURS)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "one_time_code_until", "password_changed_at"])
    sessions_end_for_user(user)
    return code


def password_set_after_code(request: HttpRequest, *, user: User, new_password: str, new_password_again: str) -> None:
    """Choose a password after signing in with a one-time code (no current password to type:
    the code was it). Applies the password policy; other sessions and tokens end."""
    if not user.must_change_password:
        raise ValidationError({"new_password": _("Your password does not need to be changed here.")})
    if new_password != new_password_again:
        raise ValidationError({"new_password_again": _("The two new passwords differ.")})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from None
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.one_time_code_until = None
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "one_time_code_until", "password_changed_at"])
        update_session_auth_hash(request, user)
        sessions_end_for_user(user, keep_session_key=request.session.session_key)
        audit_record(actor_user=user, actor=getattr(user, "person", None), verb="password.set_after_code")


def text_after_commit(phone: str, text: str) -> None:
    """Text a sign-in code once the surrounding transaction has committed (never from a
    rolled-back change). Codes are never stored in notifications, where the inbox would keep them."""
    transaction.on_commit(lambda: sms_backend().send(phone, text))
