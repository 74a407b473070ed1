"""Form pieces every module uses: a service's refusal put on the form the person filled in (each
message beside its field, what they typed kept), and the field for one to three evidence photos."""

from __future__ import annotations

from typing import Any

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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several JPEG/PNG files in one input; each is checked by the photo pipeline in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultiplePhotoField, self).clean(item, initial) for item in files if item]
