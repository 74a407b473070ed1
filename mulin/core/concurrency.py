"""Optimistic concurrency for edit forms: no lost update when two people edit one record.

An edit form carries the record's version (its `updated_at`, as text) from when the page was
shown. The service locks the row, compares, and refuses with 409 if someone saved in between,
instead of silently overwriting their change with the older form's values (ADR 0009).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from mulin.core.exceptions import ApplicationError, StateConflict

FORM_FIELD = "version"


def version_token(instance: Any) -> str:
    """The version a form carries: the row's last-saved time to the microsecond."""
    return instance.updated_at.isoformat(timespec="microseconds")


def parse_version(token: str | None) -> dt.datetime | None:
    """A version token from a form or request; None when absent, 400 when not one of ours."""
    if not token:
        return None
    try:
        return dt.datetime.fromisoformat(token)
    except ValueError:
        raise ApplicationError(_("The form is damaged; reload the page and try again."), code="bad_version") from None


def ensure_unchanged(instance: models.Model, expected: dt.datetime | None) -> None:
    """Lock `instance`'s row for the rest of the transaction and refuse (409) if it was saved
    since `expected`. Call inside the service's transaction, before writing; no-op if
    `expected` is None (callers that do not track versions)."""
    if expected is None:
        return
    model = type(instance)
    current = model._default_manager.select_for_update().filter(pk=instance.pk).values_list("updated_at", flat=True)
    saved = current.first()
    if saved is None or saved != expected:
        raise StateConflict(
            _(
                "Someone else changed this since you opened it. Reload the page to see their changes, "
                "then make yours again."
            ),
            code="edit_conflict",
        )
