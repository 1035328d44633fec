from django import template

from hub.audio.damage import describe, stretches
from hub.audio.plots import loudness_svg, progress_bar

register = template.Library()


def hms(seconds) -> str:
    """A duration as the admin shows it everywhere: ``h:mm:ss`` (``0:01:08``); empty when unknown."""
    try:
        whole = round(float(seconds))
    except (TypeError, ValueError):
        return ""
    if whole < 0:
        return ""
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


@register.filter(name="hms")
def hms_filter(seconds):
    return hms(seconds)


@register.simple_tag
def audio_progress(asset):
    return progress_bar(asset.status, asset.progress, asset.pk)


@register.simple_tag
def loudness_plot(asset):
    targets = sorted(
        {(rendition.target_lufs, f"{rendition.target_lufs:g} LUFS") for rendition in asset.renditions.all()}
    )
    return loudness_svg(asset.report, targets)


@register.simple_tag
def damage_lines(report) -> list[str]:
    """The damaged stretches of a processed recording, one readable line each (see hub.audio.damage)."""
    return [describe(stretch) for stretch in stretches(report)]
