"""Short clips (soundbites, trailers) cut from a long recording, with pydub.

pydub keeps whole clips in memory: fine for at most a minute (23 MB as 32-bit 48 kHz stereo
PCM, a few copies of it while editing), and the reason it never touches the full-length path.
Only the excerpt is decoded: ffmpeg seeks to ``start`` and stops after ``duration``, exactly what
pydub's ``AudioSegment.from_file(start_second=, duration=)`` does, but through our runner (pydub
starts ffmpeg itself, without a timeout). pydub then does the clip editing (fades); ffmpeg meters
the faded clip and encodes it with the measured gain and the preset's limiter, in float, so a
boost never clips in 16- or 32-bit integers.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pydub import AudioSegment  # type: ignore[import-untyped]

from . import tools
from .cleanup import cleanup_filter
from .errors import InvalidRequest, LoudnessOutOfSpec, Reason, TranscodeError, UnsupportedMedia
from .loudness import (
    LoudnessMeasurement,
    MeterOutputMissing,
    Summary,
    meter_filter,
    missing_output,
    parse_meter_output,
    to_measurement,
)
from .presets import Preset, load_preset
from .probe import probe
from .render import Branch, branch_chain, check_duration, check_rendition, encoder_args
from .runner import run
from .staging import sha256_file
from .tagging import TagMetadata, tag_mp3

MAX_SOUNDBITE_SECONDS = 60.0
MIN_SOUNDBITE_SECONDS = 1.0
CLIP_TIMEOUT = 120.0
SAMPLE_WIDTH = 4  # 32-bit PCM between ffmpeg and pydub: no precision lost before the gain


@dataclass(frozen=True)
class Soundbite:
    path: str
    start: float
    duration: float
    size_bytes: int
    gain_db: float
    loudness: LoudnessMeasurement
    sha256: str


def _meter_pcm(pcm: bytes, *, sample_rate: int, channels: int, path: str) -> LoudnessMeasurement:
    done = run(
        [
            tools.ffmpeg(), "-nostdin", "-hide_banner", "-nostats", "-loglevel", "warning",
            "-f", "s32le", "-ar", str(sample_rate), "-ac", str(channels), "-i", "pipe:0",
            "-af", meter_filter(1), "-f", "null", "-",
        ],
        input=pcm,
        timeout=CLIP_TIMEOUT,
        error=TranscodeError,
        path=path,
    )  # fmt: skip
    frames = len(pcm) // (SAMPLE_WIDTH * channels)
    return to_measurement(_summary(done.stdout, "the excerpt", path, done.stderr_tail), frames / sample_rate, None)


def _summary(readings: bytes, what: str, path: str | os.PathLike[str], stderr_tail: str) -> Summary:
    try:
        return parse_meter_output(readings.decode("utf-8", "replace"))
    except MeterOutputMissing as exc:
        raise missing_output(what, path, stderr_tail) from exc


def make_soundbite(
    source: str | os.PathLike[str],
    start: float,
    duration: float,
    out: str | os.PathLike[str],
    *,
    fade_ms: int = 500,
    preset: str | Preset = "podcast-mp3",
    metadata: TagMetadata | None = None,
) -> Soundbite:
    """Cut ``duration`` seconds (<= 60) from ``start``, fade in and out, match the preset's loudness
    target, and write an MP3 (atomically) to ``out``. The clip is metered again after encoding.
    """
    if not MIN_SOUNDBITE_SECONDS <= duration <= MAX_SOUNDBITE_SECONDS:
        raise InvalidRequest(
            f"a soundbite lasts {MIN_SOUNDBITE_SECONDS:g} to {MAX_SOUNDBITE_SECONDS:g} s, not {duration:g} s"
        )
    if start < 0:
        raise InvalidRequest("a soundbite cannot start before the audio")
    if fade_ms < 0 or 2 * fade_ms > duration * 1000:
        raise InvalidRequest(f"fades of {fade_ms} ms do not fit into {duration:g} s")
    chosen = preset if isinstance(preset, Preset) else load_preset(preset)
    if chosen.format != "mp3":
        raise InvalidRequest(f"soundbites are MP3; preset {chosen.name} is {chosen.format}")
    info = probe(source, max_duration=None)
    if start >= info.duration - MIN_SOUNDBITE_SECONDS:
        raise InvalidRequest(f"start {start:g} s is past the end of the audio ({info.duration:.1f} s)")
    duration = min(duration, info.duration - start)
    channels = min(info.audio.channels, 2)
    rate = info.audio.sample_rate

    excerpt = run(
        [
            tools.ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error",
            "-ss", f"{start:.3f}", "-t", f"{duration:.3f}", *info.input_args(),
            "-map", f"0:{info.audio.index}", "-af", cleanup_filter("none"), "-ac", str(channels),
            "-c:a", "pcm_s32le", "-f", "s32le", "pipe:1",
        ],
        timeout=CLIP_TIMEOUT,
        error=TranscodeError,
        path=info.path,
    ).stdout  # fmt: skip
    if not excerpt:
        raise UnsupportedMedia(Reason.CORRUPT, "No audio could be decoded at that position.", path=info.path)
    clip = AudioSegment(data=excerpt, sample_width=SAMPLE_WIDTH, frame_rate=rate, channels=channels)
    clip = clip.fade_in(fade_ms).fade_out(fade_ms)
    pcm = clip.raw_data

    measured = _meter_pcm(pcm, sample_rate=rate, channels=channels, path=info.path)
    if measured.is_silent:
        raise UnsupportedMedia(Reason.SILENT, "The excerpt is silent.", path=info.path)
    out_channels = chosen.output_channels(channels)
    target = chosen.target_for(out_channels)
    branch = Branch(
        preset=chosen,
        channels=out_channels,
        target=target,
        gain_db=round(target.integrated - measured.integrated_lufs + chosen.codec_compensation_db, 2),
        limit_db=target.true_peak - chosen.limiter.margin_db if chosen.limiter.enabled else None,
        filename=Path(out).name,
    )
    final = Path(out)
    final.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".media_pipeline-", suffix=".mp3", dir=final.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        run(
            [
                tools.ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "s32le", "-ar", str(rate), "-ac", str(channels), "-i", "pipe:0",
                "-af", branch_chain(branch, channels, rate), *encoder_args(chosen, out_channels),
                "-map_metadata", "-1", "-id3v2_version", "0", "-f", "mp3", tools.file_url(temp),
            ],
            input=pcm,
            timeout=CLIP_TIMEOUT,
            error=TranscodeError,
            path=info.path,
        )  # fmt: skip
        done = run(
            [
                tools.ffmpeg(), "-nostdin", "-hide_banner", "-nostats", "-loglevel", "warning",
                *tools.input_args(temp, "mp3"), "-map", "0:a:0", "-af", meter_filter(1), "-f", "null", "-",
            ],
            timeout=CLIP_TIMEOUT,
            error=TranscodeError,
            path=temp,
        )  # fmt: skip
        result_info = probe(temp, max_duration=None)
        summary = _summary(done.stdout, "the soundbite", temp, done.stderr_tail)
        result = to_measurement(summary, result_info.duration, None)
        check_duration(branch, result, duration, info.path)
        failures = check_rendition(branch, result)
        if failures:
            raise LoudnessOutOfSpec("soundbite out of specification: " + "; ".join(failures), failures=failures)
        if metadata is not None:
            tag_mp3(temp, metadata, (), None)
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return Soundbite(
        path=str(final),
        start=start,
        duration=result_info.duration,
        size_bytes=final.stat().st_size,
        gain_db=branch.gain_db,
        loudness=result,
        sha256=sha256_file(final),
    )
