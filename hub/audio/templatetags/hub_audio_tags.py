from django import template

from hub.audio.plots import loudness_svg, progress_bar

register = template.Library()


@register.simple_tag
def audio_progress(asset):
    return progress_bar(asset.status, asset.progress, asset.pk)


@register.simple_tag
def loudness_plot(asset):
    targets = sorted(
        {(rendition.target_lufs, f"{rendition.target_lufs:g} LUFS") for rendition in asset.renditions.all()}
    )
    return loudness_svg(asset.report, targets)
