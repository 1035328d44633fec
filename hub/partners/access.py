"""Who may pull partner feeds: token checks, rate limiting of failures, and log scrubbing.

An unknown, expired or revoked token gets a plain 404 that reveals nothing. Each failure counts
against the client's address in the cache; past ``HUB_PARTNER_FAILURE_LIMIT`` failures within
``HUB_PARTNER_FAILURE_WINDOW`` seconds the address gets 429 for the rest of the window, valid
token or not.

Without the cache (Redis down) the limit still holds: every failure is also counted in the
memory of the process that saw it (bounded, expiring with the same window), and while this
process finds the cache down (``hub.ops.cache.available``) an address is refused when either
count reaches the limit. While the shared count is unavailable a guesser
spread over N web processes gets at most N times the limit per window, not an unlimited number.

Behind a reverse proxy every request comes from the proxy's address, so one guesser would lock
out every partner. The client's address is then read from ``X-Forwarded-For``, but only when the
request comes from a proxy listed in ``HUB_TRUSTED_PROXIES`` (addresses or networks; none by
default), and only as far as trusted proxies wrote it: the header is read from the right, and the
first address that is not a trusted proxy is the client. Anything left of it was sent by the
client itself and could be forged.

Tokens travel in the URL path (podcast and playout software can only be given a URL), so
:class:`ScrubPartnerTokens` removes them from every log record that mentions a path.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import re
import threading
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotFound
from django.utils.translation import gettext as _

from hub.feeds import cache as feed_cache

from .models import PartnerFeedToken

logger = logging.getLogger(__name__)

# Every answer to a partner's token URL (feed, downloads, takedown list and acknowledgements) carries
# these: kept out of search engines, and never passed on as a referrer (the token is in the URL).
# How long an answer may be cached differs per kind, so each view sets its own Cache-Control.
PRIVATE_HEADERS = {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}

PREFIX = "/feeds/partners/"
_TOKEN_IN_PATH = re.compile(r"(/feeds/partners/)[^/\s?#\"']+")
_TOKEN_IN_PATH_BYTES = re.compile(rb"(/feeds/partners/)[^/\s?#\"']+")
REDACTED = r"\1[token]"


Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def proxy_entries(setting) -> tuple[str, ...]:
    """``HUB_TRUSTED_PROXIES`` (a list, or a comma-separated string) as stripped entries."""
    if isinstance(setting, str):
        setting = setting.split(",")
    return tuple(str(entry).strip() for entry in setting or () if str(entry).strip())


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """The entries as networks. Invalid ones are skipped here and reported by the system check."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            logger.error("HUB_TRUSTED_PROXIES: %r is no address or network; ignored", entry)
    return tuple(networks)


def _address(value: str) -> Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def _is_trusted(address: Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address.version == net.version and address in net for net in networks)


def client_address(request) -> str:
    """The address failures count against: the peer, or the client that trusted proxies name."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = trusted_networks(proxy_entries(getattr(settings, "HUB_TRUSTED_PROXIES", ())))
    if not networks or not _is_trusted(_address(remote), networks):
        return remote or "unknown"
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if not _is_trusted(address, networks):
            return str(address) if address is not None else hop[:100]
    # No header, or only trusted proxies in it: the farthest one is as close to the client as we get.
    return str(_address(hops[0])) if hops else remote


def _failure_key(request) -> str:
    address = client_address(request)
    parsed = _address(address)
    if parsed is not None and parsed.version == 6:
        # One IPv6 client usually holds a whole /64: count the network, not each address in it.
        address = str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return "hub-partners:failures:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def _limit() -> int:
    return int(getattr(settings, "HUB_PARTNER_FAILURE_LIMIT", 10))


def _window() -> int:
    return int(getattr(settings, "HUB_PARTNER_FAILURE_WINDOW", 600))


class LocalFailures:
    """Failures per key in this process's memory: (count, end of window), at most ``size`` keys."""

    def __init__(self, size: int = 10_000):
        self.size = size
        self.entries: dict[str, tuple[int, float]] = {}
        self.lock = threading.Lock()

    def count(self, key: str) -> int:
        entry = self.entries.get(key)
        return entry[0] if entry is not None and entry[1] > time.monotonic() else 0

    def add(self, key: str, window: int) -> None:
        now = time.monotonic()
        with self.lock:
            count, ends = self.entries.get(key, (0, 0.0))
            if ends <= now:
                count, ends = 0, now + window
            if key not in self.entries and len(self.entries) >= self.size:
                self.entries = {k: v for k, v in self.entries.items() if v[1] > now}
                if len(self.entries) >= self.size:  # all live: drop the oldest half
                    keep = sorted(self.entries.items(), key=lambda item: item[1][1])[self.size // 2 :]
                    self.entries = dict(keep)
            self.entries[key] = (count + 1, ends)


_local_failures = LocalFailures()


def is_rate_limited(request) -> bool:
    from hub.ops.cache import available

    key = _failure_key(request)
    shared = cache.get(key) or 0  # a cache outage reads as 0 (hub.ops.cache): the local count then holds
    if shared >= _limit():
        return True
    return not available() and _local_failures.count(key) >= _limit()


def record_failure(request) -> None:
    key = _failure_key(request)
    _local_failures.add(key, _window())
    if cache.add(key, 1, _window()):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, _window())


def too_many_requests() -> HttpResponse:
    message = _("Too many failed attempts. Try again later.")
    response = HttpResponse(f"{message}\n", status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(_window())
    response["Cache-Control"] = "no-store"
    return response


def not_found() -> HttpResponse:
    response = HttpResponseNotFound(f"{_('Not found.')}\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


class _UnknownToken(Exception):
    """Raised through ``decided`` so that a refusal is never remembered."""


def _known_token(raw: str):
    token = PartnerFeedToken.authenticate(raw)
    if token is None:
        raise _UnknownToken
    return token


def authenticate(request, raw: str):
    """(token, None) for a good token, else (None, the response to send)."""
    if is_rate_limited(request):
        return None, too_many_requests()
    # A good token is remembered briefly (hub.feeds.cache.decided) so that partner feeds already in
    # the cache stay available while the database is away; unknown tokens are never remembered.
    name = "partner-token:" + hashlib.sha256(raw.encode()).hexdigest()
    try:
        token = feed_cache.decided(name, lambda: _known_token(raw), seconds=60)
    except _UnknownToken:
        token = None
    if token is None:
        record_failure(request)
        return None, not_found()
    return token, None


def scrub(text: str) -> str:
    return _TOKEN_IN_PATH.sub(REDACTED, text)


def _scrub_value(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, bytes):
        return _TOKEN_IN_PATH_BYTES.sub(rb"\1[token]", value)
    return value


class ScrubPartnerTokens(logging.Filter):
    """Remove partner tokens from log records: message, arguments and the attached request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_scrub_value(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            # In place: gunicorn passes a dict subclass whose lookups must keep working.
            for key, value in list(dict.items(record.args)):
                dict.__setitem__(record.args, key, _scrub_value(value))
        # Structured loggers put the path in extra fields (e.g. gunicorn's JSON access log).
        for key, value in list(vars(record).items()):
            if key not in {"msg", "args"} and isinstance(value, str) and PREFIX in value:
                setattr(record, key, scrub(value))
        request = getattr(record, "request", None)
        path = getattr(request, "path", "") or ""
        if PREFIX in path:
            # Handlers such as AdminEmailHandler print the whole request: leave it out.
            record.request = None
        return True


# Loggers that write request paths: Django's request and server logs, gunicorn's access log. A
# logger's filters do not apply to its children's records (django.security.<exception name>):
# those are caught by the filter on the root logger's handlers, and the commonest one is listed.
SCRUBBED_LOGGERS = (
    "django.request",
    "django.server",
    "django.security",
    "django.security.DisallowedHost",
    "gunicorn.access",
    "gunicorn.error",
)


def install_log_scrubbing() -> None:
    scrubber = ScrubPartnerTokens()
    for name in SCRUBBED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ScrubPartnerTokens) for f in logger.filters):
            logger.addFilter(scrubber)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, ScrubPartnerTokens) for f in handler.filters):
            handler.addFilter(scrubber)
