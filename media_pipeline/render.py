"""Render every preset from ONE decode of the source, and meter what was actually encoded.

One ffmpeg process decodes the source once and ``asplit``s it; each branch applies the gain
that moves the measured integrated loudness onto the preset's target (a linear gain: the
loudness range and the sound are untouched), resamples, stops sample peaks with ``alimiter``
below the true-peak ceiling, and encodes. Each encoded stream goes through the ``tee`` muxer to
two places: the staged output file, and a pipe into one meter process (ffmpeg again) that
decodes every one of those bitstreams and meters each with its own ``ebur128``, whose readings
come back on a pipe of their own (see ``loudness``). So the
verification measures the decoded MP3/Opus (encoder overshoot included) rather than the signal
before the encoder, costs no extra pass over the files, and runs on the other CPU core while the
encoders work. A further branch of the first preset is piped as 16-bit mono PCM to
``peaks.PeaksWriter``.

ffmpeg 5.x runs a filtergraph and its encoders in one thread, so the render process is the
critical path; everything else here (meter, peaks, progress) runs beside it. The meter opens
its inputs one after the other while the render is already writing; the render blocks when a
pipe nobody reads yet is full, so every stream must reach the meter promptly (see
``METER_PIPE_OPTIONS``) and the meter must open each input from its first packets.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import tools
from .errors import TranscodeError
from .framing import FramingPlan
from .loudness import LoudnessMeasurement, Meter, MeterOutputMissing, meter_filter, missing_output, to_measurement
from .peaks import PeaksInfo, PeaksWriter, peaks_filter
from .presets import LoudnessTarget, Preset
from .probe import ProbeInfo, probe
from .progress import ProgressParser
from .runner import ProcessSpec, Supervisor, make_pipe

PEAKS_FILENAME = "peaks.json"
# Muxer options for the copy that goes to the meter. Ogg holds packets until a page is full
# (one second by default); short pages keep the meter fed from the first packets on.
METER_PIPE_OPTIONS: dict[str, dict[str, str]] = {"ogg": {"page_duration": "20000"}}
MAX_ATTEMPTS = 6  # the first render and up to five corrected ones (each only for the presets that missed)
LIMITER_FLOOR_DB = -24.0  # alimiter's lowest threshold (limit=0.0625)
DURATION_TOLERANCE = 0.2  # seconds: an MP3 ends on a whole frame (26 ms), with room


def render_timeout(duration: float) -> float:
    """About 25x real time on one core here; allow for a machine twenty times slower."""
    return 120.0 + duration


@dataclass(frozen=True)
class Branch:
    """One preset applied to one source: the numbers that go into its filter chain."""

    preset: Preset
    channels: int
    target: LoudnessTarget
    gain_db: float
    limit_db: float | None
    filename: str
    attempt: int = 1
    limiter_active: bool = True

    @property
    def pcm_bits(self) -> int:
        digits = "".join(ch for ch in self.preset.codec if ch.isdigit())
        return int(digits) if digits else 16


@dataclass(frozen=True)
class RenderedFile:
    branch: Branch
    path: Path
    measurement: LoudnessMeasurement
    failures: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenderResult:
    files: tuple[RenderedFile, ...]
    peaks: PeaksInfo | None


def limiter_needed(source: LoudnessMeasurement, gain_db: float, limit_db: float) -> bool:
    """Whether the limiter can engage at all after ``gain_db``.

    A limiter that never engages passes the signal unchanged but still costs a full pass of CPU,
    so it is left out when the source's peak plus the gain stays clearly below its threshold:
    0.5 dB of headroom when the true peak is known, 3 dB over a sample peak (resampling and
    inter-sample peaks). The rendered file is metered anyway; a miss is re-rendered with it.
    """
    if source.true_peak_dbtp is not None:
        return source.true_peak_dbtp + gain_db > limit_db - 0.5
    if source.sample_peak_dbfs is not None:
        return source.sample_peak_dbfs + gain_db > limit_db - 3.0
    return True


def plan_branches(info: ProbeInfo, source: LoudnessMeasurement, presets: Sequence[Preset]) -> list[Branch]:
    channels_in = min(info.audio.channels, 2)
    branches = []
    for preset in presets:
        channels = preset.output_channels(channels_in)
        target = preset.target_for(channels)
        gain_db = round(target.integrated - source.integrated_lufs + preset.codec_compensation_db, 2)
        limit_db = target.true_peak - preset.limiter.margin_db if preset.limiter.enabled else None
        branches.append(
            Branch(
                preset=preset,
                channels=channels,
                target=target,
                gain_db=gain_db,
                limit_db=limit_db,
                filename=preset.filename,
                limiter_active=limit_db is not None and limiter_needed(source, gain_db, limit_db),
            )
        )
    return branches


def branch_chain(branch: Branch, source_channels: int, source_rate: int) -> str:
    """Gain -> resample -> channel layout -> sample-peak limiter, as one ffmpeg filter chain."""
    parts = [f"volume=volume={branch.gain_db:.2f}dB:precision=float"]
    if branch.preset.sample_rate != source_rate:
        parts.append(f"aresample={branch.preset.sample_rate}")
    if source_channels == 1 and branch.channels == 2:
        # Equal-power upmix: two channels at -3 dB meter exactly like the mono source did.
        parts.append("pan=stereo|c0=0.7071068*c0|c1=0.7071068*c0")
    if branch.limit_db is not None and branch.limiter_active:
        limiter = branch.preset.limiter
        limit = max(0.0625, min(1.0, 10 ** (branch.limit_db / 20)))
        parts.append(
            f"alimiter=limit={limit:.6f}:attack={limiter.attack_ms:g}:release={limiter.release_ms:g}:level=0:latency=1"
        )
    return ",".join(parts)


def build_filtergraph(
    info: ProbeInfo,
    branches: Sequence[Branch],
    *,
    peaks_from: int | None,
    cleanup: str | None = None,
    framing: FramingPlan | None = None,
) -> str:
    """The ``-filter_complex`` graph: outputs ``[out0]``, ``[out1]``... and ``[peaks]``.

    ``cleanup`` (a filter chain, see ``cleanup.py``) runs once, before the split; ``framing``
    adds intro, outro and bed (inputs 1, 2, ...) for the branches it applies to.
    """
    source_channels = min(info.audio.channels, 2)
    head = f"[0:{info.audio.index}]"
    if info.audio.channels > 2:
        head += "aformat=channel_layouts=stereo,"
    if cleanup:
        head += cleanup + ","
    framed = [i for i, b in enumerate(branches) if framing is not None and framing.applies_to(b.preset.name)]
    if framing is not None and framed:
        plain = [i for i in range(len(branches)) if i not in framed]
        chains = [f"{head}asplit=2[plainsrc][framesrc]" if plain else f"{head}anull[framesrc]"]
        layout = "mono" if source_channels == 1 else "stereo"
        chains += framing.filter_chains("framesrc", "framed", rate=info.audio.sample_rate, layout=layout)
        for source_label, members in (("framed", framed), ("plainsrc", plain)):
            if members:
                outputs = "".join(f"[in{i}]" for i in members)
                chains.append(f"[{source_label}]asplit={len(members)}{outputs}")
    else:
        labels = [f"[in{i}]" for i in range(len(branches))]
        chains = [f"{head}asplit={len(branches)}{''.join(labels)}"]
    for index, branch in enumerate(branches):
        chain = f"[in{index}]{branch_chain(branch, source_channels, info.audio.sample_rate)}"
        if index == peaks_from:
            chains.append(f"{chain},asplit=2[out{index}][tap]")
            chains.append(f"[tap]{peaks_filter(branch.channels)}[peaks]")
        else:
            chains.append(f"{chain}[out{index}]")
    return ";".join(chains)


def encoder_args(preset: Preset, channels: int) -> list[str]:
    args = ["-c:a", preset.codec]
    for option, value in preset.encoder_options(channels).items():
        args += [f"-{option}", value]
    return args


def _pipe_format(preset: Preset) -> str:
    """What the meter reads: the same container, or for PCM the bare samples (same encoder)."""
    return preset.codec.removeprefix("pcm_") if preset.is_pcm else preset.format


def _slave_options(fmt: str, options: Mapping[str, str]) -> str:
    return ":".join([f"f={fmt}", *(f"{key}={value}" for key, value in options.items())])


def build_render_argv(
    info: ProbeInfo,
    branches: Sequence[Branch],
    *,
    meter_fds: Sequence[int],
    peaks_fd: int | None,
    metadata: Mapping[int, Mapping[str, str]],
    cleanup: str | None = None,
    framing: FramingPlan | None = None,
) -> list[str]:
    """ffmpeg argv for the render; file names are relative (run it with cwd = the staging dir)."""
    argv = [
        tools.ffmpeg(),
        "-nostdin",
        "-y",
        "-hide_banner",
        "-nostats",
        "-loglevel",
        "warning",
        "-progress",
        "pipe:1",
        "-stats_period",
        "0.25",
        *info.input_args(),
        *[arg for part in (framing.inputs() if framing else []) for arg in part.input_args()],
        "-filter_complex",
        build_filtergraph(
            info, branches, peaks_from=0 if peaks_fd is not None else None, cleanup=cleanup, framing=framing
        ),
    ]
    for index, (branch, fd) in enumerate(zip(branches, meter_fds, strict=True)):
        preset = branch.preset
        argv += ["-map", f"[out{index}]", *encoder_args(preset, branch.channels)]
        argv += ["-map_metadata", "-1", "-map_chapters", "-1"]
        for key, value in metadata.get(index, {}).items():
            argv += ["-metadata", f"{key}={value}"]
        file_slave = f"[{_slave_options(preset.format, preset.format_options)}]{branch.filename}"
        meter_slave = f"[{_slave_options(_pipe_format(preset), METER_PIPE_OPTIONS.get(preset.format, {}))}]pipe:{fd}"
        argv += ["-f", "tee", f"{file_slave}|{meter_slave}"]
    if peaks_fd is not None:
        argv += ["-map", "[peaks]", "-c:a", "pcm_s16le", "-flush_packets", "0", "-f", "s16le", f"pipe:{peaks_fd}"]
    return argv


def meter_argv(branches: Sequence[Branch], fds: Sequence[int], reading_fds: Sequence[int]) -> list[str]:
    """One meter process for all branches: input N reads branch N's encoded stream from ``pipe:fd``.

    Each input is decoded and metered by its own ``ebur128`` into its own null output, and its
    readings go to their own pipe (``reading_fds``). ffmpeg reads several inputs in threads and
    serves whichever has data, so a muxer that holds back a few seconds of one stream (Ogg pages)
    does not stall the others. One process instead of one per branch saves the ~55 MB every
    ffmpeg process costs in mapped libraries.
    """
    argv = [tools.ffmpeg(), "-nostdin", "-hide_banner", "-nostats", "-loglevel", "warning"]
    for branch, fd in zip(branches, fds, strict=True):
        argv += ["-thread_queue_size", "64", "-probesize", "32", "-analyzeduration", "20000"]
        argv += ["-f", _pipe_format(branch.preset)]
        if branch.preset.is_pcm:
            argv += ["-ar", str(branch.preset.sample_rate), "-ac", str(branch.channels)]
        argv += ["-i", f"pipe:{fd}"]
    for index, reading_fd in enumerate(reading_fds):
        argv += ["-map", f"{index}:a:0", "-af", meter_filter(reading_fd), "-f", "null", "-"]
    return argv


def check_rendition(branch: Branch, measured: LoudnessMeasurement) -> list[str]:
    """Readable loudness failures of one rendition against its target (empty when it passes)."""
    name = branch.preset.name
    target = branch.target
    failures = []
    deviation = measured.integrated_lufs - target.integrated
    if abs(deviation) > target.tolerance + 1e-9:
        failures.append(
            f"{name}: integrated loudness {measured.integrated_lufs:.1f} LUFS is {deviation:+.1f} LU from the "
            f"target {target.integrated:.1f} LUFS (tolerance {target.tolerance:.1f} LU)"
        )
    if measured.true_peak_dbtp is not None and measured.true_peak_dbtp > target.true_peak + 1e-9:
        failures.append(
            f"{name}: true peak {measured.true_peak_dbtp:.1f} dBTP is above the ceiling {target.true_peak:.1f} dBTP"
        )
    return failures


def check_duration(branch: Branch, measured: LoudnessMeasurement, source_duration: float, path: str) -> None:
    """A rendition that decodes to the wrong length is broken, whatever its loudness."""
    if abs(measured.duration - source_duration) > DURATION_TOLERANCE:
        raise TranscodeError(
            f"One of the published versions ({branch.preset.name}) came out {measured.duration:.2f} s long "
            f"instead of {source_duration:.2f} s, so nothing was kept. Damaged stretches are normally bridged "
            "with silence; this recording is damaged in a way that could not be located. Copy it again "
            "from the recorder or phone (or export it again as WAV or FLAC) and upload that file; if the "
            "same happens with a fresh copy, tell the administrators.",
            path=path,
        )


def render(
    info: ProbeInfo,
    branches: Sequence[Branch],
    staging: Path,
    *,
    duration: float,
    metadata: Mapping[int, Mapping[str, str]] | None = None,
    samples_per_pixel: int | None = None,
    on_progress: Callable[[float], None] | None = None,
    cleanup: str | None = None,
    framing: FramingPlan | None = None,
) -> RenderResult:
    """Render ``branches`` into ``staging`` in one decode pass and meter every encoded stream.

    ``duration`` is the decoded source duration (from the measuring pass). ``metadata`` maps a
    branch index to ffmpeg ``-metadata`` values (the WAV's bext and INFO). Each returned file
    carries its measurement and the checks it failed; deciding what to do about them is the
    caller's business. The caller owns ``staging`` and removes it on failure.
    """
    pipes = [make_pipe() for _ in branches]
    peaks_pipe = make_pipe() if samples_per_pixel else None
    writer = (
        PeaksWriter(
            staging / PEAKS_FILENAME,
            sample_rate=branches[0].preset.sample_rate,
            samples_per_pixel=samples_per_pixel,
        )
        if samples_per_pixel
        else None
    )
    meters = [Meter() for _ in branches]
    reading_pipes = [make_pipe() for _ in branches]
    progress = ProgressParser()
    open_fds = {fd for pair in [*pipes, *reading_pipes] for fd in pair} | set(peaks_pipe or ())
    argv = build_render_argv(
        info,
        branches,
        meter_fds=[write_end for _, write_end in pipes],
        peaks_fd=peaks_pipe[1] if peaks_pipe else None,
        metadata=metadata or {},
        cleanup=cleanup,
        framing=framing,
    )

    # The render's progress and time limit are those of its longest output.
    programme = framing.framed_duration(duration) if framing is not None else duration

    def close(fd: int) -> None:
        if fd in open_fds:
            open_fds.discard(fd)
            os.close(fd)

    try:
        with Supervisor(timeout=render_timeout(programme), error=TranscodeError, path=info.path) as sup:

            def on_render_stdout(line: str) -> None:
                seconds = progress.feed_line(line)
                if seconds is not None and on_progress is not None:
                    callback = on_progress
                    fraction = min(1.0, seconds / programme) if programme > 0 else 0.0
                    sup.call_soon(lambda: callback(fraction))

            sup.spawn(
                ProcessSpec(
                    name="render",
                    argv=argv,
                    pass_fds=[write_end for _, write_end in pipes] + ([peaks_pipe[1]] if peaks_pipe else []),
                    cwd=staging,
                    on_stdout_line=on_render_stdout,
                )
            )
            for _, write_end in pipes:
                close(write_end)
            if peaks_pipe is not None and writer is not None:
                close(peaks_pipe[1])
                open_fds.discard(peaks_pipe[0])  # the pump owns and closes it from here on
                sup.read_fd("peaks-pcm", peaks_pipe[0], writer.feed)
            read_ends = [read_end for read_end, _ in pipes]
            for branch, meter, (reading_end, _) in zip(branches, meters, reading_pipes, strict=True):
                open_fds.discard(reading_end)  # the pump owns and closes it from here on
                sup.read_lines(f"readings-{branch.preset.name}", reading_end, meter.feed_line, on_eof=meter.close)
            reading_fds = [write_end for _, write_end in reading_pipes]
            sup.spawn(
                ProcessSpec(
                    name="meter",
                    argv=meter_argv(branches, read_ends, reading_fds),
                    pass_fds=[*read_ends, *reading_fds],
                )
            )
            for fd in [*read_ends, *reading_fds]:
                close(fd)
            sup.wait()
            meter_tail = sup.stderr_tail("meter")
        peaks = writer.close() if writer is not None else None
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        for fd in list(open_fds):
            close(fd)

    files = []
    for branch, meter in zip(branches, meters, strict=True):
        try:
            summary = meter.summary()
        except MeterOutputMissing as exc:
            raise missing_output(f"the {branch.preset.name} rendition", info.path, meter_tail) from exc
        # The container's own account of the length (Xing frames, last Ogg granule, WAV data size).
        written = probe(staging / branch.filename, max_duration=None)
        measured = to_measurement(summary, written.duration, None)
        framed = framing is not None and framing.applies_to(branch.preset.name)
        check_duration(branch, measured, framing.framed_duration(duration) if framed else duration, info.path)
        failures = tuple(check_rendition(branch, measured))
        files.append(RenderedFile(branch, staging / branch.filename, measured, failures))
    return RenderResult(tuple(files), peaks)


def corrected(branch: Branch, measured: LoudnessMeasurement) -> Branch | None:
    """The branch to render again after a miss, or None if another try cannot help.

    Loudness is corrected by the measured deviation (the gain-to-loudness relation is linear up
    to the limiter, so one correction lands within a tenth of an LU or so). The limiter is always
    on from the second try. A true peak above the ceiling after limiting is an encoder's
    overshoot (Opus and MP3 add peaks to noise-like, broadband material that the sample-peak
    limiter cannot see), so the limiter's threshold goes down by the overshoot plus a margin that
    grows with every try (0.3 dB, 0.6 dB, ...); more headroom always fixes it, at the cost of a
    little more limiting. Only a preset without a limiter, the floor of the limiter's range, or
    ``MAX_ATTEMPTS`` ends the retries.
    """
    if branch.attempt >= MAX_ATTEMPTS:
        return None
    gain = branch.gain_db - (measured.integrated_lufs - branch.target.integrated)
    limit = branch.limit_db
    overshoot = (measured.true_peak_dbtp or -math.inf) - branch.target.true_peak
    if overshoot > 0:
        if limit is None:
            return None
        if branch.limiter_active:
            limit -= overshoot + 0.3 * branch.attempt
        if limit < LIMITER_FLOOR_DB:
            return None
    return replace(
        branch, gain_db=round(gain, 2), limit_db=limit, attempt=branch.attempt + 1, limiter_active=limit is not None
    )
