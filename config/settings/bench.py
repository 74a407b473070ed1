"""Benchmarks (tools/bench, docs/benchmarks.md): the production settings, relaxed only where a
loopback benchmark needs it. Needs production's environment (DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS, MULIN_FIELD_KEYS_FILE); `python -m tools.bench.run` sets it.

What differs from production, and why:
- ROOT_URLCONF adds the floor endpoints F1 and F3 (tools/bench/urls.py). They need a login and
  pass through every middleware like any page; they exist only under these settings.
- STATIC_ROOT may point into the bench data folder (MULIN_BENCH_STATIC_ROOT), so that
  `collectstatic` for production's manifest storage leaves the project's staticfiles/ alone.
- MULIN_BENCH_PROFILE=1 (the profiled pass only, never under load) puts a middleware in front
  of all others that counts queries and times the database and the whole request.
- MULIN_LOGIN_RATE_PER_MINUTE is raised: the limit counts sign-ins per client address, and all
  of the harness's personas sign in from 127.0.0.1 within seconds (real users come from many
  addresses). django-axes' lockout after failures is unchanged.

Everything else is production's: HTTPS-only cookies and the SSL redirect (the harness sends
X-Forwarded-Proto: https, as nginx does), HSTS, CSP, database sessions (the idle expiry slid at most once a minute),
django-axes, the 30-minute idle and 12-hour session limits, persistent database connections.
"""

from pathlib import Path

from config.env import env_bool, env_str
from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "tools.bench.urls"
MULIN_LOGIN_RATE_PER_MINUTE = 600
if env_str("MULIN_BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(env_str("MULIN_BENCH_STATIC_ROOT"))
if env_bool("MULIN_BENCH_PROFILE"):
    MIDDLEWARE = ["tools.bench.middleware.ProfileMiddleware", *MIDDLEWARE]
