"""Rotating QR codes for on-site check-in (activities, duty shifts, roundtable meetings).

The organiser's phone shows a code that changes every `WINDOW_SECONDS`; whoever scans it proves
they stood in front of it a moment ago, so a photo sent home is useless a minute later. A code is a
signed token (django.core.signing, keyed by SECRET_KEY) that names a purpose, an object and a time
window; it is accepted in its own window and in the one before (`GRACE_WINDOWS`), which covers the
seconds between the phone refreshing and the scan arriving. Nothing is stored: any app server
checks a code the same way.

A scan that has to pass a sign-in first cannot finish inside a minute, so a fresh code can be
exchanged for a *ticket* — the same kind of signed token, bound to the same purpose and object,
valid for `TICKET_SECONDS` — which the sign-in carries back to the check-in page.

    token = qr_token("activities.checkin", activity.pk)            # shown as a QR code, rotates
    qr_token_check(token, purpose="activities.checkin", object_id=activity.pk)   # raises if stale
"""

from __future__ import annotations

import time

import segno
from django.core import signing
from django.utils.translation import gettext as _

from mulin.core.exceptions import ApplicationError

WINDOW_SECONDS = 30
GRACE_WINDOWS = 1  # previous windows still accepted
TICKET_SECONDS = 10 * 60


class QrCodeRefused(ApplicationError):
    """A scanned code or ticket is stale, forged or meant for something else (HTTP 400)."""

    code = "qr_refused"


def _window(now: float | None) -> int:
    return int((time.time() if now is None else now) // WINDOW_SECONDS)


def _signer(purpose: str) -> signing.Signer:
    # The purpose is the salt: a code for a duty shift never opens an activity's check-in.
    return signing.Signer(salt=f"mulin.qrcodes.{purpose}")


def qr_token(purpose: str, object_id: int, *, now: float | None = None) -> str:
    """The code to show now for `object_id` under `purpose` (URL-safe, about 60 characters)."""
    return _signer(purpose).sign(f"{int(object_id)}.{_window(now)}")


def qr_seconds_left(*, now: float | None = None) -> int:
    """Seconds until the code shown now is replaced (for the organiser's page to refresh)."""
    moment = time.time() if now is None else now
    return max(1, int(WINDOW_SECONDS - moment % WINDOW_SECONDS))


def _unsign(signer: signing.Signer, token: str, **kwargs: object) -> str:
    if not isinstance(token, str) or not token or len(token) > 200:
        raise QrCodeRefused(_("This is not a check-in code of ours."))
    try:
        return signer.unsign(token, **kwargs)  # type: ignore[arg-type]
    except signing.SignatureExpired:
        raise QrCodeRefused(
            _("This check-in code has expired. Scan the code on the organiser's phone again."), code="qr_expired"
        ) from None
    except signing.BadSignature:
        raise QrCodeRefused(_("This is not a check-in code of ours.")) from None


def _split(value: str) -> tuple[int, int]:
    object_part, _sep, number = value.partition(".")
    if not object_part.isdigit() or not number.isdigit():
        raise QrCodeRefused(_("This is not a check-in code of ours."))
    return int(object_part), int(number)


def qr_token_check(token: str, *, purpose: str, object_id: int, now: float | None = None) -> None:
    """Accept a scanned code for `object_id` under `purpose`, or raise QrCodeRefused: forged or
    damaged, meant for another object or purpose, or older than its window and the grace window."""
    scanned_object, window = _split(_unsign(_signer(purpose), token))
    if scanned_object != int(object_id):
        raise QrCodeRefused(_("This check-in code belongs to something else."), code="qr_wrong_object")
    current = _window(now)
    if not current - GRACE_WINDOWS <= window <= current:
        raise QrCodeRefused(
            _("This check-in code has expired. Scan the code on the organiser's phone again."), code="qr_expired"
        )


def qr_ticket(token: str, *, purpose: str, object_id: int, now: float | None = None) -> str:
    """Exchange a fresh code for a ticket that stays good for TICKET_SECONDS (to survive a sign-in)."""
    qr_token_check(token, purpose=purpose, object_id=object_id, now=now)
    return signing.TimestampSigner(salt=f"mulin.qrcodes.ticket.{purpose}").sign(f"{int(object_id)}.0")


def qr_ticket_check(ticket: str, *, purpose: str, object_id: int) -> None:
    """Accept a ticket from `qr_ticket`, or raise QrCodeRefused (forged, other object, too old)."""
    signer = signing.TimestampSigner(salt=f"mulin.qrcodes.ticket.{purpose}")
    scanned_object, _zero = _split(_unsign(signer, ticket, max_age=TICKET_SECONDS))
    if scanned_object != int(object_id):
        raise QrCodeRefused(_("This check-in code belongs to something else."), code="qr_wrong_object")


def qr_svg_data_uri(data: str, *, scale: int = 6) -> str:
    """`data` as a QR code in an SVG data URI, for an <img> (the CSP allows data: images only)."""
    return segno.make(data, error="m").svg_data_uri(scale=scale, border=2)
