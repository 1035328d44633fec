"""Settings shared by every profile of the hub.

Profiles: ``dev`` (embedded defaults, the README run command), ``test`` (pytest),
``production`` (everything from the environment). Nothing secret lives here.
"""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

HUB_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = HUB_DIR.parent
# Everything the hub writes at run time (SQLite, uploads, collected static) lives under VAR_DIR.
VAR_DIR = Path(os.environ.get("HUB_VAR_DIR", BASE_DIR / "var"))

# Which profile runs: "embedded" (the default for one machine and development) or "production"
# (hub.settings.production). Production refuses demo data (hub.demo.loader.refuse_in_production).
HUB_PROFILE = "embedded"

INSTALLED_APPS = [
    "hub.core",
    "hub.partners",
    "hub.stories",
    "hub.radio",
    "hub.audio",
    "hub.campaigns",
    "hub.search",
    "hub.feeds",
    "hub.demo",
    "hub.ops",
    "hub.consent",
    "hub.access",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "hub.consent.users_app.HubUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "hub.ops.middleware.DatabaseOutageMiddleware",  # 503 + Retry-After, not 500, when the database is away
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hub.feeds.middleware.FeedCacheMiddleware",  # cached public feeds and their 304s, before the rest
    "hub.core.pagecache.CompressHTMLMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hub.core.locale.LocaleMiddleware",  # Django's, without redirecting real 404s of unprefixed views
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hub.core.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "hub.core.context_processors.hub",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "hub.sqlite3",
        # WAL lets the web server read while the task worker writes.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages -------------------------------------------------------------------------
# UI languages: every one has a complete catalogue under locale/.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("el", _("Greek")),
    ("it", _("Italian")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Vienna"

# Content languages: the five UI languages by default. More content languages (Farsi,
# Turkish, French, ...) are a setting, not a code change: HUB_EXTRA_CONTENT_LANGUAGES="fa:فارسی,tr:Türkçe".
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("el", "Ελληνικά"),
    ("it", "Italiano"),
    ("ar", "العربية"),
]
# The UI languages, each with a complete catalogue. Wagtail needs every content language in
# LANGUAGES too; an extra content language shows its pages with the English UI.
UI_LANGUAGES = list(LANGUAGES)
for _item in filter(None, os.environ.get("HUB_EXTRA_CONTENT_LANGUAGES", "").split(",")):
    _code, _, _name = _item.partition(":")
    _code, _name = _code.strip(), _name.strip() or _code.strip()
    WAGTAIL_CONTENT_LANGUAGES.append((_code, _name))
    LANGUAGES.append((_code, _name))

# --- Static and media ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static_src"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Audio sources, renditions and peaks, and consent evidence: outside MEDIA_ROOT, no URL. Served
    # only by routes that ask hub.access.policy first (docs/security.md).
    "private": {
        "BACKEND": "hub.consent.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The only folders of the public storage anyone may read without asking the hub: image renditions
# and the chapters/transcript files of published episodes. /media/ serves nothing else.
HUB_PUBLIC_MEDIA_PREFIXES = ("images/", "episodes/")
# Documents always go through Wagtail's serve view (collection privacy, hub.access.policy).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Lifetime of the signed URL a listener is redirected to on object storage (seconds).
HUB_AUDIO_URL_SECONDS = int(os.environ.get("HUB_AUDIO_URL_SECONDS", "900"))
# nginx's internal location of the private folder: files are then sent by nginx (X-Accel-Redirect)
# after the hub's policy check. Empty: the hub sends them itself.
HUB_ACCEL_REDIRECT_LOCATION = os.environ.get("HUB_ACCEL_REDIRECT_LOCATION", "")
# Large uploads stream to disk rather than memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Background tasks (django-tasks API, as Wagtail itself uses) ----------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "audio"],
    }
}

# --- Wagtail ---------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Volunteering Hub"
WAGTAILADMIN_BASE_URL = os.environ.get("HUB_BASE_URL", "http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ALLOW_UNICODE_SLUGS = True
# No avatars from gravatar.com: the admin makes no request about its editors to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor does the admin's dashboard ask releases.wagtail.org for a new version (pip and the changelog tell).
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Anonymous HTML pages are cached this long, and cleared on every publish (hub/core/pagecache.py).
HUB_PAGE_CACHE_SECONDS = int(os.environ.get("HUB_PAGE_CACHE_SECONDS", "600"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Audio pipeline ------------------------------------------------------------------
HUB_AUDIO_MAX_UPLOAD_BYTES = int(os.environ.get("HUB_AUDIO_MAX_UPLOAD_BYTES", str(2 * 1024**3)))
HUB_AUDIO_MAX_DURATION_SECONDS = float(os.environ.get("HUB_AUDIO_MAX_DURATION_SECONDS", str(6 * 3600)))
# A processing run whose worker has given no sign of life for this long is presumed dead. A run
# writes its heartbeat every HUB_AUDIO_HEARTBEAT_SECONDS from a thread of its own, whatever the
# pipeline is doing, so a live run never looks dead; the workers' sweep (hub.audio.tasks.
# requeue_stale) queues a dead one again.
HUB_AUDIO_HEARTBEAT_SECONDS = int(os.environ.get("HUB_AUDIO_HEARTBEAT_SECONDS", "10"))
# Three missed heartbeats; with the sweep every 15 s a dead run is queued again within 45 s.
HUB_AUDIO_STALE_SECONDS = int(os.environ.get("HUB_AUDIO_STALE_SECONDS", "30"))
HUB_AUDIO_TEMP_DIR = os.environ.get("HUB_AUDIO_TEMP_DIR") or None

# --- Feeds and partner feeds (hub/feeds, hub/partners) --------------------------------
# WebSub hub notified (hub.mode=publish) when a show or episode is published or unpublished; empty: none.
HUB_WEBSUB_HUB = os.environ.get("HUB_WEBSUB_HUB", "")
# Cache-Control max-age of public feeds, and how long a built feed may stay in the cache.
HUB_FEED_MAX_AGE = int(os.environ.get("HUB_FEED_MAX_AGE", "300"))
HUB_FEED_CACHE_SECONDS = int(os.environ.get("HUB_FEED_CACHE_SECONDS", "3600"))
# Failed partner-token attempts allowed per client address and window (seconds) before 429.
HUB_PARTNER_FAILURE_LIMIT = int(os.environ.get("HUB_PARTNER_FAILURE_LIMIT", "10"))
HUB_PARTNER_FAILURE_WINDOW = int(os.environ.get("HUB_PARTNER_FAILURE_WINDOW", "600"))
# Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For names the client
# that failed partner-token attempts count against. Empty: none; the peer address counts.
HUB_TRUSTED_PROXIES = [entry.strip() for entry in os.environ.get("HUB_TRUSTED_PROXIES", "").split(",") if entry.strip()]
