"""Reads about accounts: active lockouts and paused networks for the security administrator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from mulin.accounts.ratelimit import NETWORK_WINDOW, network_failure_count, network_failure_limit


def lockout_list_active() -> QuerySet[AccessAttempt]:
    """Failed-attempt records behind every account lockout in force now, newest first.

    Axes locks an account when its attempts from all addresses add up to the limit, so no single
    record need reach the limit. Addresses are never locked (see `network_limits_active`).
    """
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    locked_accounts = (
        recent.values("username")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=settings.AXES_FAILURE_LIMIT)
        .values("username")
    )
    return recent.filter(username__in=locked_accounts).order_by("-attempt_time", "-id")


@dataclass(frozen=True)
class NetworkLimit:
    address: str
    failures: int
    last_failure: dt.datetime


def network_limits_active() -> list[NetworkLimit]:
    """Addresses whose failed sign-ins in the last hour (since any lift) reached the limit."""
    limit = network_failure_limit()
    candidates = (
        AccessFailureLog.objects.filter(attempt_time__gte=timezone.now() - NETWORK_WINDOW)
        .values("ip_address")
        .annotate(total=Count("id"), last=Max("attempt_time"))
        .filter(total__gte=limit)
        .order_by("-last")[:100]
    )
    rows = []
    for row in candidates:
        count = network_failure_count(row["ip_address"])  # after the last lift, if any
        if count >= limit:
            rows.append(NetworkLimit(address=row["ip_address"], failures=count, last_failure=row["last"]))
    return rows
