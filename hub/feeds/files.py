"""Chapters and transcripts published as files in the public storage, next to the audio.

The hub serves chapters and transcripts from views (``/feeds/episodes/<id>/chapters.json``,
``.../transcripts/<tid>.<fmt>``). When an episode is published, the same bytes are also written
to ``default_storage``, so that with object storage (production) podcast apps fetch them from the
bucket or the CDN, like the audio. Names are content-addressed and immutable::

    episodes/<page pk>/<32 hex of sha256>/chapters.json
    episodes/<page pk>/<32 hex of sha256>/transcript-<language>.<vtt|srt|json>

A change gives a new name, so a CDN may cache them for ever, and the feed computes them from the
rows it loads anyway (a transcript's digest is computed by the database in the same query), with
no query and no storage round trip per episode.

Which names were written is kept in the cache (one key per episode, read with one ``get_many``
per feed). The feed links a storage URL only when its name is recorded there; anything else
(a storage error on publish, episodes published before this existed, a flushed or per-process
cache) falls back to the hub's URL, which always works. Unpublishing (consent takedown
included) or deleting an episode removes its files and its record.

Only an episode that anyone may hear in a podcast app right now gets files: the visibility policy
(:mod:`hub.access.policy`, podcast channel, an anonymous listener) is asked before anything is
written. An episode under embargo, before its public release, behind a view restriction, whose
consent does not cover podcasts, or withdrawn has none (publishing it deletes any it had); its
feed and pages link the hub's views, which ask the policy on every request. The files are written
when the release comes (``publish_released``, run every minute with scheduled publishing), and
deleted when the episode is unpublished, deleted or made private. Every deletion goes through
:func:`hub.ops.deletions.delete_file`: one that fails is recorded and retried by the hourly sweep.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from datetime import timedelta
from posixpath import join

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Func
from django.db.models.functions import SHA256
from django.utils import timezone

from . import transcripts as formats

logger = logging.getLogger(__name__)

PREFIX = "episodes"
# Part of every transcript name: bump it when the converters' output changes, so that a
# changed rendering of the same upload gets a new (immutable) name.
CONVERTER_VERSION = "1"
REGISTRY_KEY = "hub-feeds:files:{pk}"
_UNSAFE = re.compile(r"[^A-Za-z0-9-]")


class TextSHA256(SHA256):
    """Hex SHA-256 of a text column's UTF-8 bytes, also on PostgreSQL without pgcrypto."""

    def as_postgresql(self, compiler, connection, **extra_context):
        return Func.as_sql(
            self,
            compiler,
            connection,
            template="ENCODE(SHA256(CONVERT_TO(%(expressions)s, 'UTF8')), 'hex')",
            **extra_context,
        )


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


# --- What is published, and under which names -------------------------------------------


def chapters_document(chapters) -> bytes | None:
    """JSON chapters 1.2.0 of ``hub.feeds.data.Chapter`` items, as the view serves them."""
    items = []
    for chapter in chapters:
        data = {"startTime": round(chapter.start, 3), "title": chapter.title}
        if chapter.url:
            data["url"] = chapter.url
        if chapter.img:
            data["img"] = chapter.img
        if not chapter.toc:
            data["toc"] = False
        items.append(data)
    if not items:
        return None
    return json.dumps({"version": "1.2.0", "chapters": items}, ensure_ascii=False).encode()


def chapters_name(episode_pk: int, body: bytes) -> str:
    return join(PREFIX, str(episode_pk), digest(body), "chapters.json")


def transcript_formats(uploaded: str) -> tuple[str, str, str]:
    """Every format a transcript is served in: as uploaded, the other caption format, JSON."""
    uploaded = uploaded or formats.SRT
    other = formats.SRT if uploaded == formats.VTT else formats.VTT
    return uploaded, other, "json"


def transcript_name(episode_pk: int, content_sha256: str, language: str, fmt: str) -> str:
    """``content_sha256``: hex SHA-256 of the transcript's text (UTF-8), as the database computes it."""
    folder = digest(f"{CONVERTER_VERSION}:{content_sha256}".encode())
    language = _UNSAFE.sub("", language or "")[:12]
    stem = f"transcript-{language}" if language else "transcript"
    return join(PREFIX, str(episode_pk), folder, f"{stem}.{fmt}")


def episode_files(episode, base: str) -> dict[str, bytes]:
    """Name -> bytes of every chapters/transcript file of ``episode`` (its current rows)."""
    from hub.radio.models import EpisodeChapter, EpisodeTranscript

    from .data import Urls, chapters_of

    files: dict[str, bytes] = {}
    # From the database, not the page's in-memory relations (a revision's copy may differ).
    rows = EpisodeChapter.objects.filter(episode_id=episode.pk).values(
        "start", "title", "url", "toc", "sort_order", "image__file"
    )
    body = chapters_document(chapters_of(list(rows), Urls(base)))
    if body is not None:
        files[chapters_name(episode.pk, body)] = body
    for transcript in EpisodeTranscript.objects.filter(episode_id=episode.pk).order_by("sort_order", "pk"):
        content_sha256 = hashlib.sha256(transcript.content.encode()).hexdigest()
        for fmt in transcript_formats(transcript.format):
            name = transcript_name(episode.pk, content_sha256, transcript.language, fmt)
            if name not in files:
                files[name] = formats.render(transcript.content, fmt).encode()
    return files


# --- The record of written names (read by feeds) ------------------------------------------


def registered(episode_pks: Iterable[int]) -> dict[int, frozenset[str]]:
    """Names known to be in storage, per episode: one cache round trip for any number of episodes."""
    keys = {REGISTRY_KEY.format(pk=pk): pk for pk in episode_pks}
    if not keys:
        return {}
    try:
        found = cache.get_many(list(keys))
    except Exception:  # no cache, no storage URLs: the feed links the hub's views
        logger.exception("Could not read which episode files are published")
        return {}
    return {keys[key]: frozenset(names) for key, names in found.items()}


def _forget(episode_pk: int) -> None:
    try:
        cache.delete(REGISTRY_KEY.format(pk=episode_pk))
    except Exception:
        logger.exception("Could not forget the published files of episode %s", episode_pk)


# --- Publishing and taking down ------------------------------------------------------------


def may_publish(episode) -> bool:
    """May anyone at all hear ``episode`` in a podcast app now? Only then are its files public."""
    from hub.access.policy import PODCAST, Viewer, may_see

    return bool(may_see(Viewer(), episode, PODCAST))


def _delete(storage, name: str) -> bool:
    from hub.ops.deletions import delete_file

    return delete_file(storage, name)


def _stored_names(episode_pk: int, storage) -> list[str]:
    """Every file under ``episodes/<pk>/`` (two levels: digest folders, then files)."""
    root = join(PREFIX, str(episode_pk))
    try:
        folders, files = storage.listdir(root)
    except FileNotFoundError:
        return []
    names = [join(root, name) for name in files]
    for folder in folders:
        _sub, inner = storage.listdir(join(root, folder))
        names.extend(join(root, folder, name) for name in inner)
    return names


def publish(episode, *, base: str = "", storage=None) -> list[str]:
    """Write the episode's chapters and transcripts to storage; record and return their names.

    Idempotent: a name that exists is not written again (same name, same bytes). Files of
    earlier versions of the episode (e.g. before a redaction) are deleted. A storage error is
    logged and leaves the episode unrecorded, so its feed links the hub's views.
    """
    storage = storage or default_storage
    if not may_publish(episode):
        take_down(episode.pk, storage=storage)
        return []
    try:
        base = base or _site_base(episode)
        files = episode_files(episode, base)
        for name, body in files.items():
            if not storage.exists(name):
                saved = storage.save(name, ContentFile(body))
                if saved != name:  # a storage that renames instead of refusing: not addressable
                    _delete(storage, saved)
                    raise RuntimeError(f"storage saved {name!r} as {saved!r}")
        for name in _stored_names(episode.pk, storage):
            if name not in files:
                _delete(storage, name)
    except Exception:
        logger.exception("Could not publish the chapters and transcripts of episode %s", episode.pk)
        _forget(episode.pk)
        return []
    try:
        cache.set(REGISTRY_KEY.format(pk=episode.pk), sorted(files), None)
    except Exception:
        logger.exception("Could not record the published files of episode %s", episode.pk)
    return sorted(files)


def _site_base(episode) -> str:
    site = episode.get_site()
    return site.root_url if site is not None else ""


def _names_on_record(episode_pk: int) -> set[str]:
    """The names the registry holds, and those the episode's current rows give (best effort)."""
    from hub.radio.models import EpisodePage

    names = set(registered([episode_pk]).get(episode_pk, ()))
    try:
        episode = EpisodePage.objects.filter(pk=episode_pk).first()
        if episode is not None:
            names.update(episode_files(episode, _site_base(episode)))
    except Exception:
        logger.exception("Could not work out the file names of episode %s", episode_pk)
    return names


def take_down(episode_pk: int, *, storage=None) -> list[str]:
    """Delete every published chapters/transcript file of the episode; return the deleted names.

    A deletion that fails is recorded (:class:`hub.ops.models.PendingDeletion`) and retried by the
    hourly sweep. If the storage cannot even be listed, the names on record are recorded instead.
    """
    storage = storage or default_storage
    names = _names_on_record(episode_pk)
    _forget(episode_pk)  # first: from now on feeds link the hub's views (which ask the policy)
    try:
        names.update(_stored_names(episode_pk, storage))
    except Exception:
        logger.exception("Could not list the published files of episode %s", episode_pk)
    return [name for name in sorted(names) if _delete(storage, name)]


def sync(episode, *, storage=None) -> list[str]:
    """Write the files of an episode anyone may hear now; delete those of any other."""
    if episode.live and may_publish(episode):
        return publish(episode, storage=storage)
    take_down(episode.pk, storage=storage)
    return []


def publish_released(now=None, within: timedelta = timedelta(days=2)) -> int:
    """Write the files of live episodes whose public release came (in the last ``within``) and
    that have none on record yet; returns how many got files. Run every minute (publish_scheduled)."""
    from hub.radio.models import EpisodePage

    now = now or timezone.now()
    due = list(
        EpisodePage.objects.live().filter(public_release_at__lte=now, public_release_at__gt=now - within).order_by("pk")
    )
    known = registered(episode.pk for episode in due)
    written = 0
    for episode in due:
        if episode.pk not in known and publish(episode):
            written += 1
    return written
