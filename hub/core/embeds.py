"""Episode embeds: ``/embed/episode/<id>/`` (a small player page for iframes) and oEmbed.

The embed page is the only view the hub lets other sites frame (``X-Frame-Options`` is
``SAMEORIGIN`` everywhere else). It shows the plain player in the episode's own language, with
the waveform when JavaScript runs, and a link back to the full episode page (transcript,
chapters, show notes).

``/oembed/?url=<episode page URL>`` answers oEmbed 1.0 ``rich`` responses in JSON (the
default) or XML; other formats get 501, unknown URLs 404, as the specification asks.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree as ET

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.http.request import split_domain_port, validate_host
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import get_language_from_path
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe
from wagtail.models import Site

from hub.radio.models import EpisodePage
from hub.radio.player import episode_player

from .seo import site_name

DEFAULT_WIDTH = 640
DEFAULT_HEIGHT = 200
MIN_WIDTH = 240
MIN_HEIGHT = 120


def _live_episode(pk: int) -> EpisodePage | None:
    """The episode if anyone may see it on the website now (hub.access.policy: release, consent, privacy)."""
    from hub.access.policy import WEBSITE, Viewer, may_see

    episode = EpisodePage.objects.filter(pk=pk).select_related("locale", "audio").first()
    return episode if episode is not None and may_see(Viewer(), episode, WEBSITE) else None


@xframe_options_exempt
@require_safe
def embed_episode(request, episode_id: int):
    episode = _live_episode(episode_id)
    if episode is None:
        raise Http404
    language = episode.locale.language_code
    with translation.override(language):
        show = episode.get_parent().specific
        context = {
            "episode": episode,
            "show": show,
            "player": episode_player(episode, request),
            "episode_url": request.build_absolute_uri(episode.get_url(request)),
        }
        response = render(request, "embed/episode.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Content-Language"] = language
    return response


def _episode_from_url(request, url: str) -> EpisodePage | None:
    """The live episode a public URL points to: its page, or its embed page."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host, _port = split_domain_port(parts.netloc)
    allowed = settings.ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]"]
    if not host or not validate_host(host, allowed):
        return None
    path = parts.path or "/"
    # i18n_patterns only match the active language's prefix: resolve in the URL's language.
    language = get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            return None
        if match.url_name == "embed-episode":
            return _live_episode(match.kwargs["episode_id"])
        if match.url_name != "wagtail_serve":
            return None
        site = Site.find_for_request(request)
        if site is None:
            return None
        page_path = match.args[0] if match.args else match.kwargs.get("path", "")
        root = site.root_page.localized.specific
        try:
            route = root.route(request, [component for component in page_path.split("/") if component])
        except Http404:
            return None
    page = route.page.specific if route else None
    if isinstance(page, EpisodePage) and page.live:
        return _live_episode(page.pk)
    return None


def _dimension(value: str | None, default: int, minimum: int) -> int:
    try:
        requested = int(value) if value else default
    except ValueError:
        requested = default
    return max(minimum, min(default, requested))


@require_safe
def oembed(request):
    response_format = request.GET.get("format", "json").lower()
    if response_format not in ("json", "xml"):
        return HttpResponse("Only json and xml are supported.", status=501, content_type="text/plain")
    episode = _episode_from_url(request, request.GET.get("url", ""))
    if episode is None:
        raise Http404
    width = _dimension(request.GET.get("maxwidth"), DEFAULT_WIDTH, MIN_WIDTH)
    height = _dimension(request.GET.get("maxheight"), DEFAULT_HEIGHT, MIN_HEIGHT)
    with translation.override(episode.locale.language_code):
        show = episode.get_parent().specific
        embed_url = request.build_absolute_uri(reverse("embed-episode", args=[episode.pk]))
        data = {
            "version": "1.0",
            "type": "rich",
            "provider_name": site_name(),
            "provider_url": request.build_absolute_uri("/"),
            "title": episode.title,
            "author_name": show.title,
            "author_url": request.build_absolute_uri(show.get_url(request)),
            "width": width,
            "height": height,
            "cache_age": 3600,
            "html": format_html(
                '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" style="border:0"'
                ' allow="autoplay; clipboard-write"></iframe>',
                embed_url,
                width,
                height,
                episode.title,
            ),
        }
    if response_format == "json":
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    root = ET.Element("oembed")
    for key, value in data.items():
        ET.SubElement(root, key).text = str(value)
    xml = '<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n' + ET.tostring(root, encoding="unicode")
    return HttpResponse(xml.encode(), content_type="text/xml; charset=utf-8")


def discovery_url(request, page_url: str) -> str:
    """The oEmbed endpoint for one page, for ``<link rel="alternate">`` discovery."""
    return request.build_absolute_uri(reverse("oembed") + "?" + urlencode({"url": page_url, "format": "json"}))
