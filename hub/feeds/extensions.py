"""Our feedgen extensions: what feedgen 1.0.0 gets wrong or does not know.

Registered with ``FeedGenerator.register_extension`` (see :mod:`hub.feeds.podcast`):

- ``itunes:explicit`` as ``true``/``false`` (feedgen writes yes/no/clean), ``itunes:image``
  whatever the URL looks like (feedgen drops URLs not ending in .jpg/.png), ``itunes:block``,
  ``itunes:new-feed-url``;
- ``atom:link rel="hub"`` for WebSub (feedgen drops it);
- the Podcast Index namespace (``podcast:*``): guid, locked, license, funding, medium, person,
  location, season, episode, transcript, chapters, soundbite, alternateEnclosure;
- Podlove Simple Chapters (``psc:chapters``), which gPodder and AntennaPod read inline;
- the hub's own partner namespace for what radio partners need and no standard covers.

The extensions only write elements from plain data prepared by :mod:`hub.feeds.data`.
"""

from __future__ import annotations

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

from .data import Channel, Item

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
PSC_NS = "http://podlove.org/simple-chapters"
HUB_NS = "urn:x-volunteering-hub:partner-feed:1"

NAMESPACES = {"itunes": ITUNES_NS, "podcast": PODCAST_NS, "psc": PSC_NS}


def _el(parent, ns: str, tag: str, text=None, **attrs):
    node = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: str(v) for k, v in attrs.items() if v not in (None, "")})
    if text not in (None, ""):
        node.text = str(text)
    return node


def _number(value: float) -> str:
    """Seconds as podcast apps expect them: no exponent, no needless decimals."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def _hms(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


class HubChannelExtension(BaseExtension):
    """Channel-level tags. ``channel`` is set by the builder before the XML is produced."""

    def __init__(self):
        self.channel: Channel | None = None
        self.partner = False

    def extend_ns(self):
        namespaces = dict(NAMESPACES)
        if self.partner:
            namespaces["hub"] = HUB_NS
        return namespaces

    def extend_rss(self, rss_feed):
        data = self.channel
        channel = rss_feed.find("channel")
        if data is None:
            return rss_feed
        if data.hub_url:
            _el(channel, ATOM_NS, "link", href=data.hub_url, rel="hub")
        if data.image_url:
            _el(channel, ITUNES_NS, "image", href=data.image_url)
        _el(channel, ITUNES_NS, "explicit", "true" if data.explicit else "false")
        if data.block:
            _el(channel, ITUNES_NS, "block", "Yes")
        if data.new_feed_url:
            _el(channel, ITUNES_NS, "new-feed-url", data.new_feed_url)
        if data.guid:
            _el(channel, PODCAST_NS, "guid", data.guid)
        _el(channel, PODCAST_NS, "locked", "yes" if data.locked else "no", owner=data.owner_email)
        if data.licence:
            _el(channel, PODCAST_NS, "license", data.licence.slug, url=data.licence.url)
        if data.funding_url:
            _el(channel, PODCAST_NS, "funding", data.funding_text or data.funding_url, url=data.funding_url)
        if data.medium:
            _el(channel, PODCAST_NS, "medium", data.medium)
        for person in data.persons:
            _write_person(channel, person)
        return rss_feed


def _write_person(parent, person) -> None:
    attrs = {"role": person.role, "group": person.group, "img": person.img, "href": person.href}
    _el(parent, PODCAST_NS, "person", person.name, **attrs)


class HubEntryExtension(BaseEntryExtension):
    """Item-level tags. ``item`` is set by the builder for every entry."""

    def __init__(self):
        self.item: Item | None = None

    def extend_rss(self, entry):
        item = self.item
        if item is None:
            return entry
        _el(entry, ITUNES_NS, "explicit", "true" if item.explicit else "false")
        if item.block:
            _el(entry, ITUNES_NS, "block", "Yes")
        if item.image_url:
            _el(entry, ITUNES_NS, "image", href=item.image_url)
        if item.season is not None:
            _el(entry, PODCAST_NS, "season", item.season)
        if item.episode is not None:
            _el(entry, PODCAST_NS, "episode", item.episode)
        for transcript in item.transcripts:
            _el(
                entry,
                PODCAST_NS,
                "transcript",
                url=transcript.url,
                type=transcript.type,
                language=transcript.language,
                rel=transcript.rel,
            )
        if item.chapters_url:
            _el(entry, PODCAST_NS, "chapters", url=item.chapters_url, type="application/json+chapters")
        if item.soundbite:
            start, duration, title = item.soundbite
            _el(entry, PODCAST_NS, "soundbite", title, startTime=_number(start), duration=_number(duration))
        for person in item.persons:
            _write_person(entry, person)
        if item.location:
            _el(entry, PODCAST_NS, "location", item.location, rel="creator", country=item.country)
        if item.licence:
            _el(entry, PODCAST_NS, "license", item.licence.slug, url=item.licence.url)
        for media in item.alternates:
            node = _el(
                entry,
                PODCAST_NS,
                "alternateEnclosure",
                type=media.mime_type,
                length=media.length,
                bitrate=media.bitrate,
                title=media.title,
                codecs=media.codecs,
                default="true" if media.default else None,
            )
            _el(node, PODCAST_NS, "source", uri=media.url)
        if item.chapters:
            psc = _el(entry, PSC_NS, "chapters", version="1.2")
            for chapter in item.chapters:
                _el(psc, PSC_NS, "chapter", start=_hms(chapter.start), title=chapter.title, href=chapter.url)
        if item.partner is not None:
            partner = item.partner
            if partner.rights_until:
                _el(entry, HUB_NS, "broadcastRightsUntil", partner.rights_until.isoformat())
            _el(entry, HUB_NS, "partnerRelease", partner.partner_release.isoformat())
            if partner.public_release:
                _el(entry, HUB_NS, "publicRelease", partner.public_release.isoformat())
            _el(entry, HUB_NS, "show", partner.show_title)
            _el(
                entry,
                HUB_NS,
                "file",
                format=partner.preset,
                sha256=partner.sha256,
                sampleRate=partner.sample_rate,
                channels=partner.channels,
                loudness=partner.loudness,
            )
        return entry
