"""Is every service the hub depends on reachable from this node? (``/healthz``)

The node is ``fail`` (503: take it out of rotation) when the database, a task queue or the
storage does not answer, and ``degraded`` (still 200) when only the cache fails or failed within
the last half minute: pages and feeds are then rendered from the database, slower but correct.

Each check does the smallest real round trip: ``SELECT 1`` on every database, a set and get
in the cache, a PING to the Redis of every task queue (or a read of the task table for the
database backend), and a HEAD on the bucket (or a writable media folder). Probes use short
timeouts of their own so that a load balancer's health check does not hang on a dead service.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections

from .cache import ResilientCacheMixin

logger = logging.getLogger(__name__)

PROBE_TIMEOUT = 3  # seconds, per connection attempt and per read


@dataclass
class CheckResult:
    name: str
    ok: bool
    milliseconds: float
    error: str = ""
    details: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        data: dict = {"ok": self.ok, "ms": round(self.milliseconds, 1)}
        if self.error:
            data["error"] = self.error
        data.update(self.details)
        return data


def check_database() -> dict[str, str]:
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    return {"vendor": connections["default"].vendor}


def check_cache() -> dict[str, str]:
    cache = caches["default"]
    if isinstance(cache, DummyCache):  # caching turned off on purpose: nothing to reach
        return {"backend": "DummyCache"}
    if isinstance(cache, ResilientCacheMixin):
        cache.probe()  # raises while the cache is down; a success ends this process's outage
        return {"backend": type(cache).__name__, **cache.outage.as_dict()}
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return what was just stored")
    cache.delete(key)
    return {"backend": type(cache).__name__}


def check_queue() -> dict[str, str]:
    from django_tasks import task_backends
    from django_tasks_rq import RQBackend

    backend = task_backends["default"]
    if isinstance(backend, RQBackend):
        import django_rq

        for name in sorted(backend.queues):
            probe = _with_probe_timeouts(django_rq.get_queue(name).connection)
            try:
                probe.ping()
            finally:
                probe.connection_pool.disconnect()
        return {"backend": "rq", "queues": ",".join(sorted(backend.queues))}
    if type(backend).__module__.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()
        return {"backend": "database"}
    return {"backend": type(backend).__name__}


def _with_probe_timeouts(connection):
    """A client on the same Redis whose connect and read time out quickly."""
    import redis

    pool = connection.connection_pool
    kwargs = {**pool.connection_kwargs, "socket_connect_timeout": PROBE_TIMEOUT, "socket_timeout": PROBE_TIMEOUT}
    return redis.Redis(connection_pool=redis.ConnectionPool(connection_class=pool.connection_class, **kwargs))


@lru_cache(maxsize=8)
def _s3_probe_client(endpoint_url, region_name, access_key, secret_key):
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=PROBE_TIMEOUT, read_timeout=PROBE_TIMEOUT, retries={"max_attempts": 1})
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region_name,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=config,
    )


def _check_one_storage(storage) -> str:
    if isinstance(storage, FileSystemStorage):
        location = storage.location
        if not os.path.isdir(location):
            os.makedirs(location, exist_ok=True)
        if not os.access(location, os.W_OK):
            raise PermissionError("the media folder is not writable")
        return "filesystem"
    bucket_name = getattr(storage, "bucket_name", None)
    if bucket_name:
        client = _s3_probe_client(
            storage.endpoint_url, storage.region_name, storage.access_key or None, storage.secret_key or None
        )
        client.head_bucket(Bucket=bucket_name)
        return "s3"
    storage.exists("healthz-probe")
    return type(storage).__name__


def check_storage() -> dict[str, str]:
    details = {"default": _check_one_storage(storages["default"])}
    if "private" in storages.backends:
        details["private"] = _check_one_storage(storages["private"])
    return details


CHECKS: dict[str, Callable[[], dict[str, str]]] = {
    "database": check_database,
    "cache": check_cache,
    "queue": check_queue,
    "storage": check_storage,
}


# Checks whose failure slows the node down but does not stop it from answering correctly.
NON_CRITICAL = frozenset({"cache"})


def overall(results: list[CheckResult]) -> tuple[str, int]:
    """("ok" | "degraded" | "fail", HTTP status) of a node from its checks."""
    if any(not result.ok and result.name not in NON_CRITICAL for result in results):
        return "fail", 503
    cache = caches["default"]
    recently = isinstance(cache, ResilientCacheMixin) and cache.outage.degraded()
    if any(not result.ok for result in results) or recently:
        return "degraded", 200
    return "ok", 200


def run_checks() -> list[CheckResult]:
    results = []
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            details = check()
        except Exception as exc:
            elapsed = (time.perf_counter() - started) * 1000
            # The reason goes to the log only: the endpoint is public and exception texts name hosts.
            logger.warning("Health check %s failed: %s", name, exc, exc_info=True)
            results.append(CheckResult(name, False, elapsed, error=type(exc).__name__))
        else:
            results.append(CheckResult(name, True, (time.perf_counter() - started) * 1000, details=details))
    return results
