"""The API's body parsers: DRF's, refusing a NUL anywhere in what they parse.

PostgreSQL cannot store or even compare a text containing NUL: a NUL in any value (also one that is
only looked up, such as a category code) would end in a 500 there and pass on SQLite. DRF's
CharField refuses NUL, a related field's lookup does not; so every body is checked once, where it is
parsed. Kept apart from core.api because DRF reads these classes while `rest_framework.views` loads.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


def _refuse_nul(data: Any) -> None:
    if _holds_nul(data):
        raise exceptions.ParseError(_("The request contains a character that is not allowed."))


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _refuse_nul(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _refuse_nul({key: data.getlist(key) for key in data})
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_nul({key: parsed.data.getlist(key) for key in parsed.data})
        _refuse_nul([str(upload.name) for key in parsed.files for upload in parsed.files.getlist(key)])
        return parsed
