"""Podcast RSS built with feedgen and our extensions, from the plain data of :mod:`hub.feeds.data`.

feedgen's own podcast extension writes the iTunes tags it gets right (author, owner, category,
type, duration, episode numbers, episode type); everything it gets wrong or does not know is
written by :mod:`hub.feeds.extensions`. The traps are listed in ../shared/design/STANDARDS.md.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

from django.utils.translation import gettext as _
from feedgen.feed import FeedGenerator

from .data import Channel, Gathered
from .extensions import HubChannelExtension, HubEntryExtension

GENERATOR = "Volunteering Hub (feedgen)"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def render_podcast(gathered: Gathered) -> bytes:
    """The RSS document of a (public or partner) podcast feed, as UTF-8 bytes."""
    channel: Channel = gathered.channel
    fg = FeedGenerator()
    fg.load_extension("podcast", atom=False, rss=True)
    fg.register_extension("hub", HubChannelExtension, HubEntryExtension, atom=False, rss=True)
    fg.hub.channel = channel
    fg.hub.partner = channel.block

    fg.title(channel.title or _("Podcast"))
    # The description is HTML: a plain-text fallback is escaped.
    fg.description(channel.description_html or html.escape(channel.title or _("Podcast")))
    fg.language(channel.language)
    fg.generator(GENERATOR)
    # Deterministic output: the ETag is a hash of these bytes, so nothing may depend on the clock.
    fg.lastBuildDate(gathered.last_modified or EPOCH)
    fg.link(href=channel.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=channel.link, rel="alternate")  # last: feedgen uses the last link as <link>
    if channel.copyright:
        fg.copyright(channel.copyright)
    if channel.image_url:
        fg.image(url=channel.image_url, title=channel.title or _("Podcast"), link=channel.link)
    if channel.author:
        fg.podcast.itunes_author(channel.author)
    if channel.owner_name and channel.owner_email:
        fg.podcast.itunes_owner(name=channel.owner_name, email=channel.owner_email)
    if channel.category:
        fg.podcast.itunes_category(channel.category, channel.subcategory or None)
    fg.podcast.itunes_type(channel.show_type)

    for item in channel.items:
        entry = fg.add_entry(order="append")
        entry.hub.item = item
        entry.guid(item.guid, permalink=False)
        entry.title(item.title or _("Episode"))
        entry.link(href=item.link)
        # feedgen moves content:encoded into <description> when there is no description: keep both.
        if item.description_html or item.content_html:
            entry.description(item.description_html or item.content_html)
        if item.content_html:
            entry.content(item.content_html)
        entry.pubDate(item.pub_date)
        entry.enclosure(item.enclosure.url, str(item.enclosure.length), item.enclosure.mime_type)
        entry.podcast.itunes_duration(item.duration)
        entry.podcast.itunes_episode_type(item.episode_type)
        if item.season is not None:
            entry.podcast.itunes_season(item.season)
        if item.episode is not None:
            entry.podcast.itunes_episode(item.episode)
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
