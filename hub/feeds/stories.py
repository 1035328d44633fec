"""Atom and RSS of the latest volunteer stories in one language, built with feedgen."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from feedgen.feed import FeedGenerator
from wagtail.models import Locale

from .data import absolute, aware_publication, html_paragraphs, show_base_url
from .podcast import EPOCH, GENERATOR
from .text import one_line

LATEST = 20


def gather_stories(language: str):
    """The latest live, public stories of a language, with their themes (two queries)."""
    from hub.stories.models import StoryPage, Theme

    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return []
    from hub.access.policy import listed

    stories = listed(StoryPage.objects.filter(locale=locale))
    return list(
        stories.prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("name"))).order_by(
            "-publication_date", "-pk"
        )[:LATEST]
    )


def render_stories(request, language: str, kind: str) -> tuple[bytes, object]:
    """The stories feed as ``kind`` ("atom" or "rss") bytes, and the time its content last changed."""
    base = show_base_url(request)
    with translation.override(language):
        stories = gather_stories(language)
        feed_url = base + reverse(f"stories-{kind}")
        home_url = base + f"/{language}/"
        fg = FeedGenerator()
        fg.id(feed_url)
        fg.title(_("%(site)s: volunteer stories") % {"site": one_line(settings.WAGTAIL_SITE_NAME)})
        fg.subtitle(_("The latest stories of volunteering, told by the people who live them."))
        fg.description(_("The latest stories of volunteering, told by the people who live them."))
        fg.language(language)
        fg.generator(GENERATOR)
        fg.author({"name": one_line(settings.WAGTAIL_SITE_NAME)})
        fg.link(href=feed_url, rel="self", type="application/atom+xml" if kind == "atom" else "application/rss+xml")
        fg.link(href=home_url, rel="alternate")
        updated = max((s.last_published_at for s in stories if s.last_published_at), default=None)
        fg.updated(updated or EPOCH)
        for story in stories:
            url = absolute(base, story.get_url(request))
            entry = fg.add_entry(order="append")
            entry.id(f"urn:hub:story:{story.translation_key}:{language}")
            entry.guid(f"urn:hub:story:{story.translation_key}:{language}", permalink=False)
            entry.title(one_line(story.title) or _("Story"))
            entry.link(href=url)
            published = aware_publication(story.publication_date)
            entry.published(published)
            entry.updated(story.last_published_at or published)
            name = one_line(story.storyteller_name)
            if name:
                entry.author({"name": name})
            summary = html_paragraphs(story.summary)
            if summary and kind == "atom":
                entry.summary(summary, type="html")
            elif summary:
                entry.description(summary)
            for theme in story.themes.all():
                entry.category(term=one_line(theme.slug), label=one_line(theme.name))
        body = fg.atom_str(pretty=True) if kind == "atom" else fg.rss_str(pretty=True)
    return body, updated
