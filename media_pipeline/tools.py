"""Locating ffmpeg/ffprobe and checking that they can do what the presets need."""

from __future__ import annotations

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
MIN_FFMPEG_MAJOR = 5  # alimiter's latency compensation appeared in 5.0


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

    version = parse_version(query("-version"))
    if version is not None and version[0] < MIN_FFMPEG_MAJOR:
        problems.append(
            f"ffmpeg {version[0]}.{version[1]} is too old (need {MIN_FFMPEG_MAJOR}.0 or newer): upgrade ffmpeg"
        )
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
