"""System checks: the audio pipeline needs ffmpeg and ffprobe with the right encoders and filters."""

from functools import lru_cache

from django.core.checks import Error, register

import media_pipeline


@lru_cache(maxsize=1)
def _problems() -> tuple[str, ...]:
    return tuple(media_pipeline.check_tools())


@register("hub")
def check_audio_tools(app_configs=None, **kwargs):
    return [
        Error(problem, hint="On Debian or Ubuntu: apt-get install ffmpeg", id=f"hub.audio.E{index:03d}")
        for index, problem in enumerate(_problems(), start=1)
    ]
