"""Podcast RSS for a show, built with feedgen.

feedgen's podcast extension writes ``itunes:explicit`` as yes/no/clean while Apple and PSP-1
require true/false, so the explicit flag is written by our own small extension instead.
"""

from datetime import datetime, time

from django.utils import timezone
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from hub.radio.categories import split_category
from hub.radio.models import EpisodePage

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"


class _ExplicitMixin:
    explicit: bool | None = None

    def _write_explicit(self, element):
        if self.explicit is not None:
            node = etree.SubElement(element, f"{{{ITUNES_NS}}}explicit")
            node.text = "true" if self.explicit else "false"
        return element


class HubFeedExtension(_ExplicitMixin, BaseExtension):
    def extend_ns(self):
        return {"itunes": ITUNES_NS}

    def extend_rss(self, rss_feed):
        self._write_explicit(rss_feed.find("channel"))
        return rss_feed


class HubEntryExtension(_ExplicitMixin, BaseEntryExtension):
    def extend_rss(self, entry):
        return self._write_explicit(entry)


def _aware(day):
    return timezone.make_aware(datetime.combine(day, time(6, 0)))


def build_show_feed(show, request) -> bytes:
    feed_url = request.build_absolute_uri(request.path)
    page_url = request.build_absolute_uri(show.get_url(request))
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("hub", HubFeedExtension, HubEntryExtension, rss=True, atom=False)
    fg.title(show.title)
    fg.description(show.description)
    fg.language(show.podcast_language)
    fg.link(href=feed_url, rel="self")
    fg.link(href=page_url, rel="alternate")  # last: feedgen uses the last link as <link>
    if show.copyright:
        fg.copyright(show.copyright)
    fg.podcast.itunes_author(show.owner_name)
    fg.podcast.itunes_owner(name=show.owner_name, email=show.owner_email)
    category, subcategory = split_category(show.apple_category)
    fg.podcast.itunes_category(category, subcategory)
    fg.podcast.itunes_type(show.show_type)
    if show.artwork_id:
        rendition = show.artwork.get_rendition("fill-1400x1400|format-jpeg")
        fg.podcast.itunes_image(request.build_absolute_uri(rendition.url))
    fg.hub.explicit = show.explicit

    episodes = (
        EpisodePage.objects.live()
        .public()
        .child_of(show)
        .select_related("audio")
        .prefetch_related("audio__renditions")
        .order_by("publication_date", "pk")
    )
    for episode in episodes:
        enclosure = episode.audio.podcast_rendition if episode.audio_id else None
        if enclosure is None:
            continue
        entry = fg.add_entry(order="append")
        entry.guid(f"urn:hub:episode:{episode.translation_key}:{episode.locale_id}", permalink=False)
        entry.title(episode.title)
        entry.description(episode.summary)
        entry.link(href=request.build_absolute_uri(episode.get_url(request)))
        entry.pubDate(_aware(episode.publication_date))
        entry.enclosure(request.build_absolute_uri(enclosure.file.url), str(enclosure.size_bytes), enclosure.mime_type)
        entry.podcast.itunes_duration(round(enclosure.duration_seconds))
        entry.podcast.itunes_episode_type(episode.episode_type)
        if episode.episode_number is not None:
            entry.podcast.itunes_episode(episode.episode_number)
        if episode.season_number is not None:
            entry.podcast.itunes_season(episode.season_number)
        entry.hub.explicit = episode.explicit
    return fg.rss_str(pretty=True)
