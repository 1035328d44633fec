"""Embedded defaults: SQLite, local media, the database task backend and its worker."""

from .base import *  # noqa: F403

DEBUG = True
# A fixed key is fine for a local demo only; production refuses to start without its own.
SECRET_KEY = "dev-only-not-secret-0b8f1c2e6d7a4e59a3c1"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# A folder every process shares: the web server and the task worker (which runs withdrawals and
# takedowns) must clear the same page and feed cache.
CACHES = {
    "default": {
        "BACKEND": "hub.ops.cache.ResilientFileCache",
        "LOCATION": str(VAR_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
