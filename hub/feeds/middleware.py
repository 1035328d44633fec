"""Answer cached public feeds before the rest of the middleware stack.

Podcast apps poll feeds all day, mostly with conditional requests that end in 304. A cached feed
does not depend on the session, the user or the language negotiation, so it is served here,
right after WhiteNoise, the way Django's FetchFromCacheMiddleware serves cached pages early. A
cache miss (or anything that is not a GET/HEAD of a public feed URL) goes on to the view, which
builds the feed and caches it under the same key.
"""

from . import cache as feed_cache

PREFIX = "/feeds/"
PRIVATE = "/feeds/partners/"


def cache_name(request) -> str:
    """The cache key of a public feed URL: path and host (feeds carry absolute URLs)."""
    return f"path:{request.path}:{request.scheme}://{request.get_host()}"


class FeedCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if request.method in ("GET", "HEAD") and PREFIX in path and PRIVATE not in path:
            # The Host header as sent, unvalidated: it can only match entries that the view stored
            # after validating it (cache_name), so a forged host is a miss and the view refuses it.
            host = request.META.get("HTTP_HOST", "")
            entry = feed_cache.lookup(f"path:{request.path}:{request.scheme}://{host}") if host else None
            if entry is not None:
                try:
                    return feed_cache.feed_response(
                        request, entry, cache_control=feed_cache.public_cache_control(), headers=feed_cache.CORS
                    )
                except feed_cache.CacheMiss:
                    pass  # the view builds it again
        return self.get_response(request)
