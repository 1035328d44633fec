"""Public feeds and what they link to. Feed XML is built in :mod:`hub.feeds.podcast` and friends.

Every feed goes through :mod:`hub.feeds.cache`: a warm request is answered from the cache
without a database query, with ETag/Last-Modified, 304s (also gzipped), HEAD and Cache-Control.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe
from wagtail.models import Locale

from hub.access.delivery import deliver_rendition
from hub.access.policy import PODCAST, Viewer, listed, may_see
from hub.core.locale import active_locale
from hub.radio.models import EpisodePage, ShowPage

from . import cache as feed_cache
from . import transcripts
from .data import Urls, chapters_of, gather_show, show_base_url
from .files import chapters_document
from .middleware import cache_name
from .opml import render_opml
from .podcast import render_podcast
from .stories import render_stories

CORS = feed_cache.CORS
AUDIO_PRESETS = {"mp3": "podcast-mp3", "opus": "lowband-opus", "ogg": "lowband-opus"}


def _cached(request, build, content_type: str):
    """Serve this URL's feed from the cache, building it with ``build()`` on a miss.

    ``build`` returns (bytes, content time, valid until) or an absolute URL to redirect to. The
    key is the one :class:`hub.feeds.middleware.FeedCacheMiddleware` reads, so the next request
    for the same URL is answered there, before the rest of the middleware stack.
    """
    name = cache_name(request)
    gen = feed_cache.generation()
    entry = feed_cache.lookup_in(name, gen)
    if entry is not None:
        try:
            return _respond(request, entry)
        except feed_cache.CacheMiss:
            pass
    built = build()
    if isinstance(built, str):
        entry = feed_cache.store_redirect(name, built, gen=gen)
    else:
        body, content_time, valid_until = built
        entry = feed_cache.store(name, body, content_type, content_time=content_time, valid_until=valid_until, gen=gen)
    return _respond(request, entry)


def _respond(request, entry):
    return feed_cache.feed_response(request, entry, cache_control=feed_cache.public_cache_control(), headers=CORS)


@require_safe
def show_feed(request, show_id):
    def build():
        show = listed(ShowPage.objects.filter(pk=show_id)).select_related("locale", "artwork").first()
        if show is None:
            raise Http404
        if show.new_feed_url:
            return show.new_feed_url
        gathered = gather_show(show, request)
        return render_podcast(gathered), gathered.last_modified, gathered.valid_until

    return _cached(request, build, feed_cache.RSS)


@require_safe
def stories_feed(request, kind):
    language = translation.get_language()

    def build():
        body, updated = render_stories(request, language, kind)
        return body, updated, None

    content_type = feed_cache.ATOM if kind == "atom" else feed_cache.RSS
    return _cached(request, build, content_type)


@require_safe
def shows_opml(request):
    language = translation.get_language()

    def build():
        body, updated = render_opml(request, language)
        return body, updated, None

    return _cached(request, build, feed_cache.OPML)


def _released_episode(episode_id):
    """The episode, if the public may have it in a podcast app now (hub.access.policy decides)."""
    episode = EpisodePage.objects.select_related("audio").filter(pk=episode_id).first()
    if episode is None or not may_see(Viewer(), episode, PODCAST):
        raise Http404
    return episode


@require_safe
def episode_chapters(request, episode_id):
    """JSON chapters 1.2.0 (podcast:chapters)."""

    def build():
        from hub.radio.models import EpisodeChapter

        episode = _released_episode(episode_id)
        rows = EpisodeChapter.objects.filter(episode=episode).values(
            "start", "title", "url", "toc", "sort_order", "image__file"
        )
        body = chapters_document(chapters_of(list(rows), Urls(show_base_url(request))))
        if body is None:
            raise Http404
        return body, episode.last_published_at, None

    return _cached(request, build, feed_cache.JSON)


@require_safe
def episode_transcript(request, episode_id, transcript_id, fmt):
    """A transcript as uploaded, converted to the other caption format, or as JSON."""
    if fmt not in transcripts.CONTENT_TYPES:
        raise Http404

    def build():
        episode = _released_episode(episode_id)
        transcript = episode.transcripts.filter(pk=transcript_id).first()
        if transcript is None:
            raise Http404
        body = transcripts.render(transcript.content, fmt).encode()
        return body, episode.last_published_at, None

    return _cached(request, build, transcripts.CONTENT_TYPES[fmt])


@require_safe
def episode_audio(request, episode_id, ext):
    """The episode's podcast MP3 (or Opus) at a stable URL, with HEAD, byte ranges and If-Range.

    Feeds link here, never to the storage: the policy is asked on every request, then the bytes
    are handed over by :func:`hub.access.delivery.deliver` (a signed URL, nginx or the hub).
    """
    preset = AUDIO_PRESETS.get(ext)
    if preset is None:
        raise Http404

    def decide():
        episode = _released_episode(episode_id)
        rendition = episode.audio.rendition(preset) if episode.audio_id else None
        if rendition is None or rendition.extension.lstrip(".") != ext:
            raise Http404
        return episode.slug, rendition

    # With the database away, the last answer (purged by every withdrawal) keeps podcast apps playing.
    slug, rendition = feed_cache.decided(f"episode-audio:{episode_id}:{ext}", decide)
    filename = f"{slug}{rendition.extension}"
    response = rendition_response(
        request,
        rendition,
        headers={
            # Shared caches must ask again: a withdrawal or takedown answers 404 at once.
            "Cache-Control": "public, no-cache",
            "Content-Disposition": f"inline; filename*=UTF-8''{_quote(filename)}",
            **CORS,
        },
    )
    if response is None:
        raise Http404
    return response


def rendition_response(request, rendition, *, headers: dict, on_close=None, download_name: str = "", seconds=None):
    """A rendition handed over after the caller's policy check; None when its file is missing."""
    return deliver_rendition(
        request, rendition, headers=headers, on_close=on_close, download_name=download_name, seconds=seconds
    )


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


@require_safe
def feed_index(request):
    """Every public feed: podcasts (the current language's first), stories and OPML per language."""
    active = active_locale()
    shows = sorted(
        listed(ShowPage.objects.all()).select_related("locale"),
        key=lambda show: (show.locale_id != active.pk, show.locale.language_code, show.title),
    )
    languages = []
    for locale in sorted(Locale.objects.all(), key=lambda item: (item.pk != active.pk, item.language_code)):
        with translation.override(locale.language_code):
            languages.append(
                {
                    "locale": locale,
                    "atom": reverse("stories-atom"),
                    "rss": reverse("stories-rss"),
                    "opml": reverse("feed-opml"),
                }
            )
    return render(request, "pages/feed_index_page.html", {"shows": shows, "languages": languages})
