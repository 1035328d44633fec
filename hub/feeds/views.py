"""Public podcast feeds. Feed XML is built in one place: :mod:`hub.feeds.podcast`."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from wagtail.models import Locale

from hub.radio.models import ShowPage

from .podcast import build_show_feed


@require_safe
def show_feed(request, show_id):
    show = get_object_or_404(ShowPage.objects.live().public(), pk=show_id)
    xml = build_show_feed(show, request)
    return HttpResponse(xml, content_type="application/rss+xml; charset=utf-8")


@require_safe
def feed_index(request):
    """Every public feed, the current language's first."""
    active = Locale.get_active()
    shows = sorted(
        ShowPage.objects.live().public().select_related("locale"),
        key=lambda show: (show.locale_id != active.pk, show.locale.language_code, show.title),
    )
    return render(request, "pages/feed_index_page.html", {"shows": shows})
