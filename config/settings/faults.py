"""Fault-injection tests (tests/faults): production's settings, served by gunicorn on loopback.
Needs production's environment (DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, MULIN_FIELD_KEYS_FILE);
the test harness sets it, with DATABASE_URL and REDIS_URL pointing at its own PostgreSQL and Redis.

What differs from production, and why: static files are looked up by the finders and stored
without a manifest, so that no `collectstatic` run is needed before each test session. Everything
that the faults exercise is production's: HTTPS-only cookies and the SSL redirect (the harness
sends X-Forwarded-Proto: https, as nginx does), database sessions, persistent connections with
health checks, the fail-soft Redis cache and the fail-closed sign-in rate limit, Celery on Redis.
"""

from config.settings.production import *  # noqa: F403

WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
