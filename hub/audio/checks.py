"""System checks: the audio pipeline needs a supported ffmpeg and ffprobe with the right encoders and filters."""

from functools import lru_cache

from django.core.checks import Error, register

import media_pipeline
from media_pipeline import tools


@lru_cache(maxsize=1)
def _problems() -> tuple[tuple[str, ...], str]:
    return tuple(media_pipeline.check_tools()), f"ffmpeg {tools.ffmpeg_version()} at {tools.ffmpeg()}"


@register("hub")
def check_audio_tools(app_configs=None, **kwargs):
    problems, found = _problems()
    return [
        Error(
            problem,
            hint=f"Found: {found}. On Debian 12 or 13 and Ubuntu: apt-get install ffmpeg",
            id=f"hub.audio.E{index:03d}",
        )
        for index, problem in enumerate(problems, start=1)
    ]
