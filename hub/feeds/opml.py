"""OPML (2.0) of every public show in one language: one file to subscribe to all of them."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date
from django.utils.translation import gettext as _
from lxml import etree
from wagtail.models import Locale

from .data import absolute, show_base_url
from .text import one_line, xml_text


def gather_shows(language: str):
    from hub.radio.models import ShowPage

    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return []
    from hub.access.policy import listed

    return list(listed(ShowPage.objects.filter(locale=locale)).order_by("title", "pk"))


def render_opml(request, language: str) -> tuple[bytes, object]:
    base = show_base_url(request)
    with translation.override(language):
        shows = gather_shows(language)
        updated = max((s.last_published_at for s in shows if s.last_published_at), default=None)
        root = etree.Element("opml", version="2.0")
        head = etree.SubElement(root, "head")
        etree.SubElement(head, "title").text = _("%(site)s: podcasts") % {"site": one_line(settings.WAGTAIL_SITE_NAME)}
        if updated is not None:
            etree.SubElement(head, "dateModified").text = http_date(updated.timestamp())
        etree.SubElement(head, "ownerName").text = one_line(settings.WAGTAIL_SITE_NAME)
        body = etree.SubElement(root, "body")
        for show in shows:
            title = one_line(show.title)
            etree.SubElement(
                body,
                "outline",
                type="rss",
                text=title,
                title=title,
                description=xml_text(show.description)[:500],
                language=show.podcast_language or language,
                xmlUrl=base + reverse("show-feed", args=[show.pk]),
                htmlUrl=absolute(base, show.get_url(request)),
            )
        return etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True), updated
