"""Exception hierarchy of the media pipeline.

Callers can tell bad input (``UnsupportedMedia``, ``InvalidRequest``: show the message to the
editor, do not retry) from trouble in the machinery (``TranscodeError``, ``ProbeError``,
``TaggingError``, ``ToolMissing``: a bug or a broken installation, worth an alert) and from an
output that missed its loudness specification (``LoudnessOutOfSpec``).
"""

from __future__ import annotations

import os
from enum import StrEnum


class PipelineError(Exception):
    """Base class of every error raised on purpose by ``media_pipeline``.

    ``path`` names the file concerned (if any); ``stderr_tail`` carries the last lines a tool
    printed, which is usually where ffmpeg explains itself.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | os.PathLike[str] | None = None,
        stderr_tail: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = os.fspath(path) if path is not None else None
        self.stderr_tail = stderr_tail

    def __str__(self) -> str:
        text = self.message
        if self.path:
            text = f"{text} [{self.path}]"
        if self.stderr_tail:
            text = f"{text}\n--- tool output (tail) ---\n{self.stderr_tail}"
        return text


class ToolMissing(PipelineError):
    """ffmpeg/ffprobe (or a codec or filter they need) is not installed."""


class ProbeError(PipelineError):
    """ffprobe itself failed in a way that says nothing about the input (crash, timeout)."""


class TranscodeError(PipelineError):
    """ffmpeg failed while measuring or rendering a file it had accepted."""


class TaggingError(PipelineError):
    """Writing or reading metadata (ID3, Vorbis comments, cover art) failed."""


class PresetError(PipelineError):
    """A preset file is missing or malformed."""


class InvalidRequest(PipelineError):
    """The caller asked for something impossible (bad chapters, bad cover, clip too long...)."""


class Reason(StrEnum):
    """Machine-readable reasons for rejecting an input file."""

    EMPTY_FILE = "empty_file"
    NOT_MEDIA = "not_media"
    NOT_AUDIO = "not_audio"
    NO_AUDIO_STREAM = "no_audio_stream"
    NO_DURATION = "no_duration"
    TOO_LONG = "too_long"
    CORRUPT = "corrupt"
    TRUNCATED = "truncated"
    UNSUPPORTED_CODEC = "unsupported_codec"
    SILENT = "silent"
    UNSUPPORTED_FORMAT = "unsupported_format"
    DAMAGED = "damaged"


class UnsupportedMedia(PipelineError):
    """The input file is not something the pipeline can or should process.

    This is the editor's problem, not a bug: ``reason`` is a stable code (see ``Reason``) for
    the caller to branch on or translate, ``message`` a readable English explanation. For
    ``damaged`` and ``truncated`` recordings ``damage`` lists the stretches concerned
    (``damage.DamagedStretch``: start and end in seconds, kind), so a caller can name them in the
    editor's language.
    """

    damage: tuple = ()

    def __init__(
        self,
        reason: Reason,
        message: str,
        *,
        path: str | os.PathLike[str] | None = None,
        stderr_tail: str = "",
    ) -> None:
        super().__init__(message, path=path, stderr_tail=stderr_tail)
        self.reason = reason


class LoudnessOutOfSpec(PipelineError):
    """A rendition missed its loudness target or exceeded its true-peak ceiling.

    ``failures`` lists one readable line per failed check. No output is kept when this is raised.
    """

    def __init__(
        self,
        message: str,
        *,
        failures: list[str],
        path: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(message, path=path)
        self.failures = failures
