"""Validate an input file and describe it, judging by content (ffprobe), never by file name."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import tools
from .errors import InvalidRequest, ProbeError, Reason, UnsupportedMedia
from .runner import run, tail_text

DEFAULT_MAX_DURATION = 6 * 3600.0
PROBE_TIMEOUT = 60.0

# Video "codecs" that are really still images: a file whose only streams are these is a picture.
IMAGE_CODECS = frozenset(
    {"png", "mjpeg", "jpeg2000", "jpegls", "bmp", "gif", "webp", "tiff", "apng", "jpegxl", "qoi", "pam", "ppm"}
)
_ESTIMATE_WARNING = re.compile(r"Estimating duration from bitrate", re.IGNORECASE)
_NOT_ON_WHITELIST = re.compile(r"^\[(?P<demuxer>[\w,-]+) @ 0x[0-9a-f]+\] Format not on whitelist", re.MULTILINE)
# What the refused demuxers are, in the editor's words.
_REFUSED_KINDS = {
    "hls": "a streaming playlist (HLS/M3U8)",
    "concat": "a list of other files (ffconcat)",
    "image2": "an image sequence",
    "sdp": "a network stream description (SDP)",
    "rtsp": "a network stream description (RTSP)",
    "srt": "a subtitle file",
    "ass": "a subtitle file",
    "webvtt": "a subtitle file",
    "tty": "a text file",
}


@dataclass(frozen=True)
class AudioStreamInfo:
    index: int
    codec_name: str
    codec_long_name: str
    sample_rate: int
    channels: int
    channel_layout: str
    sample_fmt: str
    bits_per_sample: int | None
    bit_rate: int | None
    duration: float | None


@dataclass(frozen=True)
class ProbeInfo:
    """What ffprobe says about a file.

    ``duration`` is the container's claim; ``duration_is_estimate`` is true when ffprobe had to
    guess it from the bitrate (headerless MP3), so a decoded length that differs proves nothing.
    ``tags`` are the source's own tags, for display only: none of them is copied to any output.
    """

    path: str
    size_bytes: int
    format_name: str
    format_long_name: str
    duration: float
    bit_rate: int | None
    duration_is_estimate: bool
    audio: AudioStreamInfo
    stream_count: int
    video_stream_count: int
    tags: dict[str, str] = field(default_factory=dict)
    start_time: float = 0.0  # the container's first timestamp; ffmpeg's decoded timeline starts there at 0

    @property
    def demuxer(self) -> str:
        """The demuxer every later ffmpeg run opens the file with (``-f``): the first of ffprobe's names."""
        return self.format_name.split(",")[0]

    def input_args(self) -> list[str]:
        """``-protocol_whitelist file -format_whitelist D -f D -i file:PATH`` (see ``tools.input_args``)."""
        return tools.input_args(self.path, self.demuxer)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None


_TEXT_TRICKS = (
    (b"#EXTM3U", "hls"),
    (b"ffconcat version", "concat"),
    (b"v=0", "sdp"),
)


def sniff_refused_kind(head: bytes) -> str | None:
    """The refused demuxer a file's first bytes announce (an M3U playlist, an ffconcat list, SDP).

    ffmpeg 7 stops detecting an HLS playlist whose name does not end in .m3u8, so the probe's
    error alone would call a renamed playlist "damaged"; its first line says what it is.
    """
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    for magic, demuxer in _TEXT_TRICKS:
        if text.startswith(magic):
            return demuxer
    if text.startswith(b"file ") or text.startswith(b"file\t"):
        return "concat"
    return None


def _refused(demuxer: str) -> tuple[Reason, str]:
    if demuxer.endswith("_pipe") or demuxer in {"gif", "apng", "webp"}:
        return Reason.NOT_AUDIO, f"The file is an image ({demuxer.removesuffix('_pipe')}), not an audio file."
    kind = _REFUSED_KINDS.get(demuxer, f"a {demuxer} file")
    return Reason.UNSUPPORTED_FORMAT, (
        f"The file is {kind}, not an audio or video file. Playlists, file lists and other files that "
        "point to further files are not accepted: upload the recording itself."
    )


def classify_probe_failure(stderr: str) -> tuple[Reason, str]:
    """Map the stderr of a failed ffprobe run to a rejection reason.

    A demuxer that recognised the file and then complained (``[mov,mp4,... @ 0x..] moov atom not
    found``) means a damaged file of a known kind; a bare "Invalid data found" means no demuxer
    recognised the content at all.
    """
    refused = _NOT_ON_WHITELIST.search(stderr)
    if refused:
        return _refused(refused["demuxer"].split(",")[0])
    demuxer_complaints = [line for line in stderr.splitlines() if re.match(r"^\[[^\]]+ @ 0x[0-9a-f]+\]", line)]
    if demuxer_complaints:
        return Reason.CORRUPT, "The file looks like a media file but is damaged or incomplete."
    if "Invalid data found when processing input" in stderr:
        return Reason.NOT_MEDIA, "The file is not an audio file (its content is not a recognised media format)."
    return Reason.CORRUPT, "The file could not be read as audio."


def parse_ffprobe(
    payload: str,
    *,
    path: str,
    size_bytes: int,
    stderr: str = "",
) -> ProbeInfo:
    """Turn ffprobe's ``-of json -show_format -show_streams`` output into a ``ProbeInfo``.

    Raises ``UnsupportedMedia`` when the content is not a usable audio file. Duration limits are
    not checked here (see ``check_duration``).
    """
    try:
        data = json.loads(payload or "{}")
    except json.JSONDecodeError as exc:
        raise ProbeError("ffprobe printed invalid JSON", path=path, stderr_tail=payload[-500:]) from exc
    fmt: dict[str, Any] = data.get("format") or {}
    streams: list[dict[str, Any]] = data.get("streams") or []
    if not fmt:
        reason, message = classify_probe_failure(stderr)
        raise UnsupportedMedia(reason, message, path=path, stderr_tail=tail_text(stderr.splitlines()[-10:]))

    audio_streams = [s for s in streams if s.get("codec_type") == "audio"]
    video_streams = [
        s for s in streams if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
    ]
    format_name = str(fmt.get("format_name", ""))
    if not audio_streams:
        is_image = (
            format_name.endswith("_pipe")
            or format_name in {"image2", "gif", "apng", "webp"}
            or (video_streams and all(s.get("codec_name") in IMAGE_CODECS for s in video_streams))
        )
        if is_image:
            raise UnsupportedMedia(
                Reason.NOT_AUDIO, f"The file is an image ({format_name}), not an audio file.", path=path
            )
        if video_streams:
            raise UnsupportedMedia(Reason.NO_AUDIO_STREAM, "The file is a video without any audio track.", path=path)
        raise UnsupportedMedia(Reason.NO_AUDIO_STREAM, f"The file ({format_name}) contains no audio stream.", path=path)

    default = [s for s in audio_streams if (s.get("disposition") or {}).get("default")]
    stream = (default or audio_streams)[0]
    codec_name = str(stream.get("codec_name") or "")
    sample_rate = _int(stream.get("sample_rate")) or 0
    channels = _int(stream.get("channels")) or 0
    if not codec_name or codec_name == "none" or sample_rate <= 0 or channels <= 0:
        raise UnsupportedMedia(
            Reason.UNSUPPORTED_CODEC,
            f"The audio stream uses a codec that cannot be decoded ({codec_name or 'unknown'}).",
            path=path,
        )
    stream_duration = _float(stream.get("duration"))
    duration = _float(fmt.get("duration"))
    if duration is None or duration <= 0:
        duration = stream_duration
    if duration is None or duration <= 0:
        raise UnsupportedMedia(Reason.NO_DURATION, "The audio has no readable duration (or it is zero).", path=path)

    bits = _int(stream.get("bits_per_raw_sample")) or _int(stream.get("bits_per_sample")) or None
    audio = AudioStreamInfo(
        index=_int(stream.get("index")) or 0,
        codec_name=codec_name,
        codec_long_name=str(stream.get("codec_long_name") or ""),
        sample_rate=sample_rate,
        channels=channels,
        channel_layout=str(stream.get("channel_layout") or ""),
        sample_fmt=str(stream.get("sample_fmt") or ""),
        bits_per_sample=bits,
        bit_rate=_int(stream.get("bit_rate")),
        duration=stream_duration,
    )
    tags = {str(k): str(v) for k, v in (fmt.get("tags") or {}).items()}
    return ProbeInfo(
        path=path,
        size_bytes=size_bytes,
        format_name=format_name,
        format_long_name=str(fmt.get("format_long_name") or ""),
        duration=duration,
        bit_rate=_int(fmt.get("bit_rate")),
        duration_is_estimate=bool(_ESTIMATE_WARNING.search(stderr)),
        audio=audio,
        stream_count=len(streams),
        video_stream_count=len(video_streams),
        tags=tags,
        start_time=_float(fmt.get("start_time")) or 0.0,
    )


def riff_data_shortfall(header: bytes, file_size: int) -> int:
    """Bytes of audio a RIFF/WAVE file announces in its ``data`` chunk but does not contain.

    ffmpeg quietly trusts the file size over a WAV header, so an interrupted upload of a WAV
    just looks shorter; the header still tells the truth. RF64 (size 0xFFFFFFFF) and headers we
    cannot follow give 0.
    """
    if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
        return 0
    position = 12
    while position + 8 <= len(header):
        chunk_id = header[position : position + 4]
        size = int.from_bytes(header[position + 4 : position + 8], "little")
        if chunk_id == b"data":
            if size == 0xFFFFFFFF:
                return 0
            return max(0, position + 8 + size - file_size)
        position += 8 + size + (size & 1)
    return 0


def _check_wav_header(info: ProbeInfo) -> None:
    if info.format_name != "wav":
        return
    with open(info.path, "rb") as handle:
        header = handle.read(1 << 16)
    missing = riff_data_shortfall(header, info.size_bytes)
    if missing:
        frame_bytes = max(1, info.audio.channels * (info.audio.bits_per_sample or 16) // 8)
        claimed = info.duration + missing / frame_bytes / info.audio.sample_rate
        raise UnsupportedMedia(
            Reason.TRUNCATED,
            f"The WAV file ends after {info.duration:.1f} s although its header announces {claimed:.1f} s: "
            "it is truncated (an interrupted upload or copy?).",
            path=info.path,
        )


def check_duration(info: ProbeInfo, max_duration: float | None) -> None:
    if max_duration is not None and info.duration > max_duration:
        raise UnsupportedMedia(
            Reason.TOO_LONG,
            f"The audio is {format_hms(info.duration)} long; the limit is {format_hms(max_duration)}.",
            path=info.path,
        )


def format_hms(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def probe(path: str | os.PathLike[str], *, max_duration: float | None = DEFAULT_MAX_DURATION) -> ProbeInfo:
    """Describe an audio file, or raise ``UnsupportedMedia`` saying why it cannot be used."""
    file = Path(path)
    try:
        size = file.stat().st_size
    except FileNotFoundError as exc:
        raise InvalidRequest("No such file.", path=file) from exc
    if not file.is_file():
        raise InvalidRequest("Not a regular file.", path=file)
    if size == 0:
        raise UnsupportedMedia(Reason.EMPTY_FILE, "The file is empty (0 bytes).", path=file)
    done = run(
        [
            tools.ffprobe(),
            "-hide_banner",
            "-v",
            "warning",
            "-of",
            "json",
            "-show_format",
            "-show_streams",
            *tools.input_args(file, None),
        ],
        timeout=PROBE_TIMEOUT,
        error=ProbeError,
        check=False,
        path=file,
    )
    payload = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0:
        with open(file, "rb") as handle:
            trick = sniff_refused_kind(handle.read(256))
        reason, message = _refused(trick) if trick else classify_probe_failure(done.stderr)
        raise UnsupportedMedia(reason, message, path=file, stderr_tail=done.stderr_tail)
    info = parse_ffprobe(payload, path=str(file), size_bytes=size, stderr=done.stderr)
    _check_wav_header(info)
    check_duration(info, max_duration)
    return info
