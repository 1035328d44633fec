"""Who may pull partner feeds: token checks, rate limiting of failures, and log scrubbing.

An unknown, expired or revoked token gets a plain 404 that reveals nothing. Each failure counts
against the client's address in the cache; past ``HUB_PARTNER_FAILURE_LIMIT`` failures within
``HUB_PARTNER_FAILURE_WINDOW`` seconds the address gets 429 for the rest of the window, valid
token or not. Tokens travel in the URL path (podcast and playout software can only be given a
URL), so :class:`ScrubPartnerTokens` removes them from every log record that mentions a path.
"""

from __future__ import annotations

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotFound
from django.utils.translation import gettext as _

from .models import PartnerFeedToken

PREFIX = "/feeds/partners/"
_TOKEN_IN_PATH = re.compile(r"(/feeds/partners/)[^/\s?#\"']+")
_TOKEN_IN_PATH_BYTES = re.compile(rb"(/feeds/partners/)[^/\s?#\"']+")
REDACTED = r"\1[token]"


def _failure_key(request) -> str:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return "hub-partners:failures:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def _limit() -> int:
    return int(getattr(settings, "HUB_PARTNER_FAILURE_LIMIT", 10))


def _window() -> int:
    return int(getattr(settings, "HUB_PARTNER_FAILURE_WINDOW", 600))


def is_rate_limited(request) -> bool:
    return (cache.get(_failure_key(request)) or 0) >= _limit()


def record_failure(request) -> None:
    key = _failure_key(request)
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


def authenticate(request, raw: str):
    """(token, None) for a good token, else (None, the response to send)."""
    if is_rate_limited(request):
        return None, too_many_requests()
    token = PartnerFeedToken.authenticate(raw)
    if token is None or not token.partner.is_broadcast_partner:
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


# Loggers that write request paths: Django's request and server logs, gunicorn's access log.
SCRUBBED_LOGGERS = ("django.request", "django.server", "django.security", "gunicorn.access", "gunicorn.error")


def install_log_scrubbing() -> None:
    scrubber = ScrubPartnerTokens()
    for name in SCRUBBED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ScrubPartnerTokens) for f in logger.filters):
            logger.addFilter(scrubber)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, ScrubPartnerTokens) for f in handler.filters):
            handler.addFilter(scrubber)
