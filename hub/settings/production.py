"""Production profile: every secret and every address comes from the environment.

docs/production.md lists each variable. The profile refuses to start without ``DJANGO_SECRET_KEY``.
Without the optional variables it still runs on one machine (SQLite, local disk, the database
task backend); with ``DATABASE_URL``, ``REDIS_URL``, ``HUB_TASK_BACKEND=rq`` and ``HUB_S3_BUCKET``
the same code runs on PostgreSQL, Redis, RQ workers and object storage, on as many web and worker
machines as needed (see ``deploy/``).
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, MIDDLEWARE, STORAGES, TASKS, VAR_DIR, WAGTAILDOCS_MAX_UPLOAD_SIZE


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


DEBUG = False
HUB_PROFILE = "production"

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. The production profile never runs with a default key; "
        'generate one with: python -c "import secrets; print(secrets.token_urlsafe(64))"'
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
if base_url := os.environ.get("HUB_BASE_URL"):
    WAGTAILADMIN_BASE_URL = base_url

INSTALLED_APPS = list(INSTALLED_APPS)
# /healthz answers load balancers before host validation and the HTTPS redirect (hub/ops/middleware.py).
MIDDLEWARE = ["hub.ops.middleware.HealthCheckMiddleware", *MIDDLEWARE]

# --- Database.
if database_url := os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            database_url, conn_max_age=env_int("HUB_DB_CONN_MAX_AGE", 600), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

# --- Cache: Redis when REDIS_URL (or HUB_CACHE_URL, for a separate instance) is set, else a folder
# on local disk that every process of the machine shares (web workers and the task worker alike, so
# a withdrawal run by the worker clears the pages the web server caches). A cache that fails is a
# miss, never an error (hub/ops/cache.py). HUB_CACHE_URL=file:///path names the folder;
# locmem:// keeps a cache per process (one process only!); dummy:// turns caching off.
redis_url = os.environ.get("REDIS_URL", "")
cache_url = os.environ.get("HUB_CACHE_URL", redis_url)
cache_timeout = float(os.environ.get("HUB_CACHE_SOCKET_TIMEOUT", "1"))
if cache_url.startswith("dummy:"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif cache_url.startswith(("redis:", "rediss:", "unix:")):
    CACHES = {
        "default": {
            "BACKEND": "hub.ops.cache.ResilientRedisCache",
            "LOCATION": cache_url,
            "KEY_PREFIX": "hub",
            # Short: a cache that does not answer at once is treated as a miss (and retried a second later).
            "OPTIONS": {"socket_connect_timeout": cache_timeout, "socket_timeout": cache_timeout},
        }
    }
elif not cache_url or cache_url.startswith("file:"):
    CACHES = {
        "default": {
            "BACKEND": "hub.ops.cache.ResilientFileCache",
            "LOCATION": cache_url.removeprefix("file://") or str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": env_int("HUB_CACHE_MAX_ENTRIES", 5000)},
        }
    }
elif cache_url.startswith("locmem:"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured("HUB_CACHE_URL must be redis://..., rediss://..., file:///folder, locmem:// or dummy://")

# --- Background tasks: the database backend (embedded) or RQ on Redis (scale-out).
task_backend = os.environ.get("HUB_TASK_BACKEND", "database")
if task_backend == "rq":
    if not redis_url:
        raise ImproperlyConfigured("HUB_TASK_BACKEND=rq needs REDIS_URL (the Redis that holds the queues).")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    task_timeout = env_int("HUB_TASK_TIMEOUT", 600)
    RQ_QUEUES = {name: {"URL": redis_url, "DEFAULT_TIMEOUT": task_timeout} for name in ("default", "audio")}
    # Workers run django-tasks' Task objects through this job class; `rqworker` picks it up from here.
    # HubWorker: re-registers after a Redis restart, keeps its scheduler alive, requeues dead audio runs.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job", "WORKER_CLASS": "hub.ops.jobs.HubWorker"}
    RQ_SHOW_ADMIN_LINK = False
    TASKS = {
        "default": {
            "BACKEND": "hub.ops.jobs.HubRQBackend",
            "QUEUES": ["default", "audio"],
            "OPTIONS": {
                "TIMEOUT": task_timeout,
                "RETRIES": env_int("HUB_TASK_RETRIES", 3),
                "BACKOFF": [int(s) for s in env_list("HUB_TASK_RETRY_BACKOFF", "30,120,600")],
                "AUDIO_TIMEOUT_BASE": env_int("HUB_AUDIO_JOB_TIMEOUT_BASE", 600),
                "AUDIO_TIMEOUT_PER_SECOND": float(os.environ.get("HUB_AUDIO_JOB_TIMEOUT_PER_SECOND", "4")),
                "POLICIES": {"hub.audio.tasks.process_audio_task": "hub.ops.jobs.AudioProcessingPolicy"},
            },
        }
    }
elif task_backend == "database":
    TASKS = TASKS
else:
    raise ImproperlyConfigured(f"HUB_TASK_BACKEND={task_backend!r} is not supported; use 'database' or 'rq'.")

# --- Storage: local disk by default, S3-compatible object storage when a bucket is named.
HUB_PRIVATE_URL_SECONDS = env_int("HUB_PRIVATE_URL_SECONDS", 300)
HUB_AUDIO_URL_SECONDS = env_int("HUB_AUDIO_URL_SECONDS", 900)
# At start, prove that an unsigned request for an object of the private bucket is refused.
HUB_VERIFY_PRIVATE_STORAGE = env_bool("HUB_VERIFY_PRIVATE_STORAGE", True)
if bucket := os.environ.get("HUB_S3_BUCKET"):
    private_bucket = os.environ.get("HUB_S3_PRIVATE_BUCKET", "").strip()
    if not private_bucket or private_bucket == bucket:
        raise ImproperlyConfigured(
            "HUB_S3_PRIVATE_BUCKET must name a second bucket, without any public access, for audio sources, "
            "unreleased and broadcast audio and consent evidence. "
            + ("It is not set." if not private_bucket else f"It is the public bucket {bucket!r}.")
            + " Apply deploy/s3-public-read-policy.json to the public bucket only (see docs/security.md)."
        )
    from botocore.config import Config as _BotoConfig

    s3_options = {
        "bucket_name": bucket,
        "endpoint_url": os.environ.get("HUB_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("HUB_S3_REGION") or None,
        "access_key": os.environ.get("HUB_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("HUB_S3_SECRET_ACCESS_KEY") or None,
        "file_overwrite": False,
        "default_acl": None,
        # Short connect timeouts and a few retries; SigV4 everywhere (SigV2 is retired).
        "client_config": _BotoConfig(
            s3={"addressing_style": os.environ.get("HUB_S3_ADDRESSING_STYLE") or None},
            signature_version="s3v4",
            connect_timeout=5,
            read_timeout=60,
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    }
    STORAGES = {
        # Public: images, documents and published chapters/transcripts. The bucket policy
        # (deploy/s3-public-read-policy.json) grants reading of images/ and episodes/ only;
        # documents are handed out by the hub's document view after the policy check.
        "default": {
            "BACKEND": "hub.ops.s3.MediaS3Storage",
            "OPTIONS": {
                **s3_options,
                "location": os.environ.get("HUB_S3_PREFIX", ""),
                "custom_domain": os.environ.get("HUB_S3_CUSTOM_DOMAIN") or None,
                "querystring_auth": False,
                "object_parameters": {"CacheControl": os.environ.get("HUB_S3_CACHE_CONTROL", "public, max-age=604800")},
            },
        },
        # Private: audio and consent evidence, only through short-lived signed URLs handed out
        # after the policy check (hub.access.delivery, hub.ops.storage.signed_url).
        "private": {
            "BACKEND": "hub.ops.s3.MediaS3Storage",
            "OPTIONS": {
                **s3_options,
                "bucket_name": private_bucket,
                "location": os.environ.get("HUB_S3_PRIVATE_PREFIX", "private"),
                "custom_domain": None,
                "querystring_auth": True,
                "querystring_expire": HUB_PRIVATE_URL_SECONDS,
                "object_parameters": {"CacheControl": "private, no-store"},
            },
        },
        "staticfiles": STORAGES["staticfiles"],
    }
else:
    if media_root := os.environ.get("HUB_MEDIA_ROOT"):
        MEDIA_ROOT = media_root
    HUB_ACCEL_REDIRECT_LOCATION = os.environ.get("HUB_ACCEL_REDIRECT_LOCATION", "")
    if private_root := os.environ.get("HUB_PRIVATE_ROOT"):
        STORAGES = {
            **STORAGES,
            "private": {**STORAGES["private"], "OPTIONS": {"location": private_root, "base_url": None}},
        }
if static_root := os.environ.get("HUB_STATIC_ROOT"):
    STATIC_ROOT = static_root

# --- Uploads. Audio uploads up to HUB_AUDIO_MAX_UPLOAD_BYTES (base.py); images and documents up to
# these. nginx's client_max_body_size must allow the largest of them.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("HUB_IMAGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)  # Wagtail's default
WAGTAILDOCS_MAX_UPLOAD_SIZE = env_int("HUB_DOCUMENT_MAX_UPLOAD_BYTES", WAGTAILDOCS_MAX_UPLOAD_SIZE)

# --- E-mail.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "hub@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- HTTPS behind a reverse proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview frames the hub's own pages, so SAMEORIGIN rather than DENY.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019", *env_list("HUB_SILENCED_SYSTEM_CHECKS")]

# --- Logs: one JSON object per line on standard error (HUB_LOG_FORMAT=plain for humans).
_log_level = os.environ.get("HUB_LOG_LEVEL", "INFO")
if os.environ.get("HUB_LOG_FORMAT", "json") == "json":
    from hub.ops.logs import json_logging_config

    LOGGING = json_logging_config(_log_level, service=os.environ.get("HUB_SERVICE_NAME", ""))
else:
    LOGGING = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
        "root": {"handlers": ["console"], "level": _log_level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }
