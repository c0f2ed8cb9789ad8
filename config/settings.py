"""Callvault settings, read from the environment.

Local use needs nothing set: DEBUG is on and the database is an embedded PostgreSQL. With DEBUG off
(production), SECRET_KEY and ALLOWED_HOSTS must be given and the secure defaults apply.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.database import database_config, replica_configs

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "calls",
    "search",
    "uploads",
    "ops",
    "insight",
]

MIDDLEWARE = [
    # Outermost, so every response gets the policy, static files and error pages included.
    "config.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads (the session, the user): the whole request reads from one database.
    "config.routers.ReadReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before common: the language comes from the cookie, then Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so its process_exception sees a view's database errors first: a 503, not a 500.
    "config.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_config(BASE_DIR)}
# Read replicas (DATABASE_REPLICA_URLS): each request reads from one of them, writes go to "default"
# (config/routers.py, docs/scaling.md). None set: no router, everything on "default" as before.
DATABASES.update(replica_configs())
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"] if DATABASE_REPLICAS else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _memory_cache(location: str, entries_variable: str, default: int) -> dict:
    """A per-process cache of at most `entries_variable` entries; 0 turns it off (every request
    computes its results, as the benchmarks' first requests do)."""
    entries = int(os.environ.get(entries_variable, default))
    if entries <= 0:
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": location,
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": entries},
    }


# Search counts and page ids remembered per search state (search/cache.py). In each process's
# memory: every gunicorn worker keeps its own, and the data version in every key keeps them correct
# without any invalidation message between them. An entry is under a kilobyte; a search state
# keeps up to nine (its total, each facet, its ids).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "search": _memory_cache("search", "SEARCH_CACHE_ENTRIES", 5000),
    # Rendered transcripts (calls/pages.py transcript_key), up to ~200 KB each: a hundred per worker
    # keeps the most read calls without a worker growing past its memory budget.
    "pages": _memory_cache("pages", "PAGE_CACHE_ENTRIES", 100),
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The interface languages, each named in itself for the switch. Transcripts are never translated by
# the interface; zh-TW and zh-HK browsers fall back to zh-hant (Django's LANG_INFO).
LANGUAGES = [("en", "English"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as the pages have always shown them in English (30 July 2023); Chinese keeps Django's own.
FORMAT_MODULE_PATH = ["calls.formats"]
# Remember the reader's choice for a year rather than for the browser session.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names in production; plain files while developing and testing, so a test
    # run needs no collectstatic step.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads: transcripts are text; nothing legitimate comes near these bounds.
TRANSCRIPT_MAX_BYTES = int(os.environ.get("TRANSCRIPT_MAX_BYTES", 5 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = TRANSCRIPT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = TRANSCRIPT_MAX_BYTES
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# `manage.py ingest` commits the calls it stores together, every this many seconds or files,
# whichever comes first: a commit waits for the disk (about 3 ms), and each one moves the data
# version, which every cached search is keyed by. Each call stays all or nothing on its own.
INGEST_COMMIT_SECONDS = float(os.environ.get("INGEST_COMMIT_SECONDS", 1.0))
INGEST_COMMIT_FILES = max(1, int(os.environ.get("INGEST_COMMIT_FILES", 100)))
# Previews never confirmed are removed by `manage.py uploads_expire` after this many hours.
UPLOADS_PENDING_HOURS = int(os.environ.get("UPLOADS_PENDING_HOURS", 24))

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    # Behind a TLS-terminating proxy (the usual deployment), trust its scheme header.
    if env_bool("BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The embedded server logs every pg_ctl call at INFO; only its problems are worth showing.
    "loggers": {"pgserver": {"level": "WARNING"}},
}
