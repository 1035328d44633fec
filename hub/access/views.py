"""The public route to audio files: the policy first, then the bytes (:mod:`hub.access.delivery`).

``/audio/<asset id>/<preset>.<ext>`` serves the players of episode pages, embeds, story clips and
campaign spots. An asset nobody may hear now is a plain 404, whatever the reason.
"""

from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_safe

from hub.audio.models import Rendition

from .delivery import deliver_rendition
from .policy import WEBSITE, Viewer, may_see

CORS = {"Access-Control-Allow-Origin": "*"}


def audio_url(rendition) -> str:
    return reverse("audio-file", args=[rendition.asset_id, rendition.preset, rendition.extension.lstrip(".")])


@require_safe
def audio_file(request, asset_id: int, preset: str, ext: str):
    rendition = Rendition.objects.select_related("asset").filter(asset_id=asset_id, preset=preset).first()
    if rendition is None or rendition.extension.lstrip(".") != ext:
        raise Http404
    if not may_see(Viewer.of(request), rendition, WEBSITE):
        raise Http404
    anonymous = not getattr(request.user, "is_authenticated", False)
    response = deliver_rendition(
        request,
        rendition,
        headers={
            # Caches must ask again each time (a withdrawal answers 404 at once); an editor's
            # preview of unreleased audio is kept by no cache at all.
            "Cache-Control": "public, no-cache" if anonymous else "private, no-store",
            "Vary": "Cookie",
            **CORS,
        },
    )
    if response is None:
        raise Http404
    return response
