"""Settings shared by every environment; values that differ come from the environment."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import cache_settings, env_bool, env_int, env_list, env_rate, env_str
from config.security import content_security_policy

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = BASE_DIR / "data"

DEBUG = env_bool("DEBUG", False)
# Development default only; production.py refuses to start without a real one.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    # Serves Swagger UI from static files (no CDN, no inline script): the CSP stays strict.
    "ninja",
    "csp",
    "maillage.core",
    "maillage.territory",
    "maillage.directory",
    "maillage.opendata",
    # Before allauth, so that its templates override allauth's.
    "maillage.membership",
    "maillage.catalogue",
    "allauth",
    "allauth.account",
]

MIDDLEWARE = [
    "maillage.core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "maillage.core.middleware.RequestSizeLimitMiddleware",
    "maillage.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "maillage.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "maillage.core.middleware.RateLimitedMiddleware",
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
                "maillage.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the server read while a loader writes; a busy timeout avoids "database is locked".
    # IMMEDIATE: a write transaction takes the lock when it begins, so concurrent writers wait
    # for the busy timeout instead of failing when a read transaction upgrades (load test: 500s).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
# Read replica: read-only queries outside transactions go there (maillage.core.db_router).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["maillage.core.db_router.ReplicaRouter"] if DATABASE_REPLICA_URL else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts (django-allauth): sign-in by e-mail, an e-mail must be verified before the first sign-in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Maillage] "
# Per IP and per key (the e-mail typed): slows password guessing and mass sign-ups.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "reset_password": "20/h/ip,5/h/key",
    "confirm_email": "1/3m/key",
}
# allauth reads the client's address through our one function (behind the proxy: the header).
ACCOUNT_ADAPTER = "maillage.membership.adapter.AccountAdapter"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "membership:account"
ACCOUNT_LOGOUT_REDIRECT_URL = "directory:home"
# Absolute links in e-mails sent outside a request (reminders, notifications).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Maillage <ne-pas-repondre@maillage.localhost>")

# Freshness (A6): how long a profile stays valid, and how long an expired one stays public.
PROFILE_VALIDITY_DAYS = env_int("PROFILE_VALIDITY_DAYS", 365)
PROFILE_GRACE_DAYS = env_int("PROFILE_GRACE_DAYS", 90)
# Participatory validation (C2): days the colleges have to vote, and the share of "pour" among
# the votes for and against that an application needs (abstentions do not count).
VALIDATION_REVIEW_DAYS = env_int("VALIDATION_REVIEW_DAYS", 30)
VALIDATION_APPROVAL_PERCENT = env_int("VALIDATION_APPROVAL_PERCENT", 50)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# One cache for every worker: rate-limit counters and the search cache's directory version must
# be shared. CACHE_URL (REDIS_URL is the older name); without it, a per-process memory cache
# (development, tests: one process).
CACHE_URL = env_str("CACHE_URL", "") or env_str("REDIS_URL", "")
REDIS_URL = CACHE_URL
CACHES = {"default": cache_settings(CACHE_URL)}

# Counts, facets and geography of searches from numpy arrays held by each worker (about 100 MB
# at 1M organisations), rebuilt in a thread after writes: "background", "sync" (tests) or "off".
DIRECTORY_MEMORY_INDEX = env_str("DIRECTORY_MEMORY_INDEX", "background")
if DIRECTORY_MEMORY_INDEX not in ("background", "sync", "off"):
    raise ImproperlyConfigured("DIRECTORY_MEMORY_INDEX must be background, sync or off.")
# The open offers and needs as arrays for matching (catalogue/match_index.py, at most 55 MB at
# 200,000 listings), kept the same way; follows the directory's setting unless told otherwise.
MATCHING_MEMORY_INDEX = env_str("MATCHING_MEMORY_INDEX", DIRECTORY_MEMORY_INDEX)
if MATCHING_MEMORY_INDEX not in ("background", "sync", "off"):
    raise ImproperlyConfigured("MATCHING_MEMORY_INDEX must be background, sync or off.")

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Map tiles: a URL template and its attribution. The pages stay usable when tiles cannot load.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)

# Where `manage.py backup` (make backup) writes, unless told otherwise.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "backups")))

# Request bodies: forms and JSON stay small; uploads (imports) have their own, larger limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
# The largest file an importer accepts (bytes); bigger ones are refused before being read.
MAX_UPLOAD_SIZE = env_int("MAX_UPLOAD_SIZE", 20 * 1024 * 1024)
# Imported files are read in a child process under these limits (docs/opendata.md): a hostile
# file kills the child, never the web server or the task worker. The preview also has a
# wall-clock limit; a run whose row has not moved for IMPORT_STALE_MINUTES is marked failed.
IMPORT_MEMORY_MB = env_int("IMPORT_MEMORY_MB", 2048)
IMPORT_CPU_SECONDS = env_int("IMPORT_CPU_SECONDS", 3600)
IMPORT_PREVIEW_SECONDS = env_int("IMPORT_PREVIEW_SECONDS", 30)
IMPORT_STALE_MINUTES = env_int("IMPORT_STALE_MINUTES", 60)

# Rate limits (maillage/core/ratelimit.py lists which action uses which). API writes per person
# (token or session); heavy reads (exports) per anonymous address, ten times that per account.
API_WRITE_RATE = env_rate("API_WRITE_RATE", "60/m")
API_HEAVY_READ_RATE = env_rate("API_HEAVY_READ_RATE", "20/h")
# Per address: public needs reports, CSP reports. Per account: contact messages and creations.
NEED_REPORT_RATE = env_rate("NEED_REPORT_RATE", "5/h")
CSP_REPORT_RATE = env_rate("CSP_REPORT_RATE", "60/m")
CONTACT_RATE = env_rate("CONTACT_RATE", "10/h")
ORGANISATION_CREATION_RATE = env_rate("ORGANISATION_CREATION_RATE", "5/d")
LISTING_CREATION_RATE = env_rate("LISTING_CREATION_RATE", "30/d")
SUGGESTION_CREATION_RATE = env_rate("SUGGESTION_CREATION_RATE", "20/d")

# Behind a reverse proxy: the header it sets to the visitor's address (X-Real-IP). Every rate
# limit reads the address through maillage.core.ratelimit.client_address, allauth's included.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "")

# Strict Content Security Policy everywhere (development included, so violations show early):
# scripts and styles only from our static files; map tiles from MAP_TILE_URL's host.
CONTENT_SECURITY_POLICY = content_security_policy(MAP_TILE_URL)

# Logs: one JSON object per line in production (LOG_FORMAT=json), with the request id.
LOG_FORMAT = env_str("LOG_FORMAT", "text")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "maillage.core.observability.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # One line per request from our middleware is enough; Django's own would repeat 4xx.
        "django.request": {"level": "ERROR"},
    },
}
