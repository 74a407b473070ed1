"""Small helpers the roster services share: audit rows, notifications after commit, text input."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.audit import audit_record
from mulin.notifications.services import notification_send
from mulin.organizations.models import Person
from mulin.organizations.scoping import Actor
from mulin.rosters.models import Shift

M = "rosters"  # audit verb prefix


def audit(verb: str, actor: Actor | None, target: models.Model, scope_path: str, **data: Any) -> None:
    audit_record(
        verb=f"{M}.{verb}",
        actor=actor.person if actor is not None else None,
        target=target,
        scope_path=scope_path,
        data=data,
    )


def shift_params(shift: Shift) -> dict[str, str]:
    """What a notification may say about a shift: the point and the time, nothing personal."""
    local = timezone.localtime(shift.starts_at)
    return {
        "point": shift.point.name,
        "date": local.strftime("%Y-%m-%d"),
        "time": f"{local:%H:%M}–{timezone.localtime(shift.ends_at):%H:%M}",
    }


def notify(kind: str, recipients: Iterable[Person | None], shift: Shift, **params: Any) -> None:
    notification_send(
        kind=kind,
        recipients=[p for p in recipients if p is not None],
        params={**shift_params(shift), **params},
        url=reverse("rosters:mine"),
    )


def clean_text(value: str | None, *, field: str, max_length: int, required: bool = False, message: str = "") -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: [message]})
    if len(text) > max_length:
        raise ValidationError(
            {field: [_("Use at most %(max)s characters (this has %(n)s).") % {"max": max_length, "n": len(text)}]}
        )
    return text
