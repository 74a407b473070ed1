"""Reads about accounts: active lockouts for the security administrator."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone


def lockout_list_active() -> QuerySet[AccessAttempt]:
    """Failed-attempt records behind every lockout in force now, newest first.

    Axes locks an account when its attempts from all addresses add up to the limit, and an
    address when its attempts for all accounts do, so no single record need reach the limit.
    """
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    limit = settings.AXES_FAILURE_LIMIT
    locked_accounts = (
        recent.values("username")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=limit)
        .values("username")
    )
    locked_addresses = (
        recent.values("ip_address")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=limit)
        .values("ip_address")
    )
    return recent.filter(Q(username__in=locked_accounts) | Q(ip_address__in=locked_addresses)).order_by(
        "-attempt_time", "-id"
    )
