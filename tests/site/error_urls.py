"""The hub's URLs plus views that fail on purpose, for tests of the error pages."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpResponse
from django.urls import path

from hub.urls import urlpatterns as hub_urlpatterns


def broken(request):
    raise RuntimeError("a bug, on purpose")


def forbidden(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("a malformed request, on purpose")


def form(request):
    return HttpResponse("sent")


urlpatterns = [
    *i18n_patterns(
        path("test-errors/500/", broken),
        path("test-errors/403/", forbidden),
        path("test-errors/400/", suspicious),
        path("test-errors/form/", form),
        prefix_default_language=True,
    ),
    *hub_urlpatterns,
]
