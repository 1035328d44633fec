"""A cache that is an accelerator, never a dependency.

The cache backends the settings name (``ResilientRedisCache`` in production, ``ResilientFileCache``
on the embedded default) behave like Django's own, except when the cache server or folder fails:

- a read that fails is a **miss** (the caller renders from the database), a write that fails is
  skipped; nothing raises to the request or to the admin save that triggered it;
- after a failure the cache is not tried again for ``RETRY_SECONDS``, so a dead Redis costs each
  process one connection attempt per interval, not one per request;
- the outage is logged once when it starts, then at most once per ``LOG_EVERY_SECONDS`` with the
  count of failed and skipped operations, and once when the cache answers again; the counters
  are part of ``/healthz``, which says ``degraded`` while this process has seen the cache fail
  recently;
- writes lost during an outage include invalidations (a page unpublished, a consent withdrawn):
  so once the cache answers again every process that lost a write runs the *recovery hooks*
  (:func:`on_recovery`), which retire every cached page and feed. A process with nothing else to
  do retries in a background thread every ``RETRY_SECONDS`` until that has happened.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_SECONDS = 1.0
LOG_EVERY_SECONDS = 60.0
# /healthz reports "degraded" this long after the last failure this process saw.
DEGRADED_SECONDS = 30.0

_HOOKS: list[Callable[[], None]] = []


def on_recovery(hook: Callable[[], None]) -> Callable[[], None]:
    """Register a function to run once the cache answers again after this process lost a write."""
    if hook not in _HOOKS:
        _HOOKS.append(hook)
    return hook


@dataclass
class Outage:
    """What one process knows about one cache's failures (shared by its threads)."""

    name: str
    errors: int = 0  # operations that failed
    skipped: int = 0  # operations not tried because the cache failed moments before
    outages: int = 0
    down_since: float = 0.0  # monotonic; 0 while the cache answers
    last_failure: float = 0.0  # wall clock, for /healthz
    retry_at: float = 0.0
    lost_writes: bool = False
    last_logged: float = 0.0
    last_error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    retrier: threading.Thread | None = field(default=None, repr=False)

    def may_try(self) -> bool:
        return not self.down_since or time.monotonic() >= self.retry_at

    def failed(self, operation: str, exc: BaseException, write: bool) -> None:
        now = time.monotonic()
        with self.lock:
            self.errors += 1
            self.last_failure = time.time()
            self.last_error = type(exc).__name__
            self.retry_at = now + RETRY_SECONDS
            self.lost_writes = self.lost_writes or write
            starting = not self.down_since
            if starting:
                self.down_since = now
                self.outages += 1
            log_now = starting or now - self.last_logged >= LOG_EVERY_SECONDS
            if log_now:
                self.last_logged = now
        if log_now:
            logger.warning(
                "Cache %s unavailable (%s: %s); serving without it. %d operations failed, %d skipped so far.",
                self.name,
                operation,
                exc,
                self.errors,
                self.skipped,
            )
        if write:
            self._start_retrier()

    def skip(self, write: bool) -> None:
        with self.lock:
            self.skipped += 1
            self.lost_writes = self.lost_writes or write

    def succeeded(self) -> None:
        if not self.down_since:
            return
        with self.lock:
            if not self.down_since:
                return
            seconds = time.monotonic() - self.down_since
            self.down_since = 0.0
            run_hooks, self.lost_writes = self.lost_writes, False
        logger.warning("Cache %s answers again after %.1f s.", self.name, seconds)
        if run_hooks:
            for hook in list(_HOOKS):
                try:
                    hook()
                except Exception:
                    logger.exception("Cache recovery hook %r failed", hook)

    def degraded(self) -> bool:
        return bool(self.down_since) or (self.last_failure and time.time() - self.last_failure < DEGRADED_SECONDS)

    def as_dict(self) -> dict:
        data = {"errors": self.errors, "skipped": self.skipped, "outages": self.outages}
        if self.down_since:
            data["down_for_s"] = round(time.monotonic() - self.down_since, 1)
        if self.last_error:
            data["last_error"] = self.last_error
        return data

    def _start_retrier(self) -> None:
        with self.lock:
            if self.retrier is not None and self.retrier.is_alive():
                return
            self.retrier = threading.Thread(target=self._retry, name=f"cache-retry-{self.name}", daemon=True)
            self.retrier.start()

    def _retry(self) -> None:
        """Probe until the cache answers and the lost writes have been made good (or give up after a day)."""
        from django.core.cache import caches

        deadline = time.monotonic() + 24 * 3600
        while self.lost_writes and time.monotonic() < deadline:
            time.sleep(RETRY_SECONDS)
            backend = caches[self.name]
            if isinstance(backend, ResilientCacheMixin):
                with contextlib.suppress(Exception):  # still down; logged by the request path at its pace
                    backend.probe()


_OUTAGES: dict[str, Outage] = {}
_OUTAGES_LOCK = threading.Lock()


def outage_of(name: str) -> Outage:
    with _OUTAGES_LOCK:
        if name not in _OUTAGES:
            _OUTAGES[name] = Outage(name)
        return _OUTAGES[name]


def status() -> dict[str, Outage]:
    return dict(_OUTAGES)


def available(name: str = "default") -> bool:
    """False while this process considers the cache down (from its first failure until a success)."""
    return not outage_of(name).down_since


class ResilientCacheMixin:
    """Turns the backend's failures into misses; see the module docstring."""

    outage_errors: tuple[type[BaseException], ...] = (OSError,)
    alias = "default"

    def __init__(self, server, params):
        super().__init__(server, params)
        self.alias = params.get("ALIAS") or "default"  # the name in CACHES, for the outage bookkeeping

    @property
    def outage(self) -> Outage:
        return outage_of(self.alias)

    def _guard(self, operation: str, write: bool, default, call, *args, **kwargs):
        outage = self.outage
        if not outage.may_try():
            outage.skip(write)
            return default
        try:
            result = call(*args, **kwargs)
        except self.outage_errors as exc:
            outage.failed(operation, exc, write)
            return default
        outage.succeeded()
        return result

    def probe(self) -> None:
        """A real set and get that raises on failure (``/healthz``); a success ends an outage."""
        key = "hub:cache-probe"
        try:
            super().set(key, "1", 10)
            if super().get(key) != "1":
                raise RuntimeError("the cache did not return what was just stored")
        except self.outage_errors as exc:
            self.outage.failed("probe", exc, write=False)
            raise
        self.outage.succeeded()

    def get(self, key, default=None, version=None):
        return self._guard("get", False, default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._guard("get_many", False, {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guard("has_key", False, False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("add", True, False, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set", True, None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set_many", True, list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("touch", True, False, super().touch, key, timeout, version)

    def incr(self, key, delta=1, version=None):
        # A missing key still raises ValueError, as Django's contract says; an outage returns 0.
        return self._guard("incr", True, 0, super().incr, key, delta, version)

    def decr(self, key, delta=1, version=None):
        return self._guard("decr", True, 0, super().decr, key, delta, version)

    def delete(self, key, version=None):
        return self._guard("delete", True, False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._guard("delete_many", True, None, super().delete_many, keys, version)

    def clear(self):
        return self._guard("clear", True, None, super().clear)


def _redis_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import RedisError

    return (RedisError, OSError)


class ResilientRedisCache(ResilientCacheMixin, RedisCache):
    """Django's Redis cache; a Redis that is down, restarting or out of memory is a miss."""

    outage_errors = _redis_errors()


class ResilientFileCache(ResilientCacheMixin, FileBasedCache):
    """Django's file cache in a folder every process of the machine shares (the embedded default)."""

    outage_errors = (OSError, EOFError)
