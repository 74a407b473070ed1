"""Login identities. A login account belongs to exactly one Person (organizations.Person);
most people (residents who never log in) have no account at all."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_handle() -> str:
    return "u" + secrets.token_hex(8)


class UserManager(BaseUserManager["User"]):
    def create_user(self, handle: str | None = None, password: str | None = None, **extra: Any) -> User:
        user = self.model(handle=handle or new_handle(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, handle: str | None = None, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(handle, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login account. People log in with their mobile number, looked up through the
    person's blind index; `handle` is an opaque internal name that carries no personal data."""

    handle = models.CharField(_("handle"), max_length=32, unique=True, default=new_handle)
    is_active = models.BooleanField(_("active"), default=True)
    # Django admin access: only system administrators (set by the role services).
    is_staff = models.BooleanField(_("admin site access"), default=False)
    # Staff and administrators must pass a TOTP second factor (kept in step by role services).
    needs_second_factor = models.BooleanField(_("needs a second factor"), default=False)
    # Demo accounts skip the second factor, and only while settings.MULIN_DEMO is on.
    is_demo = models.BooleanField(_("demo account"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    # Set when staff create the account or reset its password with a one-time code: the code
    # signs in until `one_time_code_until`, once, and the person must then choose a password.
    must_change_password = models.BooleanField(_("must choose a new password"), default=False)
    one_time_code_until = models.DateTimeField(_("one-time code valid until"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "handle"
    REQUIRED_FIELDS = []  # type: ignore[misc]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.handle


class UserSession(AbstractBaseSession):
    """A database session that remembers its account, so that all of an account's sessions can
    be ended at once (password change, deactivation, administrator action)."""

    user_id = models.BigIntegerField(null=True, db_index=True)

    @classmethod
    def get_session_store_class(cls) -> Any:
        from mulin.accounts.sessions import SessionStore

        return SessionStore

    class Meta:
        verbose_name = _("session")


class SignInCode(models.Model):
    """A code texted to a registered mobile number: to choose a new password (forgot password)
    or, for residents, members and volunteers, to sign in without one (验证码登录).

    Only a keyed digest of the code is kept; the number appears only as its blind index.
    """

    class Purpose(models.TextChoices):
        PASSWORD_RESET = "password_reset", _("Choose a new password")
        SIGN_IN = "sign_in", _("Sign in")

    phone_index = models.CharField(max_length=32, db_index=True)
    purpose = models.CharField(max_length=16, choices=Purpose)
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("text-message code")
        indexes = [models.Index(fields=["phone_index", "purpose", "-created_at"], name="signincode_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.purpose} code {self.pk}"
