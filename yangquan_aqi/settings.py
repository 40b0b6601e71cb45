"""Settings for the Yangquan heavy-air-pollution command system (阳泉市重污染天气应急指挥系统).

Everything that differs between a laptop and production comes from environment variables.
With none set, the product runs on the *embedded default*: a SQLite file in the project,
Celery tasks executed eagerly in-process, a local-memory cache and console transports.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- Core: a missing SECRET_KEY means the embedded default (a laptop or a demo). ---------------
_SECRET_KEY = os.environ.get("SECRET_KEY", "")
EMBEDDED = not _SECRET_KEY
if EMBEDDED:
    # Only ever used on a developer's machine; production must set SECRET_KEY.
    SECRET_KEY = "embedded-default-insecure-key-for-laptops-and-demos-only-0123456789"  # noqa: S105
else:
    SECRET_KEY = _SECRET_KEY
DEBUG = env_bool("DEBUG", EMBEDDED)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "axes",
    "core",
    "accounts",
    "audit",
    "command",
    "forecasts",
    "alerts",
    "deadlines",
    "publication",
    "measures",
    "notifications",
    "response",
    "supervision",
    "reviews",
    "dashboard",
    "advisories",
    "counties",
    "upkeep",
    "guarantees",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.ClientAddressMiddleware",
    # AxesMiddleware should be the last middleware (django-axes documentation).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yangquan_aqi.urls"
WSGI_APPLICATION = "yangquan_aqi.wsgi.application"
ASGI_APPLICATION = "yangquan_aqi.asgi.application"

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
                "dashboard.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database: DATABASE_URL, else a SQLite file in the project. --------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
SQLITE_OPTIONS = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
if DATABASE_URL:
    # Persistent connections (60 s) checked before each request/task reuses them (CONN_HEALTH_CHECKS):
    # after a PostgreSQL restart the first use finds the old connection dead and opens a new one, so
    # web and worker recover without being restarted (benchmarks/faults.py, scenario pg-restart).
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    # Each driver takes its own keywords: libpq's connect_timeout makes sqlite3.connect() refuse to
    # open, so a sqlite:/// URL gets the embedded default's SQLite options instead.
    if DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis")):
        _db_options["connect_timeout"] = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
    elif DATABASES["default"]["ENGINE"].endswith(("sqlite3", "spatialite")):
        for _key, _value in SQLITE_OPTIONS.items():
            _db_options.setdefault(_key, _value)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker, result store and cache; absent → eager tasks and local memory. ------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache that answers as a miss instead of raising while Redis is down
            # (yangquan_aqi/cache.py): the public page and the approvals keep working in an outage.
            "BACKEND": "yangquan_aqi.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 2},
            "KEY_PREFIX": "yq",
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "yq"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Delivery guarantees (benchmarks/README.md, "Faults"), each chosen deliberately:
# - acks_late: a task is acknowledged after it ran, so a task whose worker died is delivered again
#   (every task is idempotent: outbox events are marked done, SMS rows are sent once by row lock).
# - reject_on_worker_lost: when a pool process dies mid-task (kill -9, OOM) the parent rejects the
#   message back to the queue at once, instead of acknowledging it as failed and losing it.
# - prefetch 1: a worker holds at most one message per process beyond those it runs, so a killed
#   worker strands as few as possible.
# - visibility_timeout: messages a worker had reserved when it died as a whole (kill -9 of the
#   parent) come back after this many seconds. It must exceed the longest task and the longest
#   countdown/ETA (else Redis hands the same message to a second worker while the first still runs
#   it): 3600 s covers big imports and the outbox's retry delays. Faster recovery does not depend on
#   it: the beat sweeps re-send queued SMS rows older than SMS_STALE_QUEUED_SECONDS and re-dispatch
#   outbox events left undone, so a stranded fan-out completes within about a minute.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "socket_connect_timeout": 1,
}
# Publishing while Redis is down fails fast (the outbox and the sweeps send it later) instead of
# holding the approver's request.
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_RESULT_EXPIRES = timedelta(days=1)
# Results are stored only for the tasks whose caller waits for one (core.tasks.ping says so): a
# task sent with results on subscribes to the Redis result store first, and while Redis is down
# that subscription retries for 20 s and then breaks the sending process ("the Celery application
# must be restarted") — the approval request and beat would hang on it.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "yangquan")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
HEARTBEAT_SECONDS = float(os.environ.get("HEARTBEAT_SECONDS", "60"))
OUTBOX_RETRY_AFTER_SECONDS = int(os.environ.get("OUTBOX_RETRY_AFTER_SECONDS", "30"))

# --- Auth, roles, lockout. ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
# Lock an account after repeated failures, and a browser (address + user agent) spraying many accounts.
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "user_agent"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Kept out of axes' failure records (the password field is left out by axes itself).
AXES_SENSITIVE_PARAMETERS = ["otp", "code"]

# --- Internationalisation: Chinese first, English switchable; Asia/Shanghai. -----------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files. ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Notifications. -----------------------------------------------------------------------------
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")  # console | file | http
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_FILE_DIR = Path(os.environ.get("SMS_FILE_DIR", BASE_DIR / "var" / "sms"))
if SMS_BACKEND not in {"console", "file", "http"}:
    raise ImproperlyConfigured(f"SMS_BACKEND must be console, file or http, not {SMS_BACKEND!r}")
if SMS_BACKEND == "http" and not SMS_GATEWAY_URL:
    raise ImproperlyConfigured("SMS_BACKEND=http needs SMS_GATEWAY_URL")
# Publication (publication/services.py, notifications/delivery.py): bounded retries with exponential
# backoff, a city-wide send rate (a token bucket in the cache), the gateway's timeout.
SMS_MAX_ATTEMPTS = int(os.environ.get("SMS_MAX_ATTEMPTS", "5"))
SMS_RETRY_BASE_SECONDS = int(os.environ.get("SMS_RETRY_BASE_SECONDS", "30"))
SMS_RATE_PER_SECOND = int(os.environ.get("SMS_RATE_PER_SECOND", "20"))  # gateway calls per second, city-wide
SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", "10"))
# Numbers per gateway call for one text (the batch form of notifications/transports.py); 1 = the
# one-message form, for gateways that do not take batches.
SMS_GATEWAY_BATCH = int(os.environ.get("SMS_GATEWAY_BATCH", "1"))
SMS_TASK_CHUNK = int(os.environ.get("SMS_TASK_CHUNK", "500"))  # deliveries per Celery task
SMS_STALE_QUEUED_SECONDS = int(os.environ.get("SMS_STALE_QUEUED_SECONDS", "120"))
SMS_SIGNATURE = os.environ.get("SMS_SIGNATURE", "【阳泉重污染应急】")
# Absolute links in SMS, the CAP feed and its alerts (no request at hand in a Celery task).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# CAP 1.2 sender code in the 14-digit form of GB/T 35965.1 (see alerts/cap.py).
CAP_SENDER_CODE = os.environ.get("CAP_SENDER_CODE", "14030041600000")
CAP_SENDER_NAME = os.environ.get("CAP_SENDER_NAME", "阳泉市重污染天气应急指挥部")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Demo accounts (interfaces.md §3) exist only on the embedded default unless explicitly allowed.
DEMO_ACCOUNTS_ALLOWED = env_bool("DEMO_ACCOUNTS", EMBEDDED and not DATABASE_URL)

# --- REST API. ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # The project's expiring, hashed tokens (accounts.ApiToken) first: a refused token answers 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.DenyUnlessDeclared"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "阳泉市重污染天气应急指挥系统 API",
    "DESCRIPTION": "Yangquan heavy-air-pollution emergency command system. Token: POST /api/v1/auth/token/ "
    "(valid API_TOKEN_HOURS; signing also needs the password and, where required, the TOTP code).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Swagger UI from the project's own static files: the machines have no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set shared by several apps (the warning levels, the response levels).
    "ENUM_NAME_OVERRIDES": {
        "WarningLevelEnum": "alerts.models.LevelChoices",
        "IssuedLevelEnum": ["yellow", "orange", "red"],
        "ResponseLevelEnum": "response.models.ResponseLevel",
        "CountyBodyKindEnum": "counties.models.BodyKind",
        "ExtraMeasureCategoryEnum": "counties.models.MeasureCategory",
        "EnforcementKindEnum": "supervision.models.EnforcementAction.Kind",
        "EnforcementStatusEnum": "supervision.models.EnforcementAction.Status",
        "TipOffChannelEnum": "supervision.models.TipOff.Channel",
        "TipOffStatusEnum": "supervision.models.TipOff.Status",
        "TipOffCategoryEnum": "supervision.models.TipOff.Category",
        "StaffTipOffChannelEnum": ["12369", "12345", "other"],
    },
}

# --- Security (manage.py check --deploy --fail-level WARNING passes with production variables). --
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Forecast imports (forecasts/imports.py): the inbox folder scanned every minute, upload limit. --
FORECAST_INBOX_DIR = Path(os.environ.get("FORECAST_INBOX_DIR", BASE_DIR / "var" / "inbox"))
FORECAST_MAX_UPLOAD_BYTES = int(os.environ.get("FORECAST_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))

# --- The plan's seasons and open tasks (warning-rules.md §9). ------------------------------------
# The heating season (采暖期): a consultation every day of it (forecasts.tasks.daily_consultation);
# "MM-DD:MM-DD", both days included, may run over the new year.
HEATING_SEASON = os.environ.get("HEATING_SEASON", "11-01:03-31").strip()
if not re.fullmatch(r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]):(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", HEATING_SEASON):
    raise ImproperlyConfigured(f"HEATING_SEASON must be MM-DD:MM-DD (e.g. 11-01:03-31), not {HEATING_SEASON!r}")
# Days after the response ends before the office is reminded of its summary and evaluation (附件6,
# 附件8); the plan sets no limit, so it is never escalated.
SUMMARY_REMIND_DAYS = int(os.environ.get("SUMMARY_REMIND_DAYS", "5"))
if SUMMARY_REMIND_DAYS < 1:
    raise ImproperlyConfigured("SUMMARY_REMIND_DAYS must be a whole number of days, at least 1")

# --- Daily-report attachments, inspection photos, public tip-offs (response/, supervision/). ----
RESPONSE_ATTACHMENT_MAX_BYTES = int(os.environ.get("RESPONSE_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
SUPERVISION_PHOTO_MAX_BYTES = int(os.environ.get("SUPERVISION_PHOTO_MAX_BYTES", str(8 * 1024 * 1024)))
TIPOFF_RATE_LIMIT = int(os.environ.get("TIPOFF_RATE_LIMIT", "5"))  # tip-offs per client address ...
TIPOFF_RATE_WINDOW_SECONDS = int(os.environ.get("TIPOFF_RATE_WINDOW_SECONDS", "3600"))  # ... per hour
TIPOFF_MIN_FILL_SECONDS = float(os.environ.get("TIPOFF_MIN_FILL_SECONDS", "3"))  # faster is a bot

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "celery.app.trace": {"level": "WARNING"}},
}

# Behind the nginx of docker-compose.yml the client address comes from X-Forwarded-For.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)


# --- Security block (issue items 5-6): second factor, session limits, upload limits. ------------
# Second factor (TOTP, django-otp) for the office, the leaders and the administrator
# (accounts/roles.py TWO_FACTOR_ROLES, accounts/twofactor.py). Always on in production: turning it
# off there is refused at start. On the embedded default it is off unless TWO_FACTOR_REQUIRED=1.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
_auth_mw = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE.insert(_auth_mw + 1, "django_otp.middleware.OTPMiddleware")
_messages_mw = MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware")
MIDDLEWARE[_messages_mw + 1 : _messages_mw + 1] = [
    "accounts.uploads.RequestSizeLimitMiddleware",  # refuses over-size bodies before they are read
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
]
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not EMBEDDED)
if not EMBEDDED and not TWO_FACTOR_REQUIRED:
    raise ImproperlyConfigured("TWO_FACTOR_REQUIRED cannot be turned off in production (SECRET_KEY is set).")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "阳泉重污染应急")
OTP_TOTP_THROTTLE_FACTOR = 1  # wrong codes: wait 1, 2, 4, 8 … seconds before the next try
OTP_FAILURE_LIMIT = int(os.environ.get("OTP_FAILURE_LIMIT", "5"))  # successive wrong codes → logged out
# Session limits (accounts/middleware.py): idle and absolute, both audited when they end a session.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT  # the stored session never outlives the absolute limit
# API tokens (accounts.ApiToken): they end like a session does, API_TOKEN_HOURS after issue (default:
# the session's absolute limit); the last use is written at most every API_TOKEN_TOUCH_SECONDS.
API_TOKEN_HOURS = int(os.environ.get("API_TOKEN_HOURS", os.environ.get("SESSION_ABSOLUTE_HOURS", "12")))
API_TOKEN_TOUCH_SECONDS = 60
# The API schema and docs, and the details of /healthz/, for anyone on the embedded default; in
# production (SECRET_KEY set) for signed-in staff only (anyone else gets the bare status of /healthz/).
PUBLIC_DIAGNOSTICS = EMBEDDED
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
