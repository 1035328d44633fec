"""Damaged recordings: find the stretches that cannot be decoded, keep the timeline, decide.

An interrupted copy or a failing memory card leaves garbage in the middle of a file. ffmpeg's
decoders skip what they cannot decode, so the audio after the damage simply moves up: the
output comes out shorter than the recording, chapters set against the original land in the
wrong place, and the length check used to refuse the file with a message about internal steps.

How it works, without reading ffmpeg's human log:

1. **Suspicion comes for free.** The source meter's readings (``loudness.Meter``) carry each
   100 ms block's timestamp; a jump in them (``Meter.discontinuities``), or a decode that ends
   clearly before the container's stated length, means something was skipped.
2. **Mapping, only for suspicious files.** ``map_damage`` runs ffprobe over the audio stream with
   ``-show_frames`` in its compact ``key=value`` form and streams the lines: each decoded frame's
   timestamp, samples, and the position and size of the packet it came from. A frame that did not
   decode is simply absent (or has no timestamp: decoded garbage). Only the gaps are kept, so
   memory does not grow with the length of the recording.

   - Containers that carry timestamps (FLAC frame numbers, Ogg granule positions, MP4/Matroska
     timestamps) say exactly how much time is missing: the gap between the end of one decoded
     frame and the start of the next.
   - Raw streams (MP3, ADTS AAC, AC-3) carry none; ffmpeg counts time by the packets it found, so
     a run of garbage shrinks to a few "frames". There the bytes that decoded to nothing, at the
     stream's own average byte rate (decoded bytes over decoded seconds), give the missing time.

3. **Concealment keeps the timeline** (``DamageMap.conceal_filter``): ``asetpts`` moves the audio
   after each raw-stream gap back to where it belongs, ``aresample=async=1`` fills every gap with
   silence (and drops overlaps), and ``volume=0`` over the damaged stretches silences anything the
   decoder made of the garbage. Measurement and render run the same chain, so the renditions are as
   long as the recording and chapters stay where the editor put them.
4. **Policy** (``DamageMap.refusal``): at most ``MAX_DAMAGED_FRACTION`` (20 %) of the recording may
   be damaged; more, or nothing decodable at all, refuses the file with the stretches named.
   Below it the episode is processed and every stretch is reported (report, result, CLI, admin).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from . import tools
from .errors import ProbeError, Reason, UnsupportedMedia
from .probe import ProbeInfo
from .runner import ProcessSpec, Supervisor, run

MAX_DAMAGED_FRACTION = 0.20
MIN_STRETCH = 0.05  # seconds: shorter gaps are rounding, not damage
MERGE_WITHIN = 0.5  # seconds: stretches closer than this are reported as one
MAX_GAPS = 2000  # gaps kept while scanning; more: the file is refused as mostly damaged
# More separate stretches than this (after merging) are refused too: such a copy is broken
# throughout, and the concealment's filter expressions must stay well inside an argument's size
# limit (128 KiB on Linux).
MAX_STRETCHES = 200
MAX_LISTED = 5  # stretches named in a refusal message
SHORTFALL_SUSPECT = 0.5  # seconds the decode may end before the stated length without a mapping
# Demuxers whose timestamps are counted from the packets found, not read from the file.
RAW_STREAM_DEMUXERS = frozenset({"mp3", "aac", "ac3", "eac3", "mp2", "mpegaudio", "dts", "truehd", "mlp"})
# Demuxers whose streams begin at timestamp 0 but that state as the file's start the first
# timestamp they can read (FLAC frame numbers, Ogg granule positions): after damage at the start,
# ffmpeg would move the whole recording up by that much.
STARTS_AT_ZERO_DEMUXERS = frozenset({"flac", "ogg"})


class Kind:
    UNDECODABLE = "undecodable"  # frames in the recording that could not be decoded
    MISSING_END = "missing_end"  # the file's end is missing (an interrupted copy) or unreadable up to its end


@dataclass(frozen=True)
class DamagedStretch:
    """A stretch of the recording's timeline (seconds from its start) that was replaced by silence
    (``undecodable``) or is missing altogether (``missing_end``)."""

    start: float
    end: float
    kind: str

    @property
    def seconds(self) -> float:
        return self.end - self.start

    def describe(self) -> str:
        where = f"{clock(self.start)}-{clock(self.end)}"
        if self.kind == Kind.MISSING_END:
            return f"{where} missing or unreadable (the end of the file)"
        return f"{where} could not be decoded"


def clock(seconds: float) -> str:
    """0:07.5, 12:03.0 or 1:02:03.0: positions an editor can find in any player."""
    tenths = round(max(0.0, seconds) * 10)
    whole, tenth = divmod(tenths, 10)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}.{tenth}"
    return f"{minutes}:{secs:02d}.{tenth}"


@dataclass(frozen=True)
class DamageMap:
    """Where a recording is damaged, and how to decode it onto its own timeline."""

    stretches: tuple[DamagedStretch, ...]
    timeline: float  # seconds of the recording as stated (or as decoded, if longer)
    shifts: tuple[tuple[float, float], ...] = ()  # (decoded timestamp, seconds to add from there on)
    decoded_frames: int = 1
    too_many: bool = False
    offset: float = 0.0  # seconds ffmpeg's decode starts too early (the start is damaged)

    @property
    def damaged_seconds(self) -> float:
        return round(sum(s.seconds for s in self.stretches), 3)

    @property
    def concealed(self) -> tuple[DamagedStretch, ...]:
        return tuple(s for s in self.stretches if s.kind == Kind.UNDECODABLE)

    def conceal_filter(self) -> str | None:
        """The filter chain that puts the decoded audio back on the recording's timeline, with
        silence where it is damaged; None when nothing in the middle is missing."""
        concealed = self.concealed
        if not concealed:
            return None
        parts = []
        terms = [f"{self.offset:.6f}"] if self.offset else []
        terms += [f"gte(T,{at - 0.0005:.4f})*{shift:.6f}" for at, shift in self.shifts]
        if terms:
            parts.append(f"asetpts='PTS+({'+'.join(terms)})/TB'")
        parts.append("aresample=async=1:min_hard_comp=0.01:first_pts=0")
        ranges = "+".join(f"between(t,{s.start:.3f},{s.end:.3f})" for s in concealed)
        parts.append(f"volume=0:enable='{ranges}'")
        return ",".join(parts)

    def refusal(self, path: str) -> UnsupportedMedia | None:
        """The error for a recording too damaged to publish, or None."""
        if self.decoded_frames == 0:
            return UnsupportedMedia(
                Reason.CORRUPT, "No audio could be decoded from the file: it is damaged throughout.", path=path
            )
        fraction = self.damaged_seconds / self.timeline if self.timeline > 0 else 1.0
        if not self.too_many and fraction <= MAX_DAMAGED_FRACTION:
            return None
        listed = "; ".join(s.describe() for s in self.stretches[:MAX_LISTED])
        more = len(self.stretches) - MAX_LISTED
        if more > 0 or self.too_many:
            listed += f"; and {'many' if self.too_many else more} more"
        only_end = all(s.kind == Kind.MISSING_END for s in self.stretches)
        reason = Reason.TRUNCATED if only_end else Reason.DAMAGED
        what = "is missing" if only_end else "is damaged"
        error = UnsupportedMedia(
            reason,
            f"{fraction:.0%} of the recording {what} (more than the {MAX_DAMAGED_FRACTION:.0%} that can be "
            f"bridged with silence): {listed}. Copy the recording again from the recorder or phone it was "
            "made on (the copy may have been interrupted) and upload that file; if the original is damaged "
            "too, cut the damaged part out in an audio editor and upload the rest.",
            path=path,
        )
        error.damage = self.stretches
        return error


@dataclass
class FrameScanner:
    """Streaming consumer of ``ffprobe -show_frames -of compact`` lines; keeps only the gaps."""

    raw_stream: bool
    sample_rate: int
    start_time: float = 0.0  # subtracted from ffprobe's timestamps: ffmpeg's decoded timeline starts at 0
    first_packet_pos: int | None = None
    frames: int = 0
    end: float | None = None  # end of the decoded audio so far, in decoded time
    next_pos: int | None = None
    decoded_bytes: int = 0
    decoded_seconds: float = 0.0
    bad_frames: int = 0
    too_many: bool = False
    # (decoded start of the gap, decoded timestamp where audio resumes, undecoded bytes)
    gaps: list[tuple[float, float, int]] = field(default_factory=list)

    def feed_line(self, line: str) -> None:
        if not line.startswith("frame|"):
            return
        values = dict(item.partition("=")[::2] for item in line.strip().split("|")[1:])
        pts = _number(values.get("pts_time"))
        pts = None if pts is None else pts - self.start_time
        samples = _number(values.get("nb_samples")) or 0.0
        rate = _number(values.get("sample_rate")) or self.sample_rate
        pos = _integer(values.get("pkt_pos"))
        size = _integer(values.get("pkt_size")) or 0
        if pts is None or rate <= 0:
            self.bad_frames += 1  # decoded garbage without a timestamp: it lies inside a gap
            return
        duration = samples / rate
        if self.end is None:
            start_bytes = pos - self.first_packet_pos if pos is not None and self.first_packet_pos is not None else 0
            if pts > MIN_STRETCH / 2 or (self.raw_stream and start_bytes > 0):
                self._gap(0.0, pts, max(0, start_bytes))
        else:
            skipped = pos - self.next_pos if pos is not None and self.next_pos is not None else 0
            if pts - self.end > MIN_STRETCH / 2 or (self.raw_stream and skipped > 0):
                self._gap(self.end, pts, max(0, skipped))
        self.frames += 1
        self.end = max(self.end or 0.0, pts + duration)
        if pos is not None:
            self.next_pos = pos + size
            self.decoded_bytes += size
            self.decoded_seconds += duration

    def _gap(self, start: float, resume: float, skipped_bytes: int) -> None:
        if len(self.gaps) >= MAX_GAPS:
            self.too_many = True
            return
        self.gaps.append((start, resume, skipped_bytes))

    def result(self, stated: float) -> DamageMap:
        """The damage map; ``stated`` is the container's length (0 when it is only an estimate)."""
        byte_rate = self.decoded_bytes / self.decoded_seconds if self.decoded_seconds > 0 else 0.0
        stretches: list[DamagedStretch] = []
        shifts: list[tuple[float, float]] = []
        shift = 0.0
        for start, resume, skipped in self.gaps:
            missing = max(0.0, resume - start)
            if self.raw_stream and byte_rate > 0:
                # The timestamps count garbage as a few frames at most; the bytes tell the time.
                missing = max(missing, skipped / byte_rate)
            if missing < MIN_STRETCH:
                continue
            begin = start + shift
            if self.raw_stream:
                extra = missing - max(0.0, resume - start)
                if extra > 0:
                    shift += extra
                    shifts.append((resume, round(extra, 6)))
            stretches.append(DamagedStretch(round(begin, 3), round(begin + missing, 3), Kind.UNDECODABLE))
        decoded_end = (self.end or 0.0) + shift
        timeline = max(stated, decoded_end)
        if stated and stated - decoded_end > SHORTFALL_SUSPECT:
            stretches.append(DamagedStretch(round(decoded_end, 3), round(stated, 3), Kind.MISSING_END))
        merged = _merged(stretches)
        return DamageMap(
            stretches=tuple(merged),
            timeline=timeline,
            shifts=tuple(shifts),
            decoded_frames=self.frames,
            too_many=self.too_many or len(merged) > MAX_STRETCHES,
        )


def _merged(stretches: list[DamagedStretch]) -> list[DamagedStretch]:
    merged: list[DamagedStretch] = []
    for stretch in stretches:
        last = merged[-1] if merged else None
        if last is not None and last.kind == stretch.kind and stretch.start - last.end < MERGE_WITHIN:
            merged[-1] = DamagedStretch(last.start, max(last.end, stretch.end), last.kind)
        else:
            merged.append(stretch)
    return merged


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def _integer(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def is_suspect(info: ProbeInfo, decoded: float, discontinuities: int) -> bool:
    """Whether the metering pass saw skipped audio: a jump in the timestamps, or a decode that
    ends clearly before the stated length.

    A raw stream's parser skips bytes it cannot sync on (a zeroed block of a memory card) without
    a trace in the timestamps, so there the early end is the only sign, even against a length
    estimated from the bitrate (an MP3 without a Xing header): the mapping reads the bytes and
    finds nothing on a variable-bitrate file whose estimate was merely wrong. Other estimates
    count only when the decode falls well short of them."""
    if discontinuities:
        return True
    shortfall = info.duration - decoded
    if info.duration_is_estimate and info.demuxer not in RAW_STREAM_DEMUXERS:
        return shortfall > max(2.0, 0.05 * info.duration)
    return shortfall > SHORTFALL_SUSPECT


def scan_timeout(duration: float) -> float:
    """ffprobe decodes at several hundred times real time; leave a wide margin."""
    return 120.0 + duration


def _ffprobe_audio(info: ProbeInfo, *options: str) -> list[str]:
    """ffprobe on the recording's audio stream, quiet but for errors, with ``options``."""
    return [
        tools.ffprobe(), "-hide_banner", "-v", "error", *info.input_args(),
        "-select_streams", str(info.audio.index), *options,
    ]  # fmt: skip


def _first_packet_pos(info: ProbeInfo) -> int | None:
    done = run(
        _ffprobe_audio(
            info,
            "-read_intervals",
            "%+#1",
            "-show_entries",
            "packet=pos",
            "-of",
            "compact=p=0:nk=1",
        ),
        timeout=60,
        error=ProbeError,
        check=False,
        path=info.path,
    )
    for line in done.stdout.decode("ascii", "replace").splitlines():
        value = _integer(line.strip().split("|")[0])
        if value is not None:
            return value
    return None


def map_damage(info: ProbeInfo, *, on_progress: Callable[[float], None] | None = None) -> DamageMap:
    """Decode the audio stream once with ffprobe and map every stretch that did not decode."""
    raw = info.demuxer in RAW_STREAM_DEMUXERS
    # ffmpeg's decode starts at the stated start; where the stream really starts at 0, the frames'
    # own timestamps are the timeline and the decode is moved back by the stated start.
    from_zero = info.demuxer in STARTS_AT_ZERO_DEMUXERS and info.start_time > 0.0005
    scanner = FrameScanner(
        raw_stream=raw, sample_rate=info.audio.sample_rate, start_time=0.0 if from_zero else info.start_time
    )
    if raw:
        scanner.first_packet_pos = _first_packet_pos(info)
    argv = _ffprobe_audio(
        info,
        "-show_frames",
        "-show_entries",
        "frame=pts_time,pkt_pos,pkt_size,nb_samples,sample_rate",
        "-of",
        "compact=p=1:nk=0",
    )

    def on_line(line: str) -> None:
        scanner.feed_line(line)
        if on_progress is not None and scanner.end is not None and info.duration > 0 and scanner.frames % 500 == 0:
            fraction = min(1.0, scanner.end / info.duration)
            sup.call_soon(lambda: on_progress(fraction))

    # ffprobe exits with an error status on some damaged files after printing every frame it could.
    with Supervisor(timeout=scan_timeout(info.duration), error=ProbeError, path=info.path) as sup:
        sup.spawn(ProcessSpec(name="damage-scan", argv=argv, on_stdout_line=on_line, keep_in_tail=lambda _: False))
        try:
            sup.wait()
        except ProbeError as exc:
            if "timed out" in exc.message:
                raise
    damage = scanner.result(0.0 if info.duration_is_estimate else info.duration)
    return replace(damage, offset=info.start_time) if from_zero else damage


def damage_report(damage: DamageMap | None) -> dict[str, object]:
    """The report's ``damage`` block (also what the CLI prints and the hub shows)."""
    stretches = damage.stretches if damage is not None else ()
    return {
        "stretches": [{"start": s.start, "end": s.end, "kind": s.kind} for s in stretches],
        "damaged_seconds": damage.damaged_seconds if damage is not None else 0.0,
        "max_fraction": MAX_DAMAGED_FRACTION,
        "concealment": "silence",
    }


__all__ = [
    "MAX_DAMAGED_FRACTION",
    "DamageMap",
    "DamagedStretch",
    "FrameScanner",
    "Kind",
    "clock",
    "damage_report",
    "is_suspect",
    "map_damage",
]
