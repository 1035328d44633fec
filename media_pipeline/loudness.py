"""EBU R128 measurement with ffmpeg's ``ebur128`` filter, read from its machine-readable output.

``ebur128=peak=true`` was chosen over ``loudnorm=print_format=json``: it gives the same
integrated loudness, LRA and true peak (BS.1770-4, 4x oversampled peak), runs about five times
faster (loudnorm resamples everything to 192 kHz), and its 100 ms readings give the short-term
series for the loudness report.

The figures are NOT scraped from ffmpeg's log. With ``metadata=1`` the filter attaches its
running figures (``lavfi.r128.I``, ``LRA``, ``S``, ``true_peak``...) to every 100 ms frame, and
``ametadata=mode=print:file=pipe:N`` writes them, one ``key=value`` per line after a
``frame:`` header, to a pipe of their own. That format is the same from ffmpeg 5.1 to 7.x,
whereas the log summary's timing, interleaving and prefixes change with ffmpeg 7's threaded
pipeline (several meters in one process printed their summaries into each other, or after the
process had been judged finished). The pipe is read to its end, which comes only when the
process has closed it, so the last frame is always complete before it is used; the figures of
the last frame are the final ones. The readings are thinned to a bounded series as they
arrive, so memory does not grow with the duration of the file.

ebur128 emits a frame only for each complete 100 ms block, so the meter pads the stream with
``METER_PAD`` (exactly one block) of silence: the last samples fall into a block that is
reported, their peaks included. The padding adds exactly one reading; the loudness figures are
taken from the reading before it, which are the figures of the unpadded stream.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import tools
from .errors import TranscodeError
from .probe import DEFAULT_MAX_DURATION, ProbeInfo, probe
from .progress import ProgressParser
from .runner import ProcessSpec, Supervisor, make_pipe

SERIES_MAX_POINTS = 1800
SILENCE_LUFS = -70.0
NO_READING_LUFS = -120.0  # below the absolute gate: ebur128 reports about -120.7 when nothing passed
BLOCK = 0.1  # ebur128 reports every 100 ms
GAP_TOLERANCE = 0.05  # seconds a reading's timestamp may stray from 100 ms after the one before
METER_PAD = 0.1  # seconds of silence after the stream, so that its last block is reported
HISTOGRAM_BINS = 800  # momentary loudness from -70 to +10 LUFS in 0.1 dB steps
_PREFIX = "lavfi.r128."


def measurement_timeout(duration: float) -> float:
    """Generous: measuring runs at well over 50x real time on one core of a small machine."""
    return 120.0 + duration


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _linear_to_db(value: float | None) -> float | None:
    if value is None or value <= 0:
        return None
    return 20 * math.log10(value)


@dataclass(frozen=True)
class Summary:
    """The final figures of one meter."""

    integrated: float
    threshold: float | None
    lra: float
    lra_threshold: float | None
    lra_low: float | None
    lra_high: float | None
    true_peak: float | None
    sample_peak: float | None = None


@dataclass(frozen=True)
class ShortTermSeries:
    """Short-term loudness (3 s window, LUFS) every ``interval`` seconds; None where -inf."""

    interval: float
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class LoudnessMeasurement:
    """EBU R128 figures of one file or stream.

    ``true_peak_dbtp`` is None when only the sample peak was measured (the source measurement
    inside ``process``: the gain needs only the integrated loudness, and true peak metering costs
    more than the rest of the meter together). ``duration`` is what was actually decoded.
    """

    integrated_lufs: float
    loudness_range_lu: float
    true_peak_dbtp: float | None
    threshold_lufs: float | None
    lra_low_lufs: float | None
    lra_high_lufs: float | None
    duration: float
    short_term: ShortTermSeries | None = None
    sample_peak_dbfs: float | None = None
    noise_floor_lufs: float | None = None
    speech_spread_lu: float | None = None
    discontinuities: int = 0  # jumps in the decoded timestamps: audio the decoder skipped (see damage.py)

    @property
    def is_silent(self) -> bool:
        return self.integrated_lufs <= SILENCE_LUFS + 0.05


class MeterOutputMissing(ValueError):
    """The meter's pipe ended without a single reading."""


class Meter:
    """Streaming consumer of one meter's ``ametadata=mode=print`` output.

    Lines are ``frame:N  pts:P  pts_time:T`` followed by ``lavfi.r128.KEY=VALUE`` lines. Integrated
    loudness and LRA are running figures (the last frame's are final); the peaks are running
    maxima per channel, in linear scale, which are kept as maxima here too. With
    ``series_interval`` set, one short-term value per interval is kept.
    """

    def __init__(self, series_interval: float | None = None, *, padded: bool = True) -> None:
        self._interval = series_interval
        self._padded = padded
        self._before_last: dict[str, str] = {}
        self._next_t = 0.0
        self._series: list[float | None] = []
        self._frame: dict[str, str] | None = None
        self._frame_t = 0.0
        self._last: dict[str, str] = {}
        self._true_peak: float | None = None
        self._sample_peak: float | None = None
        self.last_t = 0.0
        self.frames = 0
        self.discontinuities = 0  # readings whose timestamp is not 100 ms after the one before
        self._prev_t: float | None = None
        self._momentary = [0] * HISTOGRAM_BINS  # 0.1 dB bins from SILENCE_LUFS up: bounded memory
        self._short_term = [0] * HISTOGRAM_BINS

    def feed_line(self, line: str) -> None:
        line = line.strip()
        if line.startswith("frame:"):
            self._close_frame()
            self._frame = {}
            _, _, pts_time = line.rpartition("pts_time:")
            self._frame_t = _number(pts_time.strip()) or 0.0
        elif line.startswith(_PREFIX) and self._frame is not None:
            key, sep, value = line[len(_PREFIX) :].partition("=")
            if sep:
                self._frame[key] = value

    def close(self) -> None:
        """End of the pipe: the frame read last is complete."""
        self._close_frame()

    def _close_frame(self) -> None:
        frame, self._frame = self._frame, None
        if frame is None:
            return
        self.frames += 1
        expected = 0.0 if self._prev_t is None else self._prev_t + BLOCK
        if self._frame_t - expected > GAP_TOLERANCE or (
            self._prev_t is not None and expected - self._frame_t > GAP_TOLERANCE
        ):
            self.discontinuities += 1
        self._prev_t = self._frame_t
        self.last_t = self._frame_t + BLOCK
        self._before_last = dict(self._last)
        self._last.update(frame)
        for key, value in frame.items():
            number = _number(value)
            if number is None:
                continue
            if key.startswith("true_peak"):
                self._true_peak = max(self._true_peak or 0.0, number)
            elif key.startswith("sample_peak"):
                self._sample_peak = max(self._sample_peak or 0.0, number)
        for key, histogram in (("M", self._momentary), ("S", self._short_term)):
            value = _number(frame.get(key, ""))
            if value is not None and value > SILENCE_LUFS:
                histogram[min(HISTOGRAM_BINS - 1, int((value - SILENCE_LUFS) * 10))] += 1
        if self._interval is not None and self.last_t + 1e-6 >= self._next_t:
            value = _number(frame.get("S", ""))
            # ebur128 shows about -120.7 until the first 3 s window is full and for digital silence.
            self._series.append(None if value is None or value <= NO_READING_LUFS else round(value, 1))
            self._next_t += self._interval

    def summary(self) -> Summary:
        self._close_frame()
        # The padding's own reading is the last one; the stream's figures are in the one before.
        figures = self._before_last if self._padded and self.frames >= 2 else self._last
        integrated = _number(figures.get("I", ""))
        lra = _number(figures.get("LRA", ""))
        if not self.frames or integrated is None or lra is None:
            raise MeterOutputMissing("the meter reported no loudness")
        gated = integrated > SILENCE_LUFS + 0.05
        return Summary(
            integrated=integrated,
            threshold=integrated - 10 if gated else None,
            lra=lra,
            lra_threshold=integrated - 20 if gated else None,
            lra_low=_number(figures.get("LRA.low", "")) if gated else None,
            lra_high=_number(figures.get("LRA.high", "")) if gated else None,
            true_peak=_linear_to_db(self._true_peak),
            sample_peak=_linear_to_db(self._sample_peak),
        )

    def _percentile(self, fraction: float, above: float, histogram: list[int] | None = None) -> float | None:
        start = max(0, int((above - SILENCE_LUFS) * 10) + 1)
        counts = (self._momentary if histogram is None else histogram)[start:]
        total = sum(counts)
        if not total:
            return None
        running = 0
        for offset, count in enumerate(counts):
            running += count
            if running >= fraction * total:
                return round(SILENCE_LUFS + (start + offset + 0.5) / 10, 1)
        return None

    def noise_floor(self) -> float | None:
        """The level of the quietest passages: 10th percentile of the 400 ms momentary loudness
        (digital silence excluded). In speech with pauses, that is the room and the hiss."""
        return self._percentile(0.10, SILENCE_LUFS)

    def speech_spread(self, integrated: float) -> float | None:
        """Level difference between the loudest and the quietest speech passages: 95th minus 5th
        percentile of the short-term (3 s) loudness of the passages within 20 LU of the integrated
        loudness (pauses left out), in LU. Two speakers 12 dB apart show about 12; unlike the
        LRA, the quietest 5 % of passages count, where a distant guest usually is."""
        if integrated <= SILENCE_LUFS + 0.05:
            return None
        low = self._percentile(0.05, integrated - 20, self._short_term)
        high = self._percentile(0.95, integrated - 20, self._short_term)
        return None if low is None or high is None else round(high - low, 1)

    def series(self) -> ShortTermSeries | None:
        if self._interval is None:
            return None
        return ShortTermSeries(self._interval, tuple(self._series))


def parse_meter_output(text: str, *, padded: bool = True) -> Summary:
    """Parse a complete ``ametadata`` print-out (short clips and tests)."""
    meter = Meter(padded=padded)
    for line in text.splitlines():
        meter.feed_line(line)
    return meter.summary()


def missing_output(what: str, path: str | os.PathLike[str] | None, stderr_tail: str = "") -> TranscodeError:
    """The error for a meter that ended without a reading: names the ffmpeg version in use."""
    return TranscodeError(
        f"ffmpeg {tools.ffmpeg_version()} ({tools.ffmpeg()}) finished without reporting the loudness of {what}",
        path=path,
        stderr_tail=stderr_tail,
    )


def series_interval_for(duration: float, max_points: int = SERIES_MAX_POINTS) -> float:
    """Whole tenths of a second, at least one second, so that the series stays under ``max_points``."""
    return max(1.0, math.ceil(duration * 10 / max_points) / 10)


def meter_filter(fd: int, *, true_peak: bool = True) -> str:
    """Pad, meter and print the readings to ``pipe:fd`` (the colon escaped twice: once for the
    filter graph, once for the filter's options)."""
    peak = "true+sample" if true_peak else "sample"
    return f"apad=pad_dur={METER_PAD},ebur128=peak={peak}:metadata=1,ametadata=mode=print:file=pipe\\\\:{fd}"


def downmix_filter(channels: int) -> str | None:
    """Sources with more than two channels are measured (and rendered) as a stereo downmix."""
    return "aformat=channel_layouts=stereo" if channels > 2 else None


def to_measurement(
    summary: Summary, duration: float, series: ShortTermSeries | None, meter: Meter | None = None
) -> LoudnessMeasurement:
    return LoudnessMeasurement(
        noise_floor_lufs=meter.noise_floor() if meter is not None else None,
        speech_spread_lu=meter.speech_spread(summary.integrated) if meter is not None else None,
        integrated_lufs=summary.integrated,
        loudness_range_lu=summary.lra,
        true_peak_dbtp=summary.true_peak,
        threshold_lufs=summary.threshold,
        lra_low_lufs=summary.lra_low,
        lra_high_lufs=summary.lra_high,
        duration=duration,
        short_term=series,
        sample_peak_dbfs=summary.sample_peak,
        discontinuities=meter.discontinuities if meter is not None else 0,
    )


def measure_source(
    info: ProbeInfo,
    *,
    on_progress: Callable[[float], None] | None = None,
    series_points: int = SERIES_MAX_POINTS,
    true_peak: bool = True,
    cleanup: str | None = None,
) -> LoudnessMeasurement:
    """Decode the source once and meter it (after the ``cleanup`` filter chain, if any).

    ``on_progress`` gets 0..1, in the caller's thread. The decoded duration (from ffmpeg's final
    ``-progress`` report, less the meter's padding) is returned as ``duration``; callers compare
    it with the container's claim to detect truncated files.
    """
    return measure_chains(info, [cleanup], on_progress=on_progress, series_points=series_points, true_peak=true_peak)[0]


def measure_chains(
    info: ProbeInfo,
    chains: Sequence[str | None],
    *,
    on_progress: Callable[[float], None] | None = None,
    series_points: int = SERIES_MAX_POINTS,
    true_peak: bool = True,
) -> list[LoudnessMeasurement]:
    """One decode of the source, split into one meter per filter chain (None: the source as it is).

    Used to measure the source before and after its clean-up in the same pass.
    """
    meters = [Meter(series_interval_for(info.duration, series_points)) for _ in chains]
    progress = ProgressParser()
    pipes = [make_pipe() for _ in chains]
    head = f"[0:{info.audio.index}]" + (downmix_filter(info.audio.channels) or "anull")
    if len(chains) > 1:
        head += f",asplit={len(chains)}" + "".join(f"[s{i}]" for i in range(len(chains)))
    else:
        head += "[s0]"
    graph = [head]
    for index, (chain, (_, write_end)) in enumerate(zip(chains, pipes, strict=True)):
        parts = [chain, meter_filter(write_end, true_peak=true_peak)]
        graph.append(f"[s{index}]" + ",".join(part for part in parts if part) + f"[m{index}]")
    argv = [
        tools.ffmpeg(),
        "-nostdin",
        "-hide_banner",
        "-nostats",
        "-loglevel",
        "warning",
        "-progress",
        "pipe:1",
        "-stats_period",
        "0.25",
        *info.input_args(),
        "-filter_complex",
        ";".join(graph),
    ]
    for index in range(len(chains)):
        argv += ["-map", f"[m{index}]", "-f", "null", "-"]
    write_ends = [write_end for _, write_end in pipes]
    read_ends = [read_end for read_end, _ in pipes]
    try:
        with Supervisor(timeout=measurement_timeout(info.duration), error=TranscodeError, path=info.path) as sup:

            def on_stdout(line: str) -> None:
                seconds = progress.feed_line(line)
                if seconds is not None and on_progress is not None:
                    fraction = min(1.0, seconds / info.duration) if info.duration > 0 else 0.0
                    sup.call_soon(lambda: on_progress(fraction))

            while read_ends:
                meter = meters[len(meters) - len(read_ends)]
                sup.read_lines("measure-readings", read_ends.pop(0), meter.feed_line, on_eof=meter.close)
            try:
                sup.spawn(ProcessSpec(name="measure", argv=argv, pass_fds=write_ends, on_stdout_line=on_stdout))
            finally:
                while write_ends:
                    os.close(write_ends.pop())
            sup.wait()
            tail = sup.stderr_tail("measure")
    finally:
        for fd in [*read_ends, *write_ends]:
            os.close(fd)
    if not progress.ended:
        raise missing_output("the decoded duration of the source", info.path, tail)
    # With several outputs, -progress reports the furthest; every branch has the same length.
    duration = round(max(0.0, progress.out_time - METER_PAD), 6)
    results = []
    for meter in meters:
        try:
            summary = meter.summary()
        except MeterOutputMissing as exc:
            raise missing_output("the source", info.path, tail) from exc
        results.append(to_measurement(summary, duration, meter.series(), meter))
    return results


def measure_loudness(
    path: str | os.PathLike[str],
    *,
    max_duration: float | None = DEFAULT_MAX_DURATION,
    on_progress: Callable[[float], None] | None = None,
) -> LoudnessMeasurement:
    """Probe (validating) and meter a file: integrated loudness, LRA, true peak, short-term series."""
    return measure_source(probe(path, max_duration=max_duration), on_progress=on_progress)
