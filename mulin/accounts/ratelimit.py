"""Per-address limits on sign-in (web login and API token).

django-axes locks an *account* after five failures (database-backed, 30 minutes), from whatever
addresses they came. An address is never locked that way: a street office or a carrier's shared
address sits in front of many people, and other people's failures must not lock out a right
password. Instead, two limits per address:

- `network_failure_check`: failed sign-ins from the address in the last hour
  (MULIN_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR, default 50, counted from axes' failure log); past
  it, sign-in from that address pauses with a message that says the *network* is limited. The
  security administrator sees such addresses beside the locked accounts and can lift the pause
  (`network_limit_lift_verb`: failures before the lift no longer count).
- `login_rate_check`, below: every attempt, in the cache.

The second counts every attempt, failed or not, per client address in fixed one-minute windows
(MULIN_LOGIN_RATE_PER_MINUTE, default 10): it slows password spraying across many accounts and
credential stuffing that axes' per-account counts see too late.

Fail closed: if the counter store (Redis in production) cannot be reached, sign-in answers 503
"please try again later" instead of letting attempts through uncounted, and only sign-in does —
every other page keeps working (SECURITY.md; reference/security.md §8 E1). The address is the
one axes uses (AXES_IPWARE_*: X-Forwarded-For only behind the configured proxies).
"""

from __future__ import annotations

import datetime as dt

from axes.helpers import get_client_ip_address
from axes.models import AccessFailureLog
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.exceptions import ServiceUnavailable
from mulin.core.models import AuditEvent
from mulin.core.ratelimit import CounterUnavailable, RateLimited, count_in_window

__all__ = ["NetworkLimited", "RateLimited", "login_rate_check", "network_failure_check"]

NETWORK_WINDOW = dt.timedelta(hours=1)
NETWORK_LIMIT_LIFTED = "login.network_limit_lifted"


class NetworkLimited(RateLimited):
    code = "network_limited"


def network_failure_limit() -> int:
    return int(getattr(settings, "MULIN_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR", 50))


def network_failures_since(address: str) -> dt.datetime:
    """Start of the address's counting window: an hour ago, or its last lift if later."""
    start = timezone.now() - NETWORK_WINDOW
    lifted = (
        AuditEvent.objects.filter(verb=NETWORK_LIMIT_LIFTED, created_at__gte=start, data__address=address)
        .order_by("-id")
        .values_list("created_at", flat=True)
        .first()
    )
    return max(start, lifted) if lifted else start


def network_failure_count(address: str) -> int:
    since = network_failures_since(address)
    return AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=since).count()


def network_limited_message() -> str:
    return _(
        "Too many failed sign-ins have come from your network in the last hour, so sign-in from "
        "this network is paused. Your account is not locked: try again later, or ask the street "
        "office to lift the pause."
    )


def network_failure_check(request: HttpRequest) -> None:
    """Raise NetworkLimited (429) when the request's address has reached its failure limit."""
    address = get_client_ip_address(request)
    if address and network_failure_count(address) >= network_failure_limit():
        raise NetworkLimited(network_limited_message())


def login_rate_check(request: HttpRequest) -> None:
    """Count one sign-in attempt from the request's address.

    Raise RateLimited (429) past the limit in the current minute, ServiceUnavailable (503) when
    the counter cannot be kept.
    """
    limit = int(getattr(settings, "MULIN_LOGIN_RATE_PER_MINUTE", 10))
    address = get_client_ip_address(request) or "unknown"
    try:
        count = count_in_window("login", address, window_seconds=60)
    except CounterUnavailable as exc:
        raise ServiceUnavailable(
            _("Sign-in is temporarily unavailable. Please try again in a few minutes."), code="unavailable"
        ) from exc
    if count > limit:
        raise RateLimited(_("Too many sign-in attempts from your network. Please wait a minute and try again."))
