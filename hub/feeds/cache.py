"""The feed cache and the HTTP that podcast apps and pollers rely on.

Feeds are cached as finished bytes, plain and gzipped, with an ETag that is a hash of the plain
bytes and a Last-Modified taken from the content. The validators are cached apart from the
bodies, so a conditional request that ends in 304 reads a few hundred bytes from the cache, not
the feed. A warm request does no database query. Any change to what feeds show (see
:mod:`hub.feeds.signals`) bumps one generation number, which retires every cached feed at once;
a feed whose content changes by itself at a known time (an embargo ends, broadcast rights run
out) is cached no longer than that.

Conditional GET works under gzip too: the gzipped representation has its own strong ETag
(``"<hash>-gzip"``), and ``If-None-Match`` is compared weakly (``W/`` prefixes and the ``-gzip``
suffix are ignored), so the ETags that Django's GZipMiddleware or a proxy rewrite still match.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import re
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotModified, HttpResponsePermanentRedirect
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe

GENERATION_KEY = "hub-feeds:generation"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
OPML = "text/x-opml; charset=utf-8"
JSON = "application/json; charset=utf-8"
PRIVATE_CACHE_CONTROL = "private, max-age=0, must-revalidate"
# Public feeds, chapters and transcripts may be read by web players on other sites.
CORS = {"Access-Control-Allow-Origin": "*"}
_GZIP = re.compile(r"(?:^|,)\s*gzip\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*(?:,|$)", re.IGNORECASE)


class CacheMiss(Exception):
    """A feed's body left the cache after its validators were read: build it again."""


@dataclass(frozen=True)
class CachedFeed:
    """A cached feed's validators; the bodies are read only when a response needs them."""

    key: str
    etag: str  # hex digest, without quotes
    last_modified: float  # POSIX timestamp, whole seconds
    content_type: str
    length: int
    gzip_length: int
    redirect: str = ""
    expires: float = 0.0  # POSIX time at which the cache drops the entry
    body: bytes | None = None  # present on the entry that was just built
    gzipped: bytes | None = None

    def read(self, compressed: bool) -> bytes:
        value = self.gzipped if compressed else self.body
        if value is None:
            value = cache.get(self.key + (":gz" if compressed else ":body"))
        if value is None:
            raise CacheMiss(self.key)
        return value


def generation(backend=None) -> int:
    backend = backend or cache
    value = backend.get(GENERATION_KEY)
    if value is None:
        backend.add(GENERATION_KEY, time.time_ns(), None)
        value = backend.get(GENERATION_KEY, 0)
    return value


def invalidate() -> None:
    """Retire every cached feed (they are rebuilt on their next request)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), None)


def _key(name: str, gen: int | None = None) -> str:
    digest = hashlib.sha256(name.encode()).hexdigest()[:40]
    return f"hub-feeds:{generation() if gen is None else gen}:{digest}"


# Validators this process has read, by name: (generation, entry). An entry counts only while
# its generation is the shared cache's current one and it has not expired, so this saves a cache
# read per poll without ever serving what another process has invalidated.
_SEEN: dict[str, tuple[int, CachedFeed]] = {}
_SEEN_MAX = 2048


def _remember(name: str, gen: int, entry: CachedFeed) -> CachedFeed:
    if len(_SEEN) >= _SEEN_MAX:
        _SEEN.clear()
    _SEEN[name] = (gen, CachedFeed(**{**entry.__dict__, "body": None, "gzipped": None}))
    return entry


def lookup_in(name: str, gen: int, backend=None) -> CachedFeed | None:
    seen = _SEEN.get(name)
    if seen is not None and seen[0] == gen and seen[1].expires > time.time():
        return seen[1]
    entry = (backend or cache).get(_key(name, gen))
    return _remember(name, gen, entry) if entry is not None else None


def lookup(name: str) -> CachedFeed | None:
    backend = caches[DEFAULT_CACHE_ALIAS]  # resolve the cache proxy once: this runs for every poll
    return lookup_in(name, generation(backend), backend)


def _stable_last_modified(name: str, etag: str, content_time: datetime | None) -> float:
    """Last-Modified from the content's own timestamps, never going back and never standing still.

    Some changes (a contributor renamed) carry no timestamp of their own; when the bytes change
    but the content's timestamps do not move past the previous Last-Modified, the time of the
    change is used instead, so clients that only send If-Modified-Since still see it.
    """
    record_key = "hub-feeds:lm:" + hashlib.sha256(name.encode()).hexdigest()[:40]
    now = time.time()
    stamp = content_time.timestamp() if content_time else now
    previous = cache.get(record_key)
    if previous is not None:
        previous_etag, previous_stamp = previous
        if previous_etag == etag:
            stamp = previous_stamp
        elif stamp <= previous_stamp:
            stamp = max(now, previous_stamp + 1)
    stamp = float(math.floor(min(stamp, now)))
    cache.set(record_key, (etag, stamp), None)
    return stamp


def store(
    name: str,
    body: bytes,
    content_type: str,
    *,
    content_time: datetime | None = None,
    valid_until: datetime | None = None,
    gen: int | None = None,
) -> CachedFeed:
    key = _key(name, gen)
    etag = hashlib.sha256(body).hexdigest()[:32]
    gzipped = gzip.compress(body, compresslevel=6, mtime=0)
    timeout = _timeout(valid_until)
    validators = CachedFeed(
        key=key,
        etag=etag,
        last_modified=_stable_last_modified(name, etag, content_time),
        content_type=content_type,
        length=len(body),
        gzip_length=len(gzipped),
        expires=time.time() + timeout,
    )
    # Bodies first: whoever finds the validators finds the bodies (unless evicted: CacheMiss).
    cache.set_many({key + ":body": body, key + ":gz": gzipped}, timeout)
    cache.set(key, validators, timeout)
    return CachedFeed(**{**validators.__dict__, "body": body, "gzipped": gzipped})


def store_redirect(name: str, location: str, gen: int | None = None) -> CachedFeed:
    timeout = _timeout(None)
    entry = CachedFeed(
        key=_key(name, gen),
        etag="",
        last_modified=0.0,
        content_type="",
        length=0,
        gzip_length=0,
        redirect=location,
        expires=time.time() + timeout,
    )
    cache.set(entry.key, entry, timeout)
    return entry


def _timeout(valid_until: datetime | None) -> int:
    timeout = int(getattr(settings, "HUB_FEED_CACHE_SECONDS", 3600))
    if valid_until is not None:
        remaining = math.ceil((valid_until - timezone.now()).total_seconds())
        timeout = max(1, min(timeout, remaining))
    return timeout


def accepts_gzip(request) -> bool:
    match = _GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    if not match:
        return False
    quality = match.group(1)
    try:
        return quality is None or float(quality) > 0
    except ValueError:
        return False


def etag_matches(header: str, etag: str) -> bool:
    """Weak comparison of If-None-Match with our ETag, whatever encoding the client saw."""
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*":
            return True
        value = candidate.removeprefix("W/").strip('"')
        if value.endswith("-gzip"):
            value = value[: -len("-gzip")]
        if value == etag:
            return True
    return False


def not_modified(request, etag: str, last_modified: float) -> bool:
    # request.META rather than request.headers: this runs for every poll, and .headers parses them all.
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:  # RFC 9110: If-Modified-Since is ignored when If-None-Match is sent
        return etag_matches(if_none_match, etag)
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(last_modified) <= since


def feed_response(
    request,
    entry: CachedFeed,
    *,
    cache_control: str,
    etag_suffix: str = "",
    transform=None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """200, 304 or HEAD for a cached feed; raises CacheMiss if its body is gone.

    ``transform`` rewrites the bytes per request (partner tokens); then gzip is done per request.
    """
    if entry.redirect:
        return HttpResponsePermanentRedirect(entry.redirect)
    etag = entry.etag + etag_suffix
    use_gzip = accepts_gzip(request)
    if not_modified(request, etag, entry.last_modified):
        # As Django's own conditional responses: validators and caching headers, no entity headers.
        response = HttpResponseNotModified()
    else:
        if transform is not None:
            body = transform(entry.read(compressed=False))
            if use_gzip:
                body = gzip.compress(body, compresslevel=6, mtime=0)
            length = len(body)
        else:
            length = entry.gzip_length if use_gzip else entry.length
            body = b"" if request.method == "HEAD" else entry.read(compressed=use_gzip)
        response = HttpResponse(b"" if request.method == "HEAD" else body, content_type=entry.content_type)
        response["Content-Length"] = str(length)
        response["Last-Modified"] = http_date(entry.last_modified)
        if use_gzip:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = f'"{etag}-gzip"' if use_gzip else f'"{etag}"'
    response["Cache-Control"] = cache_control
    response["Vary"] = "Accept-Encoding"
    for header, value in (headers or {}).items():
        response[header] = value
    return response


def public_cache_control() -> str:
    return f"public, max-age={int(getattr(settings, 'HUB_FEED_MAX_AGE', 300))}"


# --- Decisions that outlive a database outage -------------------------------------------------

DATABASE_OUTAGE = (OperationalError, InterfaceError)


def decision_seconds() -> int:
    return int(getattr(settings, "HUB_DECISION_CACHE_SECONDS", 300))


def decided(name: str, decide, seconds: int | None = None):
    """``decide()`` (which asks the database), remembered for a short while in case the database goes.

    Each answer is stored under the feed cache's generation, which every change that could alter
    it bumps (a withdrawal, an unpublish, an embargo or consent edit, any audio or page save): a
    remembered answer therefore never outlives such a change, and otherwise lasts ``seconds``
    (``HUB_DECISION_CACHE_SECONDS``). When the database cannot be reached, the remembered answer
    is used; with none, the outage is raised (and answered 503 by ``DatabaseOutageMiddleware``).
    Refusals (``Http404``) are never remembered: they propagate as they are.
    """
    key = _key("decision:" + name)
    try:
        value = decide()
    except DATABASE_OUTAGE:
        remembered = cache.get(key)
        if remembered is None:
            raise
        return remembered
    cache.set(key, value, decision_seconds() if seconds is None else seconds)
    return value
