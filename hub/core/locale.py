"""Django's LocaleMiddleware, minus one redirect that the hub's URL layout makes wrong.

On a 404 for a path without a language prefix, Django redirects to the same path with the
prefix if that path exists. With Wagtail's catch-all page route under every prefix, *every*
prefixed path "exists", so a genuine 404 from a view outside the language prefix (an unknown
embed or oEmbed URL, a missing media file, a revoked feed token) became a 302 to
``/en/...`` and only then a 404. Here a 404 from a view that the unprefixed path did resolve to
is answered as it is; paths that resolve to nothing (``/stories/``) are still redirected.
"""

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, get_language_from_path


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_response(self, request, response):
        if (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is not None
            and not get_language_from_path(request.path_info)
        ):
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", get_language())
            return response
        return super().process_response(request, response)
