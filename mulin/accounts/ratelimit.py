"""A per-address limit on sign-in attempts (web login and API token), kept in the cache.

django-axes locks an account or an address after five *failures* (database-backed, 30 minutes).
This limit counts every attempt, failed or not, per client address in fixed one-minute windows
(MULIN_LOGIN_RATE_PER_MINUTE, default 10): it slows password spraying across many accounts and
credential stuffing that axes' per-account counts see too late.

Fail closed: if the counter store (Redis in production) cannot be reached, sign-in answers 503
"please try again later" instead of letting attempts through uncounted, and only sign-in does —
every other page keeps working (SECURITY.md; reference/security.md §8 E1). The address is the
one axes uses (AXES_IPWARE_*: X-Forwarded-For only behind the configured proxies).
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mulin.core.exceptions import ServiceUnavailable
from mulin.core.ratelimit import CounterUnavailable, RateLimited, count_in_window

__all__ = ["RateLimited", "login_rate_check"]


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
