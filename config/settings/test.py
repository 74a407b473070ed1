"""Tests: fast hashing, in-memory mail, every background task in-process."""

import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MULIN_SMS_BACKEND = "mulin.notifications.sms.MemorySmsBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Every test client signs in from 127.0.0.1; tests that sign in many accounts would trip the
# production limit of 10 a minute. The limit's own tests set it (tests/security/test_sec_rate_limit.py).
MULIN_LOGIN_RATE_PER_MINUTE = 1000
MULIN_TASKS_IN_PROCESS = True
MULIN_TASKS_RAISE = True
MULIN_FRAGMENTS_CHECK = True  # every {% fragment %} rendered again and compared with its kept markup
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
MULIN_DEMO = False
# Records from INFO up are created so that the log scan (mulin/core/tests/pii_log_scan.py) sees
# them; the console prints warnings and errors only.
LOGGING["root"] = {"handlers": ["console"], "level": "INFO"}  # type: ignore[index]
LOGGING["handlers"]["console"]["level"] = "WARNING"  # type: ignore[index]
MULIN_AUDIT_DB_GUARD = False  # tests flush tables; test_audit_guard installs the triggers itself
# Uploads written by tests (wish photos, demo photos) never land in the shared var/media.
MEDIA_ROOT = str(Path(tempfile.gettempdir()) / "mulin-test-media")
# WhiteNoise would index every static file for each test client; look them up per request instead.
WHITENOISE_AUTOREFRESH = True
# Unit tests read the English msgids; the product default (zh-hans, config.settings.base) is
# checked by its own tests, and browser tests ask for Chinese as a phone in China would.
LANGUAGE_CODE = "en"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Tests need no durability: not waiting for each commit to reach the disk speeds up every test
    # that commits (transactional tests, live servers, the races). This connection's setting only.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
