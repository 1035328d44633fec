"""pytest profile: fast hasher, in-memory cache, tasks run immediately.

The test database is an SQLite file (not ``:memory:``) so that a real task worker started in
another process by the tests sees the same data. Paths are passed on through the environment,
so subprocesses that load these settings share them.
"""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES

_scratch = Path(os.environ.setdefault("HUB_TEST_SCRATCH", tempfile.mkdtemp(prefix="hub-test-")))
# pytest-xdist runs the suite in several processes (scripts/test): each has its own files, folders
# and temporary directory (inherited by the servers and workers it starts), and pytest-django gives
# each its own test database.
if _xdist_worker := os.environ.get("PYTEST_XDIST_WORKER"):
    _scratch = _scratch / _xdist_worker
    (_scratch / "tmp").mkdir(parents=True, exist_ok=True)
    os.environ["TMPDIR"] = str(_scratch / "tmp")
    tempfile.tempdir = None

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A test that runs a worker process shares a file cache with it (the embedded default's cache).
if _shared_cache := os.environ.get("HUB_TEST_CACHE_DIR"):
    CACHES = {"default": {"BACKEND": "hub.ops.cache.ResilientFileCache", "LOCATION": _shared_cache}}
# The anonymous page cache outlives the rollback of a test's data; tests of it turn it on.
HUB_PAGE_CACHE_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "audio"]},
}
MEDIA_ROOT = _scratch / "media"
STATIC_ROOT = _scratch / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "hub.consent.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": _scratch / "private"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASES["default"]["NAME"] = _scratch / "hub.sqlite3"
DATABASES["default"]["TEST"] = {"NAME": str(_scratch / "test.sqlite3")}

# HUB_TEST_DATABASE_URL runs the suite on another server (scripts/test: the local PostgreSQL).
# The test database's name gets a suffix per run, passed on through the environment to worker
# processes, so that two runs at the same time on one server do not collide.
if _test_database_url := os.environ.get("HUB_TEST_DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(_test_database_url)}
    _suffix = os.environ.setdefault("HUB_TEST_DATABASE_SUFFIX", os.urandom(4).hex())
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{_suffix}"}

# A test that starts a real ``db_worker`` sets HUB_TEST_WORKER=1 for the worker process: it then
# uses the database task backend and opens the test database itself.
if os.environ.get("HUB_TEST_WORKER"):
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "audio"]}}
    DATABASES["default"]["NAME"] = DATABASES["default"]["TEST"]["NAME"]
    if _xdist_worker:  # pytest-django gives each pytest-xdist process its own test database
        DATABASES["default"]["NAME"] = f"{DATABASES['default']['NAME']}_{_xdist_worker}"
