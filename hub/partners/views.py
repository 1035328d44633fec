"""The private partner feed and its token-checked downloads.

The feed is built in :mod:`hub.feeds` like every other feed and cached without the token: the
cached bytes carry a placeholder that is replaced with the caller's token on the way out.
Downloads ask :mod:`hub.access.policy`, then are handed over by :mod:`hub.access.delivery`: with
HEAD and byte ranges in the embedded setup, through nginx, or as a redirect to a short-lived
signed URL of the private bucket; each one leaves a :class:`PullReceipt`.
"""

import logging
from operator import attrgetter
from urllib.parse import quote

from django.utils import timezone
from django.views.decorators.http import require_safe

from hub.access.policy import PARTNER, Viewer, may_see
from hub.feeds import cache as feed_cache
from hub.feeds.data import gather_partner, show_base_url
from hub.feeds.podcast import render_podcast
from hub.feeds.views import rendition_response
from hub.radio.models import EpisodePage

from .access import PRIVATE_HEADERS, authenticate, not_found
from .models import PullReceipt, delivery_rendition

logger = logging.getLogger(__name__)

TOKEN_PLACEHOLDER = "HUB-PARTNER-TOKEN-PLACEHOLDER"  # noqa: S105 (a marker, not a secret)
SIGNED_URL_SECONDS = 300  # a partner's signed URL: long enough to start the download, no longer


@require_safe
def partner_feed(request, token):
    feed_token, refusal = authenticate(request, token)
    if refusal is not None:
        return refusal
    name = f"partner:{feed_token.pk}:{show_base_url(request)}"
    gen = feed_cache.generation()
    entry = feed_cache.lookup_in(name, gen)
    placeholder, secret = TOKEN_PLACEHOLDER.encode(), token.encode()

    def respond(entry):
        return feed_cache.feed_response(
            request,
            entry,
            cache_control=feed_cache.PRIVATE_CACHE_CONTROL,
            etag_suffix=f"-{feed_token.pk}",
            transform=lambda body: body.replace(placeholder, secret),
            headers=PRIVATE_HEADERS,
        )

    if entry is not None:
        try:
            return respond(entry)
        except feed_cache.CacheMiss:
            entry = None
    if entry is None:
        gathered = gather_partner(feed_token, request, TOKEN_PLACEHOLDER)
        entry = feed_cache.store(
            name,
            render_podcast(gathered),
            feed_cache.RSS,
            content_time=gathered.last_modified,
            valid_until=gathered.valid_until,
            gen=gen,
        )
    return respond(entry)


@require_safe
def partner_download(request, token, episode_id, ext):
    feed_token, refusal = authenticate(request, token)
    if refusal is not None:
        return refusal
    partner = feed_token.partner
    episode = (
        EpisodePage.objects.select_related("audio").prefetch_related("audio__renditions").filter(pk=episode_id).first()
    )
    # The partner's shows, release window, rights and consent: hub.access.policy asks hub.feeds.data.
    if episode is None or not may_see(Viewer.of_partner(partner, request), episode, PARTNER):
        return not_found()
    rendition = delivery_rendition(
        partner,
        lambda preset: episode.audio.rendition(preset) if episode.audio_id else None,
        size_of=attrgetter("size_bytes"),
        extension_of=attrgetter("extension"),
        ext=ext,
    )
    if rendition is None:
        return not_found()

    receipt_fields = {
        "partner": partner,
        "partner_name": partner.name[:255],
        "token": feed_token,
        "token_label": feed_token.label[:120],
        "episode": episode,
        "episode_title": episode.title[:255],
        "rendition": rendition,
        "preset": rendition.preset,
        "sha256": rendition.sha256,
        "file_size": rendition.size_bytes,
        "range_requested": request.headers.get("Range", "")[:100],
        "user_agent": request.headers.get("User-Agent", "")[:512],
    }
    filename = f"{episode.slug}{rendition.extension}"
    receipt_id = []

    def finished(status, sent):
        try:
            PullReceipt.objects.filter(pk__in=receipt_id).update(bytes_sent=sent, completed_at=timezone.now())
        except Exception:  # the response is already sent; never let bookkeeping raise there
            logger.exception("Could not complete pull receipt %s", receipt_id)

    response = rendition_response(
        request,
        rendition,
        on_close=finished,
        download_name=filename,
        seconds=SIGNED_URL_SECONDS,
        headers={
            "Cache-Control": "private, no-store",
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename, safe='')}",
            **PRIVATE_HEADERS,
        },
    )
    if response is None:
        return not_found()
    if request.method == "GET" and response.status_code == 302:
        # A short-lived signed URL of the private bucket: the bytes go from there.
        PullReceipt.objects.create(status_code=302, bytes_sent=None, **receipt_fields)
    elif request.method == "GET" and response.status_code in (200, 206):
        receipt = PullReceipt.objects.create(status_code=response.status_code, bytes_sent=0, **receipt_fields)
        receipt_id.append(receipt.pk)
    return response
