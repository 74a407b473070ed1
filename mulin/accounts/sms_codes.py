"""Codes texted to a registered mobile number: "forgot password" for everyone, and signing in
without a password (验证码登录) for residents, members and volunteers. Staff keep their password
and second factor: no sign-in code is ever sent to an account that needs one.

Asking for a code answers the same whether or not the number is registered (nothing is sent
to an unknown number), and is limited per number and per network address. A code is six digits,
valid for ten minutes, used once, and dead after five wrong tries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mulin.accounts.backends import phone_lookup_key
from mulin.accounts.models import SignInCode, User
from mulin.accounts.services import sessions_end_for_user, text_after_commit
from mulin.core.audit import audit_record
from mulin.core.exceptions import ServiceUnavailable
from mulin.core.ratelimit import CounterUnavailable, RateLimited, count_in_window

Purpose = SignInCode.Purpose
CODE_DIGITS = 6
CODE_MINUTES = 10
MAX_ATTEMPTS = 5


def _digest(phone_index: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone_index}:{code}".encode(), hashlib.sha256).hexdigest()


def _limit(scope: str, subject: str, limit: int) -> None:
    try:
        count = count_in_window(scope, subject, window_seconds=3600)
    except CounterUnavailable as exc:
        raise ServiceUnavailable(
            _("Text messages cannot be sent just now. Please try again in a few minutes."), code="unavailable"
        ) from exc
    if count > limit:
        raise RateLimited(_("Too many codes have been asked for. Please wait an hour and try again."))


def _account_for(phone_index: str | None, purpose: str) -> User | None:
    if phone_index is None:
        return None
    user = User.objects.filter(person__phone_index=phone_index, is_active=True, person__is_active=True).first()
    if user is None or (purpose == Purpose.SIGN_IN and user.needs_second_factor):
        return None
    return user


@transaction.atomic
def sms_code_request(request: HttpRequest, *, phone: str, purpose: str) -> None:
    """Text a code to `phone` if it belongs to an account that may use it; otherwise do nothing.

    Callers answer the same in both cases ("if the number is registered, a code is on its way").
    Raise RateLimited past MULIN_SMS_CODES_PER_NUMBER (per number) or MULIN_SMS_CODES_PER_ADDRESS
    (per network address) an hour, ServiceUnavailable when the counters cannot be kept.
    """
    address = get_client_ip_address(request) or "unknown"
    _limit("sms-code-address", address, int(getattr(settings, "MULIN_SMS_CODES_PER_ADDRESS", 20)))
    phone_index = phone_lookup_key(phone)
    _limit("sms-code-number", phone_index or phone, int(getattr(settings, "MULIN_SMS_CODES_PER_NUMBER", 5)))
    user = _account_for(phone_index, purpose)
    if user is None or phone_index is None:
        return
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    now = timezone.now()
    SignInCode.objects.filter(phone_index=phone_index).delete()  # one live code per number
    SignInCode.objects.create(
        phone_index=phone_index,
        purpose=purpose,
        code_digest=_digest(phone_index, code),
        expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
    )
    person = user.person  # type: ignore[attr-defined]
    with translation.override(person.preferred_language):
        if purpose == Purpose.SIGN_IN:
            text = _("Your Mulin sign-in code is %(code)s (valid for %(minutes)s minutes). Do not tell anyone.")
        else:
            text = _(
                "Your Mulin code to choose a new password is %(code)s (valid for %(minutes)s minutes). "
                "Do not tell anyone."
            )
        text %= {"code": code, "minutes": CODE_MINUTES}
    text_after_commit(person.phone, text)
    audit_record(actor_user=user, actor=person, verb=f"sms_code.sent_{purpose}")


def sms_code_check(*, phone: str, purpose: str, code: str) -> User | None:
    """The account whose live code this is, marking the code used; None for an unknown number,
    a wrong, expired, used or worn-out code (every wrong try counts against the code)."""
    phone_index = phone_lookup_key(phone)
    code = (code or "").strip()
    if phone_index is None:
        return None
    now = timezone.now()
    live = (
        SignInCode.objects.filter(
            phone_index=phone_index,
            purpose=purpose,
            used_at__isnull=True,
            expires_at__gt=now,
            attempts__lt=MAX_ATTEMPTS,
        )
        .order_by("-created_at")
        .first()
    )
    if live is None:
        return None
    if not hmac.compare_digest(live.code_digest, _digest(phone_index, code)):
        SignInCode.objects.filter(pk=live.pk).update(attempts=F("attempts") + 1)
        return None
    # Conditional UPDATE: of two requests with the same code, exactly one uses it.
    if not SignInCode.objects.filter(pk=live.pk, used_at__isnull=True).update(used_at=now):
        return None
    return _account_for(phone_index, purpose)


def password_reset_by_code(*, phone: str, code: str, new_password: str, new_password_again: str) -> User:
    """Forgot password: a texted code and a new password. One answer for an unknown number and
    a wrong code. Every session and token of the account ends; a pending lockout is not lifted."""
    if new_password != new_password_again:
        raise ValidationError({"new_password_again": _("The two new passwords differ.")})
    try:
        validate_password(new_password)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from None
    user = sms_code_check(phone=phone, purpose=Purpose.PASSWORD_RESET, code=code)
    if user is None:
        raise ValidationError({"code": _("This code is not valid. Ask for a new one.")})
    try:
        validate_password(new_password, user)  # again, now that the account is known (similarity)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from None
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.one_time_code_until = None
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "one_time_code_until", "password_changed_at"])
        sessions_end_for_user(user)
        audit_record(actor_user=user, actor=getattr(user, "person", None), verb="password.reset_by_sms")
    return user
