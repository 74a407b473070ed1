"""One record per request, however often the request arrives (ADR 0009).

A double click, a browser resubmitting a form, or a phone retrying a POST after a timeout
must not create a second wish or register a person twice. Clients name each logical request:

- API clients send an ``Idempotency-Key`` header (16–64 letters, digits, ``-`` or ``_``; a UUID
  will do) with a POST that creates something;
- web forms carry a hidden one-time ``idempotency_key`` field that the page generated.

`run_once` writes an `IdempotencyKey` row (unique per account and key) in the same transaction
as the work. Of two copies arriving together, the second's INSERT waits on the unique index
until the first commits, then fails; it then answers with what the first created (`replayed`).
If the first failed, its transaction rolled back together with the key, so a retry runs
afresh. A key reused with a different request is refused (409).

Core only: the caller says what was created; the view reloads it with its own permission
checks when replaying.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from mulin.core.exceptions import ApplicationError, StateConflict
from mulin.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Form fields that differ between two copies of the same submission.
_VOLATILE_FIELDS = frozenset({"csrfmiddlewaretoken", FORM_FIELD})

T = TypeVar("T", bound=models.Model)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What `run_once` did: `value` is the new record when the work ran now; on a replay it is
    None and `target_id` names the record the first copy created."""

    value: T | None
    target_type: str
    target_id: str
    replayed: bool


def new_form_key() -> str:
    """A fresh key for a form about to be shown."""
    return secrets.token_urlsafe(24)


def form_key_to_show(request: HttpRequest) -> str:
    """The one-time key for the form being shown: the one just posted (nothing was created with
    it, or the view would have redirected), else a fresh one."""
    try:
        return key_from_request(request) or new_form_key()
    except ApplicationError:
        return new_form_key()


def key_from_request(request: HttpRequest) -> str | None:
    """The key the client sent (header, else the form field), or None; 400 if malformed."""
    raw = request.headers.get(HEADER) or (request.POST.get(FORM_FIELD) if request.method == "POST" else None)
    if not raw:
        return None
    if not _KEY.fullmatch(raw):
        raise ApplicationError(
            _("The idempotency key must be 16 to 64 letters, digits, hyphens or underscores."),
            code="bad_idempotency_key",
        )
    return raw


def fingerprint(request: HttpRequest, data: Any) -> str:
    """A digest of the method, path and (parsed) body, for telling a retry from a different
    request sent under the same key. `data` is request.POST or DRF's request.data."""
    if isinstance(data, QueryDict):
        body: Any = {name: data.getlist(name) for name in sorted(data) if name not in _VOLATILE_FIELDS}
    else:
        body = data
    canonical = json.dumps(
        [request.method, request.path, body], sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def run_once(*, owner_id: int | None, key: str | None, fingerprint: str, work: Callable[[], T]) -> Outcome[T]:
    """Run `work` (which creates and returns one record) once per (owner, key).

    Without a key or an owner the work simply runs. With one, a second call with the same key
    returns the first call's record reference instead of running again; StateConflict (409)
    if the key was used for a different request.
    """
    if key is None or owner_id is None:
        value = work()
        return Outcome(value, value._meta.label_lower, str(value.pk), replayed=False)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(owner_id=owner_id, key=key, fingerprint=fingerprint)
        except IntegrityError:
            # The first copy has committed (the INSERT waited for it): answer with its result.
            previous = IdempotencyKey.objects.filter(owner_id=owner_id, key=key).first()
            if previous is None or not previous.target_id:
                raise StateConflict(
                    _("This request is still being processed; please wait a moment and reload."),
                    code="idempotency_in_progress",
                ) from None
            if previous.fingerprint != fingerprint:
                raise StateConflict(
                    _("This idempotency key was already used for a different request; use a new key."),
                    code="idempotency_key_reused",
                ) from None
            return Outcome(None, previous.target_type, previous.target_id, replayed=True)
        value = work()
        record.target_type, record.target_id = value._meta.label_lower, str(value.pk)
        record.save(update_fields=["target_type", "target_id"])
        return Outcome(value, record.target_type, record.target_id, replayed=False)
