"""Putting a service's refusal on the form the person filled in, so the page shows each message
beside its field and keeps what they typed."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from mulin.core.exceptions import ApplicationError


def form_add_errors(form: forms.BaseForm, exc: ValidationError | ApplicationError) -> None:
    """Field errors go beside their fields (errors for fields the form lacks go on top); an
    ApplicationError's message goes on top and its `extra` beside the fields it names."""
    if isinstance(exc, ApplicationError):
        form.add_error(None, exc.message)
        errors = {name: messages for name, messages in exc.extra.items() if name in form.fields}
    elif hasattr(exc, "error_dict"):
        errors = exc.message_dict
    else:
        errors = {"__all__": exc.messages}
    for name, messages in errors.items():
        form.add_error(name if name in form.fields else None, messages)
