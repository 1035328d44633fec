"""Sharing and discovery metadata: canonical URL, Open Graph, Twitter cards and JSON-LD.

:func:`page_metadata` gathers plain data for ``templates/components/seo.html``. Structured data
follows schema.org: ``Article`` for stories, ``PodcastSeries`` for shows, ``PodcastEpisode`` for
episodes, ``WebSite`` (with a search action) for home pages.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

logger = logging.getLogger(__name__)

OG_LOCALES = {"en": "en_GB", "de": "de_DE", "el": "el_GR", "it": "it_IT", "ar": "ar_AR"}
WIDE_IMAGE = "fill-1200x630|format-jpeg|jpegquality-80"
SQUARE_IMAGE = "fill-1200x1200|format-jpeg|jpegquality-80"

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data: dict) -> str:
    """JSON for a ``<script type="application/ld+json">``: ``<``, ``>`` and ``&`` escaped."""
    return mark_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES))  # noqa: S308


def absolute(request, url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    if request is None:
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url
    return request.build_absolute_uri(url)


def site_name() -> str:
    from hub.core.context_processors import site_name as translated_site_name

    return translated_site_name()


def _image(request, image, spec: str, alt: str = "") -> dict | None:
    if image is None:
        return None
    try:
        rendition = image.get_rendition(spec)
    except Exception:  # a missing source file must not take the page down
        logger.warning("No rendition %s of image %s", spec, getattr(image, "pk", None), exc_info=True)
        return None
    return {"url": absolute(request, rendition.url), "width": rendition.width, "height": rendition.height, "alt": alt}


def _description(*candidates) -> str:
    for text in candidates:
        if text:
            return Truncator(strip_tags(str(text)).strip()).chars(200)
    return ""


def _date(value) -> str:
    return value.isoformat() if value else ""


def _organisation() -> dict:
    return {"@type": "Organization", "name": site_name()}


def _feed_url(request, show) -> str:
    try:
        return absolute(request, reverse("show-feed", args=[show.pk]))
    except NoReverseMatch:
        return ""


def story_data(request, page, canonical: str, image: dict | None) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": Truncator(page.title).chars(110),
        "description": _description(page.summary),
        "inLanguage": page.locale.language_code,
        "datePublished": _date(page.publication_date),
        "dateModified": _date(page.last_published_at) or _date(page.publication_date),
        "mainEntityOfPage": canonical,
        "url": canonical,
        "author": {"@type": "Person", "name": page.storyteller_name},
        "publisher": _organisation(),
        "contentLocation": {
            "@type": "Place",
            "name": f"{page.city}, {page.get_country_display()}",
            "address": {"@type": "PostalAddress", "addressLocality": page.city, "addressCountry": page.country},
        },
    }
    if image:
        data["image"] = [image["url"]]
    return data


def show_data(request, page, canonical: str, image: dict | None) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "PodcastSeries",
        "name": page.title,
        "description": _description(page.description),
        "url": canonical,
        "inLanguage": page.podcast_language or page.locale.language_code,
        "author": {"@type": "Organization", "name": page.owner_name},
        "publisher": _organisation(),
    }
    feed = _feed_url(request, page)
    if feed:
        data["webFeed"] = feed
    if image:
        data["image"] = image["url"]
    return data


def episode_data(request, page, canonical: str, image: dict | None, player: dict | None, show) -> dict:
    from hub.radio.player import iso_duration

    data = {
        "@context": "https://schema.org",
        "@type": "PodcastEpisode",
        "name": page.title,
        "description": _description(page.summary),
        "url": canonical,
        "datePublished": _date(page.publication_date),
        "inLanguage": getattr(show, "podcast_language", "") or page.locale.language_code,
    }
    if page.episode_number:
        data["episodeNumber"] = page.episode_number
    if show is not None:
        series = {"@type": "PodcastSeries", "name": show.title, "url": absolute(request, show.get_url(request))}
        feed = _feed_url(request, show)
        if feed:
            series["webFeed"] = feed
        data["partOfSeries"] = series
    if page.season_number:
        data["partOfSeason"] = {"@type": "PodcastSeason", "seasonNumber": page.season_number}
    if player:
        main = player["mp3"] or player["opus"]
        data["duration"] = iso_duration(player["duration"])
        data["associatedMedia"] = {
            "@type": "MediaObject",
            "contentUrl": absolute(request, main["url"]),
            "encodingFormat": main["mime_type"],
            "contentSize": str(main["size_bytes"]),
            "duration": iso_duration(player["duration"]),
        }
    if image:
        data["image"] = image["url"]
    return data


def home_data(request, page, canonical: str) -> dict:
    data = {"@context": "https://schema.org", "@type": "WebSite", "name": site_name(), "url": canonical}
    try:
        search = absolute(request, reverse("search"))
    except NoReverseMatch:
        return data
    data["potentialAction"] = {
        "@type": "SearchAction",
        "target": {"@type": "EntryPoint", "urlTemplate": search + "?q={search_term_string}"},
        "query-input": "required name=search_term_string",
    }
    return data


def canonical_url(request, page=None, keep_params=()) -> str:
    """The page's own URL (for listings: with its filter parameters, sorted).

    Absolute URLs use the host the request came to (as the hreflang links do): behind a proxy
    ``ALLOWED_HOSTS`` limits it to the public names, and a local demo links to itself.
    """
    url = absolute(request, (page.get_url(request) or "") if page is not None else request.path)
    if request is not None and keep_params:
        params = sorted((key, request.GET[key]) for key in keep_params if request.GET.get(key))
        if params:
            url += "?" + urlencode(params)
    return url


def page_metadata(context) -> dict:
    """Metadata for the current page (Wagtail page or plain view) from the template context."""
    from hub.campaigns.models import CampaignPage
    from hub.core.models import HomePage
    from hub.radio.models import EpisodePage, ShowPage
    from hub.stories.models import StoryPage

    request = context.get("request")
    page = context.get("page")
    meta_override = context.get("seo") or {}
    language = getattr(getattr(page, "locale", None), "language_code", None) or context.get("CURRENT_LANGUAGE", "en")
    result = {
        "site_name": site_name(),
        "og_type": "website",
        "og_locale": OG_LOCALES.get(language, language),
        "title": "",
        "description": "",
        "canonical": "",
        "image": None,
        "audio": None,
        "json_ld": [],
        "robots": meta_override.get("robots", ""),
        "twitter_card": "summary",
    }
    if page is None or not hasattr(page, "get_full_url"):
        result["title"] = meta_override.get("title", "")
        result["description"] = meta_override.get("description", "")
        result["canonical"] = meta_override.get("canonical") or canonical_url(request)
        return result

    specific = page.specific if type(page).__name__ == "Page" else page
    keep = ("country", "language", "theme", "partner", "page") if "story_filter" in context else ()
    canonical = canonical_url(request, specific, keep)
    result.update(
        title=specific.seo_title or specific.title,
        canonical=canonical,
        description=_description(
            specific.search_description,
            getattr(specific, "summary", ""),
            getattr(specific, "intro", ""),
            getattr(specific, "description", ""),
        ),
    )
    image = None
    if isinstance(specific, StoryPage):
        image = _image(request, specific.hero_image, WIDE_IMAGE, specific.hero_alt)
        result["og_type"] = "article"
        result["article"] = {"published_time": _date(specific.publication_date)}
        result["json_ld"].append(story_data(request, specific, canonical, image))
    elif isinstance(specific, ShowPage):
        image = _image(request, specific.artwork, SQUARE_IMAGE, specific.title)
        result["json_ld"].append(show_data(request, specific, canonical, image))
    elif isinstance(specific, EpisodePage):
        from hub.core.templatetags.hub_tags import episode_extras

        extras = episode_extras(context, specific)
        show, player = extras["show"], extras["player"]
        image = _image(request, getattr(show, "artwork", None), SQUARE_IMAGE, getattr(show, "title", ""))
        result["og_type"] = "article"
        if player:
            main = player["mp3"] or player["opus"]
            result["audio"] = {"url": absolute(request, main["url"]), "type": main["mime_type"]}
        result["json_ld"].append(episode_data(request, specific, canonical, image, player, show))
    elif isinstance(specific, CampaignPage):
        first = specific.images.select_related("image").first()
        if first:
            image = _image(request, first.image, WIDE_IMAGE, first.alt_text)
    elif isinstance(specific, HomePage):
        result["json_ld"].append(home_data(request, specific, canonical))
    result["image"] = image
    result["twitter_card"] = "summary_large_image" if image and image["width"] > image["height"] else "summary"
    result["json_ld"] = [json_ld(item) for item in result["json_ld"]]
    return result
