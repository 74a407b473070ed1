"""View helpers every app's pages share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise

from mulin.core.concurrency import FORM_FIELD, parse_version
from mulin.core.exceptions import ApplicationError


def versioned_row_save(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[..., Any],
    saved: str | Promise,
    invalid: str | Promise,
    back: str,
    conflict_page: Callable[[int], HttpResponse],
) -> HttpResponse:
    """The POST of one row of a settings page edited in place (points rules, wish categories).

    The form carries the row's version (ADR 0009); `save(expected_version=…, **fields)` is the
    service. Saved: `saved` and back to the page. Refused: the reason, back to the page. Someone
    saved the row since the page was shown (409): `conflict_page(status)` shows theirs.
    """
    if not form.is_valid():
        messages.error(request, str(invalid))
        return redirect(back)
    fields = dict(form.cleaned_data)
    try:
        save(expected_version=parse_version(fields.pop(FORM_FIELD)), **fields)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return conflict_page(exc.status)
    else:
        messages.success(request, str(saved))
    return redirect(back)


PAGE_SIZE = 25


def keyset_before(request: HttpRequest) -> int | None:
    """The `?before=<id>` of a keyset-paged list (ids only; anything else, or a number past 64 bits,
    starts at the top)."""
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def keyset_page(request: HttpRequest, queryset: Any, *, size: int = PAGE_SIZE) -> tuple[list[Any], str]:
    """One page of a list ordered by id (newest first): its rows, and the query string of the next
    page ("" on the last one), keeping the request's filters. No COUNT, no OFFSET: page 1,000 costs
    what page 1 does. The selector applies `before=keyset_before(request)`."""
    rows = list(queryset[: size + 1])
    if len(rows) <= size:
        return rows, ""
    query = request.GET.copy()
    query["before"] = str(rows[size - 1].pk)
    return rows[:size], f"?{query.urlencode()}"
