"""Duty rosters in the browser. Thin: parse, call one selector or service, render; buttons are
shown by the same predicates the services enforce."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from mulin.rosters.selectors import my_duty


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


@require_safe
def my_duty_view(request: HttpRequest) -> HttpResponse:
    """My coming duty and what I served lately, sized for a phone."""
    person = _actor(request).person
    if person is None:
        raise PermissionDenied(_("This account is not linked to a person."))
    since = timezone.now() - dt.timedelta(days=14)
    return render(request, "rosters/my_duty.html", {"assignments": list(my_duty(person, start=since)[:100])})
