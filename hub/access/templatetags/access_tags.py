"""``{% audio_clip audio as clip %}``: the playable sources of an asset, if the policy allows it."""

from django import template

from hub.access.policy import WEBSITE, Viewer, may_see
from hub.access.views import audio_url

register = template.Library()


@register.simple_tag(takes_context=True)
def audio_clip(context, audio):
    """None unless the visitor may hear ``audio`` now; else its MP3 and Opus with hub URLs."""
    request = context.get("request")
    if audio is None or request is None:
        return None
    # One decision per asset and request: a page that plays one recording many times asks once.
    decisions = request.__dict__.setdefault("_hub_audio_decisions", {})
    if audio.pk not in decisions:
        decisions[audio.pk] = bool(may_see(Viewer.of(request), audio, WEBSITE))
    if not decisions[audio.pk]:
        return None
    renditions = {rendition.preset: rendition for rendition in audio.renditions.all()}
    sources = {}
    for key, preset in (("mp3", "podcast-mp3"), ("opus", "lowband-opus")):
        rendition = renditions.get(preset)
        if rendition is not None and rendition.file:
            sources[key] = {
                "url": audio_url(rendition),
                "mime_type": rendition.mime_type,
                "size_bytes": rendition.size_bytes,
            }
    return sources or None


@register.simple_tag
def audio_file_url(rendition):
    """The hub route of one rendition (files of the private storage have no URL of their own)."""
    return audio_url(rendition)
