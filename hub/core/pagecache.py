"""Anonymous page cache, cleared whenever something public changes; never used for editors.

Why not Django's ``cache_page`` or Wagtail's frontend cache: ``cache_page`` can only expire
entries by time, and Wagtail's frontend cache purges a CDN, which the embedded setup does not
have. Here every cached HTML response is stored under a *generation* number; publishing,
unpublishing, moving or deleting a page, and saving a snippet, image, document or audio asset
bumps the generation, so every entry made before is unreachable at once (and expires by
itself later). A site like this one publishes a few times a day; a full flush on each publish
costs one re-render per page afterwards and can never leave a stale page behind, which a
per-URL purge could (a story appears on its index, the home page, partner pages, search...).

Rules: only GET/HEAD, only visitors who are not logged in (no session cookie is read unless the
browser sent one), only 200 responses with ``text/html`` that set no cookie and are not marked
private. The key holds the host, the full path with its query string, and the language. The
time-to-live is ``HUB_PAGE_CACHE_SECONDS`` (0 turns the cache off).
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

GENERATION_KEY = "hub:pagecache:generation"
SKIP_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/media/", "/static/", "/i18n/")
HEADER = "X-Hub-Cache"


def cache_seconds() -> int:
    return int(getattr(settings, "HUB_PAGE_CACHE_SECONDS", 300))


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A clock reading, not 1: a generation that was evicted (or lost with a restarted cache)
        # must never start again at a number whose old entries may still be stored.
        cache.add(GENERATION_KEY, time.time_ns(), None)
        value = cache.get(GENERATION_KEY, 0)
    return value


def clear_page_cache_now_and_on_commit(**_kwargs) -> None:
    """Clear at once, and again when the transaction that made the change commits.

    Another process (a web worker while the task worker unpublishes) may render a page between
    the change and its commit, still seeing the old rows, and cache it under the new generation;
    the second clear retires that entry as soon as the change is visible.
    """
    from django.db import transaction

    clear_page_cache()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(clear_page_cache)


def clear_page_cache(**_kwargs) -> None:
    """Make every cached page unreachable (signal receiver; also callable directly).

    With the cache down this does nothing at once; the resilient cache backend runs it again as
    soon as the cache answers (``hub.ops.cache.on_recovery``), so no page outlives a change.
    """
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet, or it was evicted
        cache.set(GENERATION_KEY, time.time_ns(), None)


def _key(request) -> str:
    raw = f"{request.get_host()}|{request.get_full_path()}|{get_language()}"
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"hub:page:{generation()}:{digest}"


def _anonymous(request) -> bool:
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return user is not None and not user.is_authenticated


def _cacheable_request(request) -> bool:
    return (
        cache_seconds() > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(SKIP_PREFIXES)
        and "preview" not in request.GET
        and _anonymous(request)
    )


def _cacheable_response(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and "no-cache" not in cache_control
    )


class AnonymousPageCacheMiddleware:
    """Serve and store anonymous HTML pages. Place it after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            response = self.get_response(request)
            if cache_seconds() > 0 and response.get("Content-Type", "").startswith("text/html"):
                # Pages for editors (or anything with a session) must not be kept by browsers' shared caches.
                patch_vary_headers(response, ("Cookie",))
            return response
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            cached[HEADER] = "hit"
            return cached
        response = self.get_response(request)
        if request.method == "GET" and _cacheable_response(response):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            patch_vary_headers(response, ("Cookie",))
            try:
                cache.set(key, response, cache_seconds())
            except Exception:  # an unpicklable response is served, just not kept
                logger.warning("Could not cache %s", request.path, exc_info=True)
            response[HEADER] = "miss"
        return response


class CompressHTMLMiddleware(GZipMiddleware):
    """gzip for HTML, XML and plain-text responses only.

    Django's GZipMiddleware would also compress streamed media (audio served with byte ranges
    by ``serve_media``) and change the feeds' ETags; this one leaves every other response
    alone. BREACH: Django randomises the compressed length, and public pages hold no secret.
    """

    TYPES = ("text/html", "application/xml", "text/plain")

    def process_response(self, request, response):
        if response.streaming or not response.get("Content-Type", "").startswith(self.TYPES):
            return response
        return super().process_response(request, response)


def connect_signals() -> None:
    """Clear the page cache when anything that public pages show changes."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from hub.ops.cache import on_recovery

    on_recovery(clear_page_cache)
    page_published.connect(clear_page_cache_now_and_on_commit, dispatch_uid="hub-pagecache-published")
    page_unpublished.connect(clear_page_cache_now_and_on_commit, dispatch_uid="hub-pagecache-unpublished")
    post_page_move.connect(clear_page_cache_now_and_on_commit, dispatch_uid="hub-pagecache-moved")
    from wagtail.models import Page

    watched_apps = {"wagtailcore", "wagtailimages", "wagtaildocs", "core", "stories", "radio", "campaigns"}
    watched_apps |= {"partners", "audio"}
    # Rows that rendering itself writes, or that no public page shows, do not clear the cache.
    ignored = {"rendition", "revision", "pagelogentry", "modellogentry", "pagesubscription", "workflowstate"}
    ignored |= {"taskstate", "comment", "commentreply", "uploadedimage", "uploadeddocument"}

    def receiver(sender, **kwargs):
        meta = sender._meta
        if issubclass(sender, Page) or (meta.app_label in watched_apps and meta.model_name not in ignored):
            clear_page_cache_now_and_on_commit()

    post_save.connect(receiver, weak=False, dispatch_uid="hub-pagecache-saved")
    post_delete.connect(receiver, weak=False, dispatch_uid="hub-pagecache-deleted")
