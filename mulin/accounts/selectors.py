"""Reads about accounts: active lockouts for the security administrator."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone


def lockout_list_active() -> QuerySet[AccessAttempt]:
    """Accounts and addresses locked right now (five failures within the cool-off period)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).order_by("-attempt_time")
