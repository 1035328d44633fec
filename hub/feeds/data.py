"""Plain data for feeds, and the querysets that gather it.

Feeds are rendered from these dataclasses only (see :mod:`hub.feeds.podcast`), so the XML can be
tested with any text, and the gathering does a constant number of queries however many episodes
a show has: episodes come with their audio, renditions, contributors, chapters and transcripts
prefetched, rich text links are expanded in one batch, and episode URLs are derived from the
show's URL instead of being resolved one by one.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from operator import itemgetter
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.files.storage import default_storage
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from hub.core.countries import COUNTRY_NAMES

from .text import one_line, xml_text

# Podcast Taxonomy Project roles (role, group) for the hub's contributor roles.
PERSON_ROLES = {
    "host": ("host", "cast"),
    "guest": ("guest", "cast"),
    "reporter": ("reporter", "cast"),
    "producer": ("producer", "creative direction"),
    "interpreter": ("translator", "writing"),
}
LICENCE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC-BY-NC-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC-BY-NC-SA-4.0": "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "CC-BY-NC-ND-4.0": "https://creativecommons.org/licenses/by-nc-nd/4.0/",
}
DESCRIPTION_MAX_BYTES = 4000
ARTWORK_SPEC = "fill-1400x1400|format-jpeg|jpegquality-85"
_SPLIT = "<!--hub-feed-item-->"
_RELATIVE = re.compile(r"""(\s(?:href|src)=["'])(/(?!/))""")


@dataclass(frozen=True)
class Licence:
    slug: str
    url: str


@dataclass(frozen=True)
class Person:
    name: str
    role: str = "host"
    group: str = "cast"
    img: str = ""
    href: str = ""


@dataclass(frozen=True)
class Chapter:
    start: float
    title: str
    url: str = ""
    img: str = ""
    toc: bool = True


@dataclass(frozen=True)
class TranscriptLink:
    url: str
    type: str
    language: str = ""
    rel: str = ""


@dataclass(frozen=True)
class Media:
    url: str
    length: int
    mime_type: str
    bitrate: int | None = None
    title: str = ""
    codecs: str = ""
    default: bool = False


@dataclass(frozen=True)
class PartnerInfo:
    show_title: str
    partner_release: datetime
    public_release: datetime | None
    rights_until: date | None
    preset: str
    sha256: str
    sample_rate: int | None
    channels: int | None
    loudness: str


@dataclass
class Item:
    guid: str
    title: str
    link: str
    description_html: str
    pub_date: datetime
    enclosure: Media
    duration: int
    content_html: str = ""
    explicit: bool = False
    episode_type: str = "full"
    season: int | None = None
    episode: int | None = None
    image_url: str = ""
    persons: list[Person] = field(default_factory=list)
    location: str = ""
    country: str = ""
    chapters_url: str = ""
    chapters: list[Chapter] = field(default_factory=list)
    transcripts: list[TranscriptLink] = field(default_factory=list)
    soundbite: tuple[float, float, str] | None = None
    licence: Licence | None = None
    alternates: list[Media] = field(default_factory=list)
    block: bool = False
    partner: PartnerInfo | None = None


@dataclass
class Channel:
    title: str
    link: str
    description_html: str
    language: str
    feed_url: str
    image_url: str = ""
    category: str = ""
    subcategory: str = ""
    explicit: bool = False
    author: str = ""
    owner_name: str = ""
    owner_email: str = ""
    show_type: str = "episodic"
    copyright: str = ""
    guid: str = ""
    locked: bool = True
    licence: Licence | None = None
    funding_url: str = ""
    funding_text: str = ""
    medium: str = "podcast"
    hub_url: str = ""
    new_feed_url: str = ""
    block: bool = False
    persons: list[Person] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


@dataclass
class Gathered:
    """What a feed is made of, and what the cache needs to know about it."""

    channel: Channel
    last_modified: datetime | None = None
    valid_until: datetime | None = None  # the next release or rights end that changes the feed


# --- Helpers ---------------------------------------------------------------------------


def html_paragraphs(text: str) -> str:
    """Plain text as HTML (feed descriptions are HTML): escaped, line breaks kept."""
    paragraphs = [p.strip() for p in xml_text(text).replace("\r\n", "\n").split("\n\n")]
    return "".join(
        "<p>" + html.escape(p).replace("\n", "<br>") + "</p>" if len(paragraphs) > 1 else html.escape(p)
        for p in paragraphs
        if p
    )


def limit_bytes(text: str, limit: int = DESCRIPTION_MAX_BYTES) -> str:
    """Plain text cut so that its escaped HTML stays within ``limit`` UTF-8 bytes."""
    if len(html_paragraphs(text).encode()) <= limit:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits, with room for the ellipsis
        middle = (low + high + 1) // 2
        if len(html_paragraphs(text[:middle] + "…").encode()) <= limit:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def expand_rich_text_many(values: list[str], base: str) -> list[str]:
    """Expand Wagtail rich text of many items in one pass (one query per link type, not per item).

    Internal links become absolute URLs: feed readers have no page to resolve them against.
    """
    if not values:
        return []
    joined = _SPLIT.join(values)
    parts = expand_db_html(joined).split(_SPLIT)
    if len(parts) != len(values):  # an item contained the separator itself: expand one by one
        parts = [expand_db_html(value) for value in values]
    return [xml_text(_RELATIVE.sub(lambda m: m.group(1) + base + "/", part)) for part in parts]


def licence_for(code: str, fallback_url: str) -> Licence | None:
    if not code:
        return None
    return Licence(slug=code.lower(), url=LICENCE_URLS.get(code, fallback_url))


def aware_publication(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(6, 0)))


def episode_guid(row: dict) -> str:
    # Never change this: podcast apps recognise episodes by it.
    return f"urn:hub:episode:{row['translation_key']}:{row['locale_id']}"


def uses_local_storage(field_file) -> bool:
    try:
        field_file.storage.path(field_file.name)
    except NotImplementedError:
        return False
    return True


def storage_is_local(storage=None) -> bool:
    try:
        (storage or default_storage).path("x")
    except NotImplementedError:
        return False
    return True


def absolute(base: str, url: str) -> str:
    return url if "://" in url else base + url


def split_mime(mime_type: str) -> tuple[str, str]:
    """``audio/ogg; codecs=opus`` -> (``audio/ogg``, ``opus``)."""
    kind, _sep, params = mime_type.partition(";")
    codecs = ""
    for param in params.split(";"):
        name, _eq, value = param.strip().partition("=")
        if name.lower() == "codecs":
            codecs = value.strip().strip('"')
    return kind.strip(), codecs


@lru_cache(maxsize=64)
def _url_template(name: str, kinds: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    markers = tuple(str(987_654_321_000 + i) if kind == "int" else f"hubarg{i}x" for i, kind in enumerate(kinds))
    return reverse(name, args=markers), markers


def fast_reverse(name: str, *args) -> str:
    """``reverse()`` for URL patterns filled thousands of times: resolved once, then filled in."""
    template, markers = _url_template(name, tuple("int" if isinstance(a, int) else "str" for a in args))
    for marker, value in zip(markers, args, strict=True):
        template = template.replace(marker, str(value))
    return template


class Urls:
    """Absolute URLs of media files and hub views for one request's host."""

    def __init__(self, base: str):
        self.base = base
        self.local = storage_is_local()
        # Chapters/transcript files known to be in storage, per episode (hub.feeds.files).
        self.published: dict[int, frozenset[str]] = {}
        self.labels = {"standard": _("Standard"), "low": _("Low bandwidth")}

    def view(self, name: str, *args) -> str:
        return self.base + fast_reverse(name, *args)

    def file(self, name: str) -> str:
        return absolute(self.base, default_storage.url(name)) if name else ""

    def media(self, rendition: dict, view_name: str, *args) -> str:
        """The hub's stable URL: audio sits in the private storage, and the route asks the access
        policy on every request before it hands the file over (hub.access.delivery)."""
        return self.view(view_name, *args)

    def load_published(self, episode_pks) -> None:
        """With object storage, learn which chapters/transcript files are in the bucket (one cache read)."""
        if not self.local:
            from .files import registered

            self.published = registered(episode_pks)

    def published_file(self, episode_pk: int, name: str, view_name: str, *args) -> str:
        """The storage/CDN URL of a published chapters/transcript file, else the hub's view."""
        if not self.local and name in self.published.get(episode_pk, ()):
            return self.file(name)
        return self.view(view_name, *args)


def extension(name: str) -> str:
    return PurePosixPath(name).suffix.lstrip(".")


# --- Rows: a constant number of queries for any number of episodes ---------------------

EPISODE_FIELDS = (
    "pk",
    "translation_key",
    "locale_id",
    "title",
    "slug",
    "path",
    "summary",
    "show_notes",
    "publication_date",
    "public_release_at",
    "partner_release_at",
    "broadcast_rights_until",
    "first_published_at",
    "last_published_at",
    "explicit",
    "episode_type",
    "season_number",
    "episode_number",
    "location",
    "country",
    "soundbite_start",
    "soundbite_duration",
    "soundbite_title",
    "licence",
    "audio_id",
)
RENDITION_FIELDS = (
    "asset_id",
    "preset",
    "file",
    "mime_type",
    "size_bytes",
    "bitrate",
    "duration_seconds",
    "sample_rate",
    "channels",
    "integrated_lufs",
    "sha256",
    "created_at",
)


@dataclass
class EpisodeRows:
    """Episodes as dicts with everything a feed item needs, gathered in five queries.

    Django's prefetch_related builds a model instance and clones a queryset per episode and
    relation; for a thousand episodes that costs more than the queries. Plain rows grouped by
    episode do not.
    """

    episodes: list[dict]
    renditions: dict[int, dict[str, dict]]
    contributors: dict[int, list[dict]]
    chapters: dict[int, list[dict]]
    transcripts: dict[int, list[dict]]

    @classmethod
    def load(cls, queryset, *, limit: int | None = None, digests: bool = False) -> EpisodeRows:
        """``digests``: also the SHA-256 of each transcript's text, computed by the database."""
        from hub.audio.models import Rendition
        from hub.radio.models import EpisodeChapter, EpisodeContributor, EpisodeTranscript

        episodes = list(queryset.values(*EPISODE_FIELDS))
        ids = queryset.values("pk")
        renditions: dict[int, dict[str, dict]] = defaultdict(dict)
        for row in Rendition.objects.filter(asset_id__in=queryset.values("audio_id")).values(*RENDITION_FIELDS):
            renditions[row["asset_id"]][row["preset"]] = row
        contributors: dict[int, list[dict]] = defaultdict(list)
        for row in (
            EpisodeContributor.objects.filter(episode_id__in=ids)
            .order_by("sort_order", "pk")
            .values("episode_id", "role", "contributor__name", "contributor__link", "contributor__image__file")
        ):
            contributors[row["episode_id"]].append(row)
        chapters: dict[int, list[dict]] = defaultdict(list)
        for row in EpisodeChapter.objects.filter(episode_id__in=ids).values(
            "episode_id", "start", "title", "url", "toc", "sort_order", "image__file"
        ):
            chapters[row["episode_id"]].append(row)
        transcripts: dict[int, list[dict]] = defaultdict(list)
        transcript_rows = EpisodeTranscript.objects.filter(episode_id__in=ids).order_by("sort_order", "pk")
        if digests:
            from .files import TextSHA256

            transcript_rows = transcript_rows.annotate(content_sha256=TextSHA256("content"))
        fields = ("episode_id", "pk", "language", "format", *(("content_sha256",) if digests else ()))
        for row in transcript_rows.values(*fields):
            transcripts[row["episode_id"]].append(row)
        return cls(episodes, renditions, contributors, chapters, transcripts)

    def rendition(self, episode: dict, preset: str) -> dict | None:
        return self.renditions.get(episode["audio_id"], {}).get(preset) if episode["audio_id"] else None

    def timestamps(self) -> list[datetime]:
        stamps = [e["last_published_at"] for e in self.episodes if e["last_published_at"]]
        stamps += [r["created_at"] for e in self.episodes for r in self.renditions.get(e["audio_id"], {}).values()]
        return stamps


def _location(episode: dict) -> tuple[str, str]:
    country_name = str(COUNTRY_NAMES.get(episode["country"], "")) if episode["country"] else ""
    parts = [one_line(episode["location"]), country_name]
    return ", ".join(p for p in parts if p)[:128], (episode["country"] or "").lower()


def _persons(rows: list[dict], urls: Urls) -> list[Person]:
    persons = []
    for row in rows:
        role, group = PERSON_ROLES.get(row["role"], ("guest", "cast"))
        name = one_line(row["contributor__name"])[:128]
        if name:
            persons.append(
                Person(
                    name=name,
                    role=role,
                    group=group,
                    img=urls.file(row["contributor__image__file"]),
                    href=row["contributor__link"],
                )
            )
    return persons


def chapters_of(rows: list[dict], urls: Urls) -> list[Chapter]:
    """Chapter rows (with ``image__file``) as plain data, in time order."""
    return [
        Chapter(
            start=row["start"].total_seconds(),
            title=one_line(row["title"]),
            url=row["url"],
            img=urls.file(row["image__file"]),
            toc=row["toc"],
        )
        for row in sorted(rows, key=lambda c: (c["start"], c["sort_order"] or 0))
    ]


def _transcripts(episode: dict, rows: list[dict], urls: Urls) -> list[TranscriptLink]:
    from . import files
    from . import transcripts as formats

    links = []
    pk = episode["pk"]
    for transcript in rows:
        for fmt in files.transcript_formats(transcript["format"]):
            name = ""
            if transcript.get("content_sha256"):
                name = files.transcript_name(pk, transcript["content_sha256"], transcript["language"], fmt)
            links.append(
                TranscriptLink(
                    url=urls.published_file(pk, name, "episode-transcript", pk, transcript["pk"], fmt),
                    type=formats.FEED_TYPES[fmt],
                    language=transcript["language"],
                    rel="captions" if fmt != "json" else "",
                )
            )
    return links


def _chapters_url(pk: int, chapters: list[Chapter], urls: Urls) -> str:
    if not chapters:
        return ""
    name = ""
    if pk in urls.published:  # the bytes (and so the name) only matter when files were published
        from .files import chapters_document, chapters_name

        name = chapters_name(pk, chapters_document(chapters))
    return urls.published_file(pk, name, "episode-chapters", pk)


def _soundbite(episode: dict) -> tuple[float, float, str] | None:
    if episode["soundbite_start"] is None or not episode["soundbite_duration"]:
        return None
    return (
        episode["soundbite_start"].total_seconds(),
        episode["soundbite_duration"].total_seconds(),
        one_line(episode["soundbite_title"])[:128],
    )


def public_release(episode: dict) -> datetime:
    if "_public_release" not in episode:
        episode["_public_release"] = episode["public_release_at"] or aware_publication(episode["publication_date"])
    return episode["_public_release"]


def _public_item(episode: dict, rows: EpisodeRows, show_url: str, urls: Urls, content_html: str) -> Item | None:
    podcast = rows.rendition(episode, "podcast-mp3")
    if podcast is None or not podcast["size_bytes"] or podcast["size_bytes"] <= 0:
        return None  # no enclosure, no item: apps drop such items anyway
    pk = episode["pk"]
    mp3_url = urls.media(podcast, "episode-audio", pk, extension(podcast["file"]))
    alternates = [
        Media(
            url=mp3_url,
            length=podcast["size_bytes"],
            mime_type=podcast["mime_type"],
            bitrate=podcast["bitrate"],
            title=urls.labels["standard"],
            default=True,
        )
    ]
    opus = rows.rendition(episode, "lowband-opus")
    if opus is not None and opus["size_bytes"]:
        kind, codecs = split_mime(opus["mime_type"])
        alternates.append(
            Media(
                url=urls.media(opus, "episode-audio", pk, extension(opus["file"])),
                length=opus["size_bytes"],
                mime_type=kind,
                bitrate=opus["bitrate"],
                title=urls.labels["low"],
                codecs=codecs,
            )
        )
    chapters = chapters_of(rows.chapters.get(pk, []), urls)
    location, country = _location(episode)
    link = f"{show_url}{episode['slug']}/"
    return Item(
        guid=episode_guid(episode),
        title=one_line(episode["title"]),
        link=link,
        description_html=html_paragraphs(episode["summary"]),
        content_html=content_html,
        pub_date=public_release(episode),
        enclosure=Media(url=mp3_url, length=podcast["size_bytes"], mime_type=podcast["mime_type"]),
        duration=round(podcast["duration_seconds"]),
        explicit=episode["explicit"],
        episode_type=episode["episode_type"],
        season=episode["season_number"],
        episode=episode["episode_number"],
        persons=_persons(rows.contributors.get(pk, []), urls),
        location=location,
        country=country if location else "",
        chapters_url=_chapters_url(pk, chapters, urls),
        chapters=chapters,
        transcripts=_transcripts(episode, rows.transcripts.get(pk, []), urls),
        soundbite=_soundbite(episode),
        licence=licence_for(episode["licence"], link) if episode["licence"] else None,
        alternates=alternates,
    )


def consent_cleared(queryset, *scopes: str):
    """Only pages whose people consented to these channels (hub.consent), for models that link consent.

    Two subqueries whatever the number of pages; models without consent links pass unchanged.
    """
    try:
        queryset.model._meta.get_field("consents")
    except FieldDoesNotExist:
        return queryset
    from hub.consent.gates import cleared_for

    return cleared_for(queryset, *scopes)


def _latest(*values):
    values = [v for v in values if v is not None]
    return max(values) if values else None


def _earliest(*values):
    values = [v for v in values if v is not None]
    return min(values) if values else None


def show_base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def gather_show(show, request, *, now: datetime | None = None) -> Gathered:
    """Everything the public feed of ``show`` contains, as plain data."""
    from hub.radio.categories import split_category
    from hub.radio.models import EpisodePage

    now = now or timezone.now()
    base = show_base_url(request)
    show_url = absolute(base, show.get_url(request))
    language = show.locale.language_code
    with translation.override(language):
        urls = Urls(base)
        feed_url = urls.view("show-feed", show.pk)
        image_url = ""
        if show.artwork_id:
            image_url = absolute(base, show.artwork.get_rendition(ARTWORK_SPEC).url)
        if show.podcast_guid is None:  # shows created before GUIDs existed get theirs now, once
            show.ensure_podcast_guid()
        category, subcategory = split_category(show.apple_category)
        from hub.access.policy import PODCAST, Viewer, visible

        live = EpisodePage.objects.live().child_of(show)
        # Anyone at all may read a public feed: the policy decides for an anonymous reader, now.
        public = visible(Viewer(now=now), EpisodePage.objects.child_of(show), PODCAST)
        rows = EpisodeRows.load(public, digests=not urls.local)
        urls.load_published([e["pk"] for e in rows.episodes])
        # Newest first; an empty public release time means the publication date counts.
        episodes = sorted(rows.episodes, key=lambda e: (public_release(e), e["pk"]), reverse=True)
        contents = expand_rich_text_many([e["show_notes"] or "" for e in episodes], base)
        items = []
        for episode, content in zip(episodes, contents, strict=True):
            item = _public_item(episode, rows, show_url, urls, content)
            if item is not None:
                items.append(item)
        channel = Channel(
            title=one_line(show.title),
            link=show_url,
            description_html=html_paragraphs(limit_bytes(show.description)),
            language=show.podcast_language or language,
            feed_url=feed_url,
            image_url=image_url,
            category=category,
            subcategory=subcategory or "",
            explicit=show.explicit,
            author=one_line(show.owner_name),
            owner_name=one_line(show.owner_name),
            owner_email=show.owner_email,
            show_type=show.show_type,
            copyright=one_line(show.copyright),
            guid=str(show.podcast_guid),
            locked=show.podcast_locked,
            licence=licence_for(show.licence, show_url),
            funding_url=show.funding_url,
            funding_text=one_line(show.funding_text)[:128],
            medium=show.medium,
            hub_url=getattr(settings, "HUB_WEBSUB_HUB", "") or "",
            new_feed_url=feed_url if show.previous_feed_url else "",
            items=items,
        )
        upcoming = live.filter(public_release_at__gt=now).aggregate(next=Min("public_release_at"))["next"]
    return Gathered(channel, last_modified=_latest(show.last_published_at, *rows.timestamps()), valid_until=upcoming)


# --- Partner feeds ---------------------------------------------------------------------


def partner_episodes(partner, *, now: datetime | None = None):
    """Live episodes of the partner's subscribed shows inside their partner window, and the shows."""
    from hub.partners.models import PartnerShowSubscription
    from hub.radio.models import EpisodePage, ShowPage

    now = now or timezone.now()
    today = timezone.localdate(now)
    show_ids = PartnerShowSubscription.objects.filter(partner__translation_key=partner.translation_key).values_list(
        "show_id", flat=True
    )
    shows = list(ShowPage.objects.live().filter(pk__in=list(show_ids)).select_related("artwork", "locale"))
    if not shows:
        return shows, EpisodePage.objects.none(), EpisodePage.objects.none()
    in_shows = Q()
    for show in shows:
        in_shows |= Q(path__startswith=show.path, depth=show.depth + 1)
    live = EpisodePage.objects.live().filter(in_shows)
    released = (
        Q(partner_release_at__lte=now)
        | Q(partner_release_at__isnull=True, public_release_at__isnull=True)
        | Q(partner_release_at__isnull=True, public_release_at__lte=now)
    )
    within_rights = Q(broadcast_rights_until__isnull=True) | Q(broadcast_rights_until__gte=today)
    return shows, live, consent_cleared(live.filter(released, within_rights), "broadcast", "redistribution")


def next_partner_change(live, now: datetime) -> datetime | None:
    """The next time a partner feed changes by itself: a release, or the day after rights end."""
    today = timezone.localdate(now)
    found = live.aggregate(
        partner=Min("partner_release_at", filter=Q(partner_release_at__gt=now)),
        public=Min("public_release_at", filter=Q(partner_release_at__isnull=True, public_release_at__gt=now)),
        rights=Min("broadcast_rights_until", filter=Q(broadcast_rights_until__gte=today)),
    )
    rights_end = None
    if found["rights"] is not None:
        day_after = datetime.combine(found["rights"], time(0, 0))
        rights_end = timezone.make_aware(day_after) + timezone.timedelta(days=1)
    return _earliest(found["partner"], found["public"], rights_end)


def partner_release_time(episode: dict, now: datetime) -> datetime:
    """When partners get an episode (its date in their feed): the partner release, else the public release,
    else first publication; ``now`` only for a row that was never published (not in any feed).

    The one home of this rule; :func:`partner_episodes` and :func:`next_partner_change` are its query form.
    """
    return episode["partner_release_at"] or episode["public_release_at"] or episode["first_published_at"] or now


def gather_partner(token, request, token_placeholder: str, *, now: datetime | None = None) -> Gathered:
    """The private feed of a partner token; download URLs carry ``token_placeholder``.

    The token itself never enters this data (nor the cache): the view puts it into the bytes.
    """
    from hub.partners.models import delivery_rendition
    from hub.radio.categories import split_category

    now = now or timezone.now()
    partner = token.partner
    base = show_base_url(request)
    from hub.access.policy import PARTNER, Viewer, visible
    from hub.radio.models import EpisodePage

    shows, live, _available = partner_episodes(partner, now=now)
    # The partner's episodes are the policy's answer for this partner now (window, rights, consent).
    available = visible(Viewer(partner=partner, now=now), EpisodePage.objects.all(), PARTNER)
    show_by_path = {show.path: show for show in shows}
    show_urls = {show.pk: absolute(base, show.get_url(request)) for show in shows}
    language = partner.locale.language_code if partner.locale_id else settings.LANGUAGE_CODE
    limit = getattr(settings, "HUB_PARTNER_FEED_LIMIT", 500)
    with translation.override(language):
        urls = Urls(base)
        rows = EpisodeRows.load(available)
        episodes = sorted(rows.episodes, key=lambda e: (partner_release_time(e, now), e["pk"]), reverse=True)[:limit]
        contents = expand_rich_text_many([e["show_notes"] or "" for e in episodes], base)
        items = []
        for episode, content in zip(episodes, contents, strict=True):
            show = show_by_path.get(episode["path"][: -Page.steplen])
            rendition = delivery_rendition(
                partner, lambda preset, e=episode: rows.rendition(e, preset), size_of=itemgetter("size_bytes")
            )
            if show is None or rendition is None:
                continue
            link = f"{show_urls[show.pk]}{episode['slug']}/"
            url = urls.view("partner-download", token_placeholder, episode["pk"], extension(rendition["file"]))
            location, country = _location(episode)
            released = partner_release_time(episode, now)
            items.append(
                Item(
                    guid=episode_guid(episode),
                    title=one_line(episode["title"]),
                    link=link,
                    description_html=html_paragraphs(episode["summary"]),
                    content_html=content,
                    pub_date=released,
                    enclosure=Media(
                        url=url, length=rendition["size_bytes"], mime_type=split_mime(rendition["mime_type"])[0]
                    ),
                    duration=round(rendition["duration_seconds"]),
                    explicit=episode["explicit"],
                    episode_type=episode["episode_type"],
                    season=episode["season_number"],
                    episode=episode["episode_number"],
                    persons=_persons(rows.contributors.get(episode["pk"], []), urls),
                    location=location,
                    country=country if location else "",
                    licence=licence_for(episode["licence"] or show.licence, link),
                    block=True,
                    partner=PartnerInfo(
                        show_title=one_line(show.title),
                        partner_release=released,
                        public_release=episode["public_release_at"],
                        rights_until=episode["broadcast_rights_until"],
                        preset=rendition["preset"],
                        sha256=rendition["sha256"],
                        sample_rate=rendition["sample_rate"],
                        channels=rendition["channels"],
                        loudness=f"{rendition['integrated_lufs']:.1f} LUFS",
                    ),
                )
            )
        first = shows[0] if shows else None
        image_url = ""
        if first is not None and first.artwork_id:
            image_url = absolute(base, first.artwork.get_rendition(ARTWORK_SPEC).url)
        category, subcategory = split_category(first.apple_category) if first else ("Society & Culture", "")
        name = one_line(partner.name)
        channel = Channel(
            title=_("%(partner)s: partner feed") % {"partner": name},
            link=base + "/",
            description_html=html.escape(
                _(
                    "Episodes for broadcast by %(partner)s, from their partner release until their broadcast "
                    "rights end. This address is private: do not share it."
                )
                % {"partner": name}
            ),
            language=language,
            feed_url=urls.view("partner-feed", token_placeholder),
            image_url=image_url,
            category=category,
            subcategory=subcategory or "",
            explicit=any(show.explicit for show in shows),
            author=one_line(settings.WAGTAIL_SITE_NAME),
            owner_name=one_line(first.owner_name) if first else "",
            owner_email=first.owner_email if first else "",
            locked=True,
            block=True,
            items=items,
        )
        latest_show = max((s.last_published_at for s in shows if s.last_published_at), default=None)
        valid_until = next_partner_change(live, now)
    return Gathered(channel, last_modified=_latest(latest_show, *rows.timestamps()), valid_until=valid_until)
