"""Settings for every environment. Differences come from environment variables;
production.py only adds hardening that must not depend on them."""

from __future__ import annotations

from datetime import timedelta

import dj_database_url

from config.env import (
    BASE_DIR,
    data_dir,
    env_bool,
    env_int,
    env_list,
    env_str,
    local_secret,
    new_field_keyring,
    new_secret_key,
)

DATA_DIR = data_dir()
DEBUG = env_bool("DJANGO_DEBUG", False)
# Demo mode: the demo street's accounts may log in without a second factor and the UI says so.
MULIN_DEMO = env_bool("MULIN_DEMO", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY") or local_secret("secret_key", new_secret_key)
# Field-encryption keys live in their own file, never derived from SECRET_KEY (SECURITY.md).
MULIN_FIELD_KEYS_FILE = env_str("MULIN_FIELD_KEYS_FILE") or str(DATA_DIR / "field_keys.json")
if not env_str("MULIN_FIELD_KEYS_FILE"):
    local_secret("field_keys.json", new_field_keyring)

# The key that encrypts backups (manage.py backup --create-key makes one); never the field keys.
MULIN_BACKUP_KEY_FILE = env_str("MULIN_BACKUP_KEY_FILE") or str(DATA_DIR / "backup_key.json")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "mulin.accounts.apps.MulinAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "csp",
    "axes",
    "mulin.core",
    "mulin.accounts",
    "mulin.organizations",
    "mulin.notifications",
    "mulin.points",
    "mulin.wishes",
    "mulin.rosters",
    "mulin.workorders",
    "mulin.patrols",
    "mulin.roundtable",
    "mulin.stations",
    "mulin.activities",
    "mulin.health",
    "mulin.web",
    "mulin.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mulin.core.middleware.RequestIdMiddleware",
    "mulin.core.middleware.IdRangeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "mulin.core.middleware.NulCharacterMiddleware",  # after LocaleMiddleware: its answer is translated
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before SessionLifetimeMiddleware, which tells a user why their session ended.
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "mulin.accounts.middleware.SessionLifetimeMiddleware",
    "mulin.accounts.middleware.LoginRequiredExceptApiMiddleware",
    "mulin.organizations.middleware.ActorMiddleware",
    # Refused and not-found object requests of signed-in people into the audit log (hourly, deduplicated).
    "mulin.core.middleware.AccessRefusalAuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mulin.web.middleware.DisplayPreferencesMiddleware",
    "mulin.core.middleware.SensitivePageCacheMiddleware",
    # Axes must come last so that it sees the final response of a lockout.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "mulin.web.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers continue while one writer commits; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue instead of failing with "database is locked" mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60)
    # Without health checks the first request per worker fails after a PostgreSQL restart.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Kept template fragments (web/templatetags/mulin_fragments.py): the test settings render each
# body again and compare, so a key that misses something the body shows fails a test.
MULIN_FRAGMENTS_CHECK = False

# --- Cache, background work -------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    _REDIS_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    CACHES = {
        # Pages keep working while Redis is down: reads miss, writes are dropped (core/cache.py).
        "default": {"BACKEND": "mulin.core.cache.FailSoftRedisCache", "LOCATION": REDIS_URL, "OPTIONS": _REDIS_OPTIONS},
        # The sign-in rate limit must fail closed instead (accounts/ratelimit.py): errors raise.
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": _REDIS_OPTIONS,
        },
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without Redis every queued task runs in-process right after the transaction commits.
MULIN_TASKS_IN_PROCESS = not REDIS_URL
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# Periodic jobs are declared in code with mulin.core.schedule.periodic and added by config/celery.py.
CELERY_BEAT_SCHEDULE = {
    "dispatch-queued-tasks": {"task": "mulin.core.dispatch_pending", "schedule": 60.0},
}

# --- Authentication and sessions ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked accounts and addresses before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "mulin.accounts.backends.PhonePasswordBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "mulin.accounts.validators.CharacterClassValidator"},
    {"NAME": "mulin.accounts.validators.LocalWordValidator"},
]
PASSWORD_RESET_TIMEOUT = 15 * 60

SESSION_ENGINE = "mulin.accounts.sessions"
SESSION_COOKIE_AGE = 30 * 60  # idle timeout; SessionLifetimeMiddleware slides it (once a minute)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
MULIN_SESSION_ABSOLUTE_SECONDS = 12 * 3600

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
# Lock by account only: five failures of one account, from any address, lock it for 30 minutes.
# An address is never locked by axes (a street office or a carrier shares one); it has its own,
# much higher limit below (MULIN_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR, mulin/accounts/ratelimit.py).
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 warns that locking by username alone lets attackers rotate User-Agents or cookies to
# dodge the count. Ours keys on the phone's blind index only (lockout_key), so neither changes it;
# the per-address limit is deliberately not a lock (SECURITY.md "login").
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True  # the account's failures only (LockoutHandler)
AXES_HANDLER = "mulin.accounts.lockout.LockoutHandler"
AXES_USERNAME_FORM_FIELD = "phone"
AXES_USERNAME_CALLABLE = "mulin.accounts.lockout.lockout_key"
AXES_LOCKOUT_CALLABLE = "mulin.accounts.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Axes copies the POSTed form into AccessAttempt.post_data; blank what must not be stored there.
AXES_SENSITIVE_PARAMETERS = ["phone", "otp", "code", "current_password", "new_password", "new_password_again"]
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("MULIN_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if env_int("MULIN_PROXY_COUNT", 0) else ["REMOTE_ADDR"]
)

OTP_TOTP_ISSUER = "Mulin"
# Sign-in attempts (web login and API token), successful or not, per client address per minute.
MULIN_LOGIN_RATE_PER_MINUTE = env_int("MULIN_LOGIN_RATE_PER_MINUTE", 10)
# Failed sign-ins per client address in the last hour before sign-in from that network pauses:
# well above what a street office or a carrier's shared address produces (SECURITY.md "login").
MULIN_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR = env_int("MULIN_LOGIN_FAILURES_PER_ADDRESS_PER_HOUR", 50)
# Exports of people (masked or full) per account per hour (reference/security.md V5).
MULIN_EXPORT_RATE_PER_HOUR = env_int("MULIN_EXPORT_RATE_PER_HOUR", 10)
# Registrations per account per hour whose number is already held by someone outside the caller's
# scope (sent to the street to merge); past it, every registration by that account waits an hour.
MULIN_DUPLICATE_REPORTS_PER_HOUR = env_int("MULIN_DUPLICATE_REPORTS_PER_HOUR", 5)

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "mulin_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# --- Static and uploaded files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start when it is missing (collectstatic fills it)
STATICFILES_DIRS = [
    ("mulin", BASE_DIR / "frontend" / "src"),
    # Third-party browser libraries come from npm (frontend/package-lock.json), never copied in.
    ("vendor/htmx", BASE_DIR / "frontend" / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "frontend" / "node_modules" / "echarts" / "dist"),
    ("vendor/leaflet", BASE_DIR / "frontend" / "node_modules" / "leaflet" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env_str("MULIN_MEDIA_ROOT") or str(DATA_DIR / "media")
WHITENOISE_USE_FINDERS = env_bool("MULIN_STATIC_FROM_FINDERS", True)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# --- Security headers --------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- E-mail and SMS ----------------------------------------------------------------------------
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "mulin@localhost")
MULIN_SMS_BACKEND = env_str("MULIN_SMS_BACKEND", "mulin.notifications.sms.ConsoleSmsBackend")

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # DRF defaults to AllowAny and Basic auth; both are replaced (SECURITY.md).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["mulin.core.parsers.JSONParser", "mulin.core.parsers.MultiPartParser"],
    "DEFAULT_SCHEMA_CLASS": "mulin.core.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "mulin.core.api.CursorPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "mulin.core.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_TTL": timedelta(hours=12),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 10,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mulin API",
    "DESCRIPTION": "Mulin (睦邻) grassroots-governance platform, API v1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Honest for generated clients, for every module at once (mulin/core/openapi.py): one media type
    # per request body, declared error statuses, no "" default a field refuses, decimal patterns.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mulin.core.openapi.postprocess_schema",
    ],
    # Choice sets whose field names other modules use too (status, resolution, channel).
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "mulin.organizations.models.Role",
        "WishStatusEnum": "mulin.wishes.models.Wish.Status",
        "WorkOrderStatusEnum": "mulin.workorders.models.WorkOrder.Status",
        "WorkOrderResolutionEnum": "mulin.workorders.models.WorkOrder.Resolution",
        "WorkOrderChannelEnum": "mulin.workorders.models.WorkOrder.Channel",
        "SegmentClaimRoleEnum": "mulin.patrols.models.SegmentClaim.Role",
        "CampaignStatusEnum": "mulin.patrols.models.Campaign.Status",
        "TopicStatusEnum": "mulin.roundtable.models.Topic.Status",
        "TopicLevelEnum": "mulin.roundtable.models.Level",
        "TopicEventVerbEnum": "mulin.roundtable.models.TopicEvent.Verb",
        "RoundtableStatusEnum": "mulin.roundtable.models.Meeting.Status",
        "ParticipantCapacityEnum": "mulin.roundtable.models.Participant.Capacity",
        "DecisionStatusEnum": "mulin.roundtable.models.Decision.Status",
        "DecisionMethodEnum": "mulin.roundtable.models.Decision.Method",
        "DecisionBallotEnum": "mulin.roundtable.models.Decision.Ballot",
        "OrgUnitKindEnum": "mulin.organizations.models.OrgUnit.Kind",
        "RosterPeriodKindEnum": "mulin.rosters.models.RosterPeriod.Kind",
        "DutyRequestKindEnum": "mulin.rosters.models.DutyRequest.Kind",
        "SignupStatusEnum": "mulin.activities.models.Signup.Status",
        "ResponsibilityItemStatusEnum": "mulin.roundtable.models.ResponsibilityItem.Status",
    },
}

# --- Logging: personal data is masked before any handler sees it --------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "mulin.core.logging.MaskPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env_str("MULIN_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Mulin -------------------------------------------------------------------------------------
MULIN_AUDIT_RETENTION_DAYS = env_int("MULIN_AUDIT_RETENTION_DAYS", 365)
MULIN_IMPORT_MAX_BYTES = 10 * 1024 * 1024
MULIN_IMPORT_MAX_ROWS = 20_000
# Wish wall (docs/wishes.md): escalation ladder and claims one helper may hold at once; photo limits (any module).
MULIN_WISH_UNCLAIMED_ALERT_DAYS = env_int("MULIN_WISH_UNCLAIMED_ALERT_DAYS", 3)
MULIN_WISH_CLAIM_REMINDER_DAYS = env_int("MULIN_WISH_CLAIM_REMINDER_DAYS", 7)
MULIN_WISH_CLAIM_EXPIRY_DAYS = env_int("MULIN_WISH_CLAIM_EXPIRY_DAYS", 14)
MULIN_WISH_STAFF_CONFIRM_AFTER_DAYS = env_int("MULIN_WISH_STAFF_CONFIRM_AFTER_DAYS", 7)
MULIN_WISH_MAX_OPEN_CLAIMS = env_int("MULIN_WISH_MAX_OPEN_CLAIMS", 5)
MULIN_PHOTO_MAX_BYTES = 5 * 1024 * 1024
MULIN_PHOTO_MAX_PIXELS = 40_000_000
# Station map (docs/stations.md): no tiles by default (the street's outline and the points on a plain
# background); an intranet tile server's URL template ("https://tiles.example/{z}/{x}/{y}.png") adds them.
MULIN_MAP_TILE_URL = env_str("MULIN_MAP_TILE_URL")
MULIN_MAP_TILE_ATTRIBUTION = env_str("MULIN_MAP_TILE_ATTRIBUTION")
# Work orders (docs/workorders.md): the reporter may reopen a closed order for this many days; an
# overdue order is escalated to the street this many days after its deadline.
MULIN_WORKORDER_REOPEN_DAYS = env_int("MULIN_WORKORDER_REOPEN_DAYS", 30)
MULIN_WORKORDER_ESCALATE_AFTER_DAYS = env_int("MULIN_WORKORDER_ESCALATE_AFTER_DAYS", 3)
