"""``process``: validate -> measure -> render (one decode) -> tag -> peaks -> report, all or nothing."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .cleanup import DEFAULT_CLEANUP, cleanup_filter
from .damage import DamagedStretch, DamageMap, damage_report, is_suspect, map_damage
from .errors import LoudnessOutOfSpec, Reason, TranscodeError, UnsupportedMedia
from .framing import Framing, FramingPlan, Part
from .loudness import LoudnessMeasurement, measure_chains
from .peaks import DEFAULT_SAMPLES_PER_PIXEL
from .presets import LoudnessTarget, Preset, resolve_presets
from .probe import DEFAULT_MAX_DURATION, ProbeInfo, probe
from .progress import ProgressCallback, StagedProgress
from .render import PEAKS_FILENAME, Branch, RenderedFile, corrected, plan_branches, render
from .report import build_report, write_json
from .staging import Staging, sha256_file
from .tagging import (
    Chapter,
    CoverArt,
    TagMetadata,
    prepare_cover,
    riff_metadata,
    validate_chapters,
    validate_date,
    write_tags,
)

REPORT_NAME = "loudness.json"
_DECODE_TROUBLE = re.compile(
    r"invalid data|error while decoding|corrupt|header missing|could not find|truncat|end of file", re.IGNORECASE
)


@dataclass(frozen=True)
class Rendition:
    """One published output. ``loudness`` was measured on the decoded output itself."""

    preset: str
    path: str
    mime_type: str
    size_bytes: int
    duration: float
    bitrate: int | None
    sample_rate: int
    channels: int
    codec: str
    target: LoudnessTarget
    gain_db: float
    limiter_ceiling_db: float | None
    loudness: LoudnessMeasurement
    sha256: str
    codec_compensation_db: float = 0.0
    attempts: int = 1
    content_offset: float = 0.0  # where the episode starts (after an intro); chapters are shifted by it


@dataclass(frozen=True)
class PipelineResult:
    source: ProbeInfo
    source_loudness: LoudnessMeasurement
    renditions: tuple[Rendition, ...]
    peaks_path: str | None
    report_path: str
    report: dict[str, Any]
    cleanup: str = DEFAULT_CLEANUP
    source_before_cleanup: LoudnessMeasurement | None = None
    # Stretches of the recording that could not be decoded (silence in the renditions, timeline
    # kept) or that the file lacks at its end; empty for an intact recording. See damage.py.
    damage: tuple[DamagedStretch, ...] = ()

    def rendition(self, preset: str) -> Rendition:
        for rendition in self.renditions:
            if rendition.preset == preset:
                return rendition
        raise KeyError(preset)


def _check_decoded(info: ProbeInfo, measured: LoudnessMeasurement, damage: DamageMap | None = None) -> None:
    """Content checks that only a full decode can make: truncation and silence.

    With a damage map, a short decode has been judged already (``DamageMap.refusal``): a small
    missing end is reported as damage, not refused here.
    """
    if measured.duration <= 0.05:
        raise UnsupportedMedia(Reason.CORRUPT, "No audio could be decoded from the file.", path=info.path)
    shortfall = info.duration - measured.duration
    if damage is None and not info.duration_is_estimate and shortfall > max(1.0, 0.02 * info.duration):
        raise UnsupportedMedia(
            Reason.TRUNCATED,
            f"The file ends after {measured.duration:.1f} s although it claims {info.duration:.1f} s: "
            "it is truncated (an interrupted upload or copy?).",
            path=info.path,
        )
    if measured.is_silent:
        raise UnsupportedMedia(Reason.SILENT, "The audio is silent (no signal above -70 LUFS).", path=info.path)


def _join(*chains: str | None) -> str | None:
    joined = ",".join(chain for chain in chains if chain)
    return joined or None


@dataclass(frozen=True)
class Measured:
    """The source as the renditions will be made from it."""

    loudness: LoudnessMeasurement
    before: LoudnessMeasurement | None  # as uploaded, when the clean-up does more than the high-pass
    damage: DamageMap | None  # None when the decode showed no sign of damage
    chain: str | None  # concealment (if any) and clean-up: what runs on the decoded source


def _measure_once(
    info: ProbeInfo, cleanup: str, conceal: str | None, on_progress
) -> tuple[LoudnessMeasurement | None, LoudnessMeasurement]:
    chain = _join(conceal, cleanup_filter(cleanup))
    chains = [chain] if cleanup == "none" else [conceal, chain]
    try:
        *before, measured = measure_chains(info, chains, on_progress=on_progress, true_peak=False)
    except TranscodeError as exc:
        if "timed out" not in exc.message and _DECODE_TROUBLE.search(exc.stderr_tail):
            raise UnsupportedMedia(
                Reason.CORRUPT,
                "The audio cannot be decoded: the file is damaged.",
                path=info.path,
                stderr_tail=exc.stderr_tail,
            ) from exc
        raise
    return (before[0] if before else None), measured


def _measure(info: ProbeInfo, stages: StagedProgress, cleanup: str) -> Measured:
    """Meter the source after its clean-up and, when the choice does more than the always-on
    high-pass, also as it is (same decode), for the before/after figures.

    When the decode skipped audio (a jump in its timestamps, or an early end), the damage is
    mapped, judged (a mostly damaged file is refused), and the source is metered again on its own
    timeline with silence in the damaged stretches: the chain the render uses too.
    """
    before, measured = _measure_once(info, cleanup, None, stages.stage("measure"))
    damage = None
    conceal = None
    if is_suspect(info, measured.duration, measured.discontinuities):
        damage = map_damage(info)
        refusal = damage.refusal(info.path)
        if refusal is not None:
            raise refusal
        conceal = damage.conceal_filter()
        if conceal is not None:
            before, measured = _measure_once(info, cleanup, conceal, None)
    _check_decoded(info, measured, damage)
    return Measured(measured, before, damage, _join(conceal, cleanup_filter(cleanup)))


def _describe(item: RenderedFile, untagged_size: int) -> Rendition:
    """Probe and hash a finished file. The bitrate is the audio stream's, or, where the container
    does not say (Ogg), that of the file before tags and cover art were added."""
    final_path = item.path
    info = probe(final_path, max_duration=None)
    branch = item.branch
    bitrate = info.audio.bit_rate or (round(untagged_size * 8 / info.duration) if info.duration > 0 else None)
    return Rendition(
        preset=branch.preset.name,
        path=str(final_path),
        mime_type=branch.preset.mime_type,
        size_bytes=final_path.stat().st_size,
        duration=info.duration,
        bitrate=bitrate,
        sample_rate=info.audio.sample_rate,
        channels=info.audio.channels,
        codec=info.audio.codec_name,
        target=branch.target,
        gain_db=branch.gain_db,
        limiter_ceiling_db=branch.limit_db if branch.limiter_active else None,
        loudness=item.measurement,
        sha256=sha256_file(final_path),
        codec_compensation_db=branch.preset.codec_compensation_db,
        attempts=branch.attempt,
    )


def process(
    source: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    presets: Sequence[str | Preset] | None = None,
    *,
    metadata: TagMetadata | None = None,
    chapters: Sequence[Chapter] = (),
    cover: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
    max_duration: float | None = DEFAULT_MAX_DURATION,
    samples_per_pixel: int | None = DEFAULT_SAMPLES_PER_PIXEL,
    cleanup: str = DEFAULT_CLEANUP,
    framing: Framing | None = None,
) -> PipelineResult:
    """Turn one upload into published renditions, waveform peaks and a loudness report.

    Outputs land in ``out_dir`` as ``<preset name><extension>``, ``peaks.json`` and
    ``loudness.json``, replacing files of the same name; either all of them appear or none does.
    ``progress(percent, stage)`` is called in the calling thread. ``cleanup`` is one of
    ``CLEANUP_CHOICES`` (see ``cleanup.py``); the source file is never changed. ``framing`` adds
    an intro, an outro and a music bed (see ``framing.py``); chapters move with the episode. ``samples_per_pixel=None``
    skips the peaks. Raises ``UnsupportedMedia`` for unusable input, ``InvalidRequest`` for bad
    arguments, ``LoudnessOutOfSpec`` if an output misses its target, other ``PipelineError``
    subclasses for failures of the tools.
    """
    stages = StagedProgress(progress)
    chosen = resolve_presets(list(presets) if presets is not None else None)
    meta = metadata or TagMetadata()
    validate_date(meta.date)
    cover_art: CoverArt | None = prepare_cover(cover) if cover is not None else None
    cleanup_filter(cleanup)  # refuses an unknown choice before any work
    if framing is not None:
        framing.validate()

    info = probe(source, max_duration=max_duration)
    chapter_list = validate_chapters(chapters, info.duration)
    stages.update("probe", 1.0)
    decoded = _measure(info, stages, cleanup)
    before, measured, chain = decoded.before, decoded.loudness, decoded.chain
    plan = _plan_framing(framing, measured) if framing is not None else None

    now = datetime.now(UTC)
    branches = plan_branches(info, measured, chosen)
    riff = {
        index: riff_metadata(meta, sample_rate=b.preset.sample_rate, channels=b.channels, bits=b.pcm_bits, now=now)
        for index, b in enumerate(branches)
        if b.preset.tags == "riff"
    }
    out = Path(out_dir)
    with Staging(out) as staging:
        rendered = render(
            info,
            branches,
            staging.path,
            duration=measured.duration,
            metadata=riff,
            samples_per_pixel=samples_per_pixel,
            on_progress=stages.stage("render"),
            cleanup=chain,
            framing=plan,
        )
        files = _retry_misses(info, rendered.files, staging.path, measured.duration, riff, chain, plan)
        untagged_sizes = [item.path.stat().st_size for item in files]
        for index, item in enumerate(files):
            offset = _offset(plan, item.branch.preset.name)
            shifted = [
                replace(c, start=c.start + offset, end=None if c.end is None else c.end + offset) for c in chapter_list
            ]
            write_tags(item.path, item.branch.preset.tags, meta, shifted, cover_art)
            stages.update("tag", (index + 1) / len(files))
        stages.update("peaks", 1.0)
        # Probe and hash the staged files two at a time: hashing a long WAV takes seconds.
        with ThreadPoolExecutor(max_workers=2) as pool:
            described = list(pool.map(_describe, files, untagged_sizes))
        renditions = [
            replace(r, path=str(out / Path(r.path).name), content_offset=_offset(plan, r.preset)) for r in described
        ]
        report = build_report(
            info, measured, renditions, rendered.peaks, generated_at=now, cleanup=cleanup, before=before
        )
        report["framing"] = _framing_report(plan)
        report["damage"] = damage_report(decoded.damage)
        write_json(staging.path / REPORT_NAME, report)
        stages.update("report", 0.5)
        names = [item.path.name for item in files]
        if rendered.peaks is not None:
            names.append(PEAKS_FILENAME)
        staging.commit([*names, REPORT_NAME])
    stages.update("report", 1.0)
    stages.done()
    return PipelineResult(
        source=info,
        source_loudness=measured,
        renditions=tuple(renditions),
        peaks_path=str(out / PEAKS_FILENAME) if rendered.peaks is not None else None,
        report_path=str(out / REPORT_NAME),
        report=report,
        cleanup=cleanup,
        source_before_cleanup=before,
        damage=decoded.damage.stretches if decoded.damage is not None else (),
    )


def _retry_misses(
    info: ProbeInfo,
    files: Sequence[RenderedFile],
    staging: Path,
    duration: float,
    riff: dict[int, dict[str, str]],
    cleanup: str | None,
    framing: FramingPlan | None = None,
) -> list[RenderedFile]:
    """Render the renditions that missed their target again, with corrected settings, until they pass.

    The first pass nearly always lands (codec compensation is in the presets); a heavily limited,
    noise-like or unusual source can still miss, and corrected passes (see ``render.corrected``)
    fix that at the cost of another decode for those presets only. ``LoudnessOutOfSpec`` is
    raised only when a correction cannot help any more.
    """
    result = list(files)
    pending = [index for index, item in enumerate(files) if item.failures]
    while pending:
        redo: list[tuple[int, Branch]] = []
        for index in pending:
            item = result[index]
            branch = corrected(item.branch, item.measurement)
            if branch is None:
                raise LoudnessOutOfSpec(
                    "rendition out of specification: " + "; ".join(item.failures),
                    failures=list(item.failures),
                    path=info.path,
                )
            redo.append((index, branch))
        again = render(
            info,
            [branch for _, branch in redo],
            staging,
            duration=duration,
            metadata={n: riff[i] for n, (i, _) in enumerate(redo) if i in riff},
            cleanup=cleanup,
            framing=framing,
        )
        for (index, _), item in zip(redo, again.files, strict=True):
            result[index] = item
        pending = [index for index, _ in redo if result[index].failures]
    return result


FRAMING_PART_MAX_SECONDS = 600.0


def _shifted(chapters: Sequence[Chapter], offset: float) -> list[Chapter]:
    """Chapters of the episode moved to where the episode plays in a framed rendition."""
    return [
        replace(c, start=round(c.start + offset, 3), end=None if c.end is None else round(c.end + offset, 3))
        for c in chapters
    ]


def _offset(plan: FramingPlan | None, preset: str) -> float:
    return plan.content_offset if plan is not None and plan.applies_to(preset) else 0.0


def _plan_framing(framing: Framing, episode: LoudnessMeasurement) -> FramingPlan:
    """Probe (through the same whitelist as any upload) and measure the intro, outro and bed."""

    def part(path: str | os.PathLike[str] | None) -> Part | None:
        if path is None:
            return None
        info = probe(path, max_duration=FRAMING_PART_MAX_SECONDS)
        loudness = measure_chains(info, [None], true_peak=False)[0]
        _check_decoded(info, loudness)
        return Part(info, loudness, loudness.duration)

    return FramingPlan(
        framing,
        part(framing.intro),
        part(framing.outro),
        part(framing.bed),
        episode.integrated_lufs,
        episode.duration,
    )


def _framing_report(plan: FramingPlan | None) -> dict[str, Any] | None:
    if plan is None:
        return None
    return {
        "intro": Path(plan.intro.info.path).name if plan.intro else None,
        "outro": Path(plan.outro.info.path).name if plan.outro else None,
        "bed": Path(plan.bed.info.path).name if plan.bed else None,
        "crossfade_s": plan.framing.crossfade,
        "content_offset_s": plan.content_offset,
        "without_framing": list(plan.framing.exclude),
    }
