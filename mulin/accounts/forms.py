from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "tel", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.request = request
        super().__init__(*args, **kwargs)


class TotpForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # Lazy: the rules are read in the language of each request, not the one active at import.
        help_text=lazy(lambda: " ".join(str(text) for text in password_validators_help_texts()), str)(),
    )
    new_password_again = forms.CharField(
        label=_("New password again"), strip=False, max_length=256, widget=forms.PasswordInput
    )

    def clean(self) -> dict:  # type: ignore[type-arg]
        cleaned = super().clean() or {}
        if cleaned.get("new_password") != cleaned.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return cleaned


class PasswordSetForm(forms.Form):
    """Choosing a password after signing in with a one-time code."""

    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        help_text=lazy(lambda: " ".join(str(text) for text in password_validators_help_texts()), str)(),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "tel", "autofocus": True}),
    )


class SmsCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from the text message"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class PasswordForgotResetForm(SmsCodeForm, PasswordSetForm):
    """The texted code and the new password, on one page."""
