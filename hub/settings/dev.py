"""Embedded defaults: SQLite, local media, the database task backend and its worker.

``scripts/run`` uses this profile. It serves like production: ``DEBUG`` off, the hub's own error
pages, static files through WhiteNoise from ``collectstatic``'s output. ``HUB_DEBUG=1`` turns on
Django's debug pages and serves static files from the source folders, for development.
"""

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("HUB_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
# A fixed key is fine for a local demo only; production refuses to start without its own.
SECRET_KEY = "dev-only-not-secret-0b8f1c2e6d7a4e59a3c1"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
# scripts/run may listen on another address (HUB_HOST); on every interface, any name may reach it.
if _host := os.environ.get("HUB_HOST", "").strip():
    if _host in {"0.0.0.0", "::", "[::]"}:  # noqa: S104
        ALLOWED_HOSTS = ["*"]
    else:
        ALLOWED_HOSTS.append(f"[{_host}]" if ":" in _host and not _host.startswith("[") else _host)
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
# The terminal of scripts/run shows what needs attention: failed requests (4xx, 5xx) and warnings,
# not a line per request or per page an editor saves.
LOGGING = {
    **LOGGING,
    "loggers": {
        **LOGGING["loggers"],
        "django.server": {"level": "INFO" if DEBUG else "WARNING"},
        "wagtail": {"level": "INFO" if DEBUG else "WARNING"},
    },
}
