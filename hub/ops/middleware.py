from .views import healthz


class HealthCheckMiddleware:
    """Answer ``/healthz`` before host validation and the HTTPS redirect.

    Load balancers probe each node by its address over plain HTTP; those requests carry neither an
    allowed host name nor ``X-Forwarded-Proto``. The answer says nothing about the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)


DATABASE_OUTAGE_RETRY_AFTER = 30  # seconds


def _is_database_outage(exc: BaseException | None) -> bool:
    from django.db import InterfaceError, OperationalError

    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _remember_outage(sender, request=None, **kwargs) -> None:
    """got_request_exception receiver: note on the request that the database was unreachable."""
    import sys

    if request is not None and _is_database_outage(sys.exc_info()[1]):
        request.hub_database_outage = True


def database_outage_response(request):
    """A translated 503 with Retry-After, rendered without the database (no template, no context)."""
    from django.http import HttpResponse
    from django.utils import translation
    from django.utils.html import escape
    from django.utils.translation import gettext as _

    language = translation.get_language_from_request(request, check_path=True)
    with translation.override(language):
        title = _("Temporarily unavailable")
        message = _("The hub cannot reach its database at the moment. Please try again in a minute.")
        direction = "rtl" if translation.get_language_bidi() else "ltr"
        body = (
            f'<!doctype html><html lang="{escape(translation.get_language())}" dir="{direction}"><head>'
            f'<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>"
            f"<p>{escape(message)}</p></main></body></html>"
        )
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(DATABASE_OUTAGE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    return response


class DatabaseOutageMiddleware:
    """Answer 503 with Retry-After, not 500, when the database cannot be reached.

    What can be served without the database still is (cached pages and feeds, enclosures and
    partner feeds from their remembered decisions, see ``hub.feeds.cache.decided``); any other
    request that needed it gets a short translated page asking to try again. Place it first.
    """

    def __init__(self, get_response):
        from django.core.signals import got_request_exception

        got_request_exception.connect(_remember_outage, dispatch_uid="hub-database-outage")
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        if settings.DEBUG:  # developers want the traceback
            return self.get_response(request)
        try:
            response = self.get_response(request)
        except Exception as exc:
            if _is_database_outage(exc):
                return database_outage_response(request)
            raise
        if response.status_code == 500 and getattr(request, "hub_database_outage", False):
            return database_outage_response(request)
        return response
