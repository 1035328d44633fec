"""Embedded defaults: SQLite, local media, the database task backend and its worker."""

from .base import *  # noqa: F403

DEBUG = True
# A fixed key is fine for a local demo only; production refuses to start without its own.
SECRET_KEY = "dev-only-not-secret-0b8f1c2e6d7a4e59a3c1"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
