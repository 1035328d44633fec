"""Locating ffmpeg/ffprobe and checking that they can do what the presets need."""

from __future__ import annotations

import functools
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from .errors import PipelineError, ToolMissing
from .runner import run

INSTALL_HINT = "apt-get install ffmpeg"
REQUIRED_FILTERS = ("ebur128", "volume", "alimiter", "aresample", "asplit", "aformat", "pan")
REQUIRED_MUXERS = ("tee", "null", "s16le")  # the fan-out, the meters' sinks, the peaks pipe
REQUIRED_ENCODERS = ("libmp3lame",)  # soundbites, on top of whatever the presets name
# The versions the pipeline is tested with: 5.1 (Debian 12) up to 7.x (Debian 13 ships 7.1). Older
# releases lack alimiter's latency compensation and the ``-stats_period``/``-progress`` behaviour
# relied on; a new major release may change filter defaults or option names, so it is refused
# until it has been tried.
SUPPORTED_FFMPEG = ((5, 1), (7, 99))

# Demuxers an uploaded file may be opened with (``-f``): self-contained audio and video
# containers. Nothing here opens another file or URL: playlists (hls, concat, ffconcat),
# image sequences (image2), subtitles, SDP/RTP, "tty" and the like are refused whatever the
# file claims to be, and mov is opened with its external references (drefs) off, its default.
ALLOWED_DEMUXERS = (
    "aac", "ac3", "aiff", "amr", "ape", "asf", "au", "avi", "caf", "dsf", "dts", "eac3", "flac",
    "flv", "matroska", "mov", "mp3", "mpeg", "mpegts", "ogg", "tak", "voc", "w64", "wav", "wv",
)  # fmt: skip


def _locate(name: str) -> str:
    override = os.environ.get(f"MEDIA_PIPELINE_{name.upper()}")
    if override:
        return override
    return shutil.which(name) or name


def ffmpeg() -> str:
    """Path of the ffmpeg executable (``MEDIA_PIPELINE_FFMPEG`` overrides the PATH lookup)."""
    return _locate("ffmpeg")


def ffprobe() -> str:
    """Path of the ffprobe executable (``MEDIA_PIPELINE_FFPROBE`` overrides the PATH lookup)."""
    return _locate("ffprobe")


def file_url(path: str | os.PathLike[str]) -> str:
    """An ffmpeg URL for a local file; the ``file:`` prefix keeps "a:b.wav" from reading as a protocol."""
    return "file:" + str(Path(path).absolute())


def input_args(path: str | os.PathLike[str], demuxer: str | None) -> list[str]:
    """The ffmpeg/ffprobe arguments that open an uploaded file, and nothing else.

    ``-protocol_whitelist file`` keeps the demuxer (and anything it might nest) from opening a
    URL; ``-format_whitelist`` refuses any demuxer outside ``ALLOWED_DEMUXERS`` before it reads
    a header; ``-f`` (once the probe has named the demuxer) stops a second guess.
    """
    args = ["-protocol_whitelist", "file", "-format_whitelist", demuxer or ",".join(ALLOWED_DEMUXERS)]
    if demuxer:
        args += ["-f", demuxer]
    return [*args, "-i", file_url(path)]


def parse_capability_list(text: str) -> set[str]:
    """Names from ``ffmpeg -encoders``, ``-muxers`` or ``-filters`` output.

    Each data line is a flags column followed by the name, e.g. `` A....D libmp3lame  libmp3lame MP3``,
    `` E mp3     MP3 (MPEG audio layer 3)`` or `` ... ebur128  A->N  EBU R128 scanner.``; header and
    legend lines are skipped because their flag column contains ``=`` or they have no second field.
    """
    names: set[str] = set()
    for line in text.splitlines():
        match = re.match(r"^\s*([A-Z.|]{1,8})\s+([\w,-]+)\s", line + " ")
        if match and "=" not in line.split()[1]:
            names.update(match.group(2).split(","))
    return names


def parse_version(text: str) -> tuple[int, int] | None:
    """``ffmpeg version 5.1.9-0+deb12u1 ...`` -> (5, 1); git builds ("N-1234-g...") -> None."""
    match = re.search(r"version\s+n?(\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def parse_version_string(text: str) -> str:
    """The version word of ``ffmpeg -version`` (``5.1.9-0+deb12u1``, ``N-118000-g...``), or ''."""
    match = re.search(r"\bversion\s+(\S+)", text)
    return match.group(1) if match else ""


@functools.cache
def _version_text(executable: str) -> str:
    try:
        done = run([executable, "-hide_banner", "-version"], timeout=30, check=False)
    except (PipelineError, ToolMissing):
        return ""
    return done.stdout.decode("utf-8", "replace")


def ffmpeg_version() -> str:
    """The version of the ffmpeg in use, for messages (``unknown`` if it cannot be run)."""
    return parse_version_string(_version_text(ffmpeg())) or "unknown"


def version_problem(text: str) -> str | None:
    """Why this ``ffmpeg -version`` output names a version the pipeline does not support, or None.

    Development builds (``N-...``, ``git-...``) carry no release number and are let through.
    """
    version = parse_version(text)
    if version is None:
        return None
    (low_major, low_minor), (high_major, _) = SUPPORTED_FFMPEG
    shown = parse_version_string(text) or f"{version[0]}.{version[1]}"
    if version < SUPPORTED_FFMPEG[0]:
        return (
            f"ffmpeg {shown} is too old: the pipeline needs {low_major}.{low_minor} to {high_major}.x "
            "(alimiter latency compensation, -stats_period and the ebur128 metadata it reads); upgrade ffmpeg"
        )
    if version[0] > high_major:
        return (
            f"ffmpeg {shown} is newer than the versions the pipeline is tested with "
            f"({low_major}.{low_minor} to {high_major}.x): its filters and options may have changed; "
            f"install an ffmpeg {high_major}.x or point MEDIA_PIPELINE_FFMPEG and MEDIA_PIPELINE_FFPROBE at one"
        )
    return None


def check_tools(encoders: Iterable[str] | None = None) -> list[str]:
    """List what is missing for the pipeline to run, one actionable sentence each.

    ``encoders`` defaults to the encoders of the bundled presets (whose muxers are checked too).
    An empty list means all is well.
    """
    from .presets import DEFAULT_PRESETS, load_preset

    presets = [load_preset(name) for name in DEFAULT_PRESETS]
    if encoders is None:
        encoders = [preset.codec for preset in presets]
    wanted_encoders = sorted({*encoders, *REQUIRED_ENCODERS})
    wanted_muxers = sorted(
        {*REQUIRED_MUXERS, *(p.format for p in presets), *(p.codec.removeprefix("pcm_") for p in presets if p.is_pcm)}
    )
    problems: list[str] = []
    for tool in (ffmpeg(), ffprobe()):
        if shutil.which(tool) is None:
            problems.append(f"{Path(tool).name} not found on PATH: install it ({INSTALL_HINT})")
    if problems:
        return problems

    def query(*args: str) -> str:
        try:
            done = run([ffmpeg(), "-hide_banner", *args], timeout=30, check=False)
        except (PipelineError, ToolMissing) as exc:
            problems.append(f"ffmpeg {' '.join(args)} failed: {exc.message}")
            return ""
        return done.stdout.decode("utf-8", "replace")

    version_text = query("-version")
    if (problem := version_problem(version_text)) is not None:
        problems.append(problem)
    available_encoders = parse_capability_list(query("-encoders"))
    for name in wanted_encoders:
        if name not in available_encoders:
            library = name.removeprefix("lib")
            problems.append(f"ffmpeg has no '{name}' encoder: install an ffmpeg built with {library} ({INSTALL_HINT})")
    available_filters = parse_capability_list(query("-filters"))
    for name in REQUIRED_FILTERS:
        if name not in available_filters:
            problems.append(f"ffmpeg has no '{name}' filter: install a full ffmpeg build ({INSTALL_HINT})")
    available_muxers = parse_capability_list(query("-muxers"))
    for name in wanted_muxers:
        if name not in available_muxers:
            problems.append(f"ffmpeg has no '{name}' muxer: install a full ffmpeg build ({INSTALL_HINT})")
    return problems
