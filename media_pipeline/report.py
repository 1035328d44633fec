"""The loudness report: source figures, per-rendition target vs measurement, short-term series."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from .loudness import LoudnessMeasurement
from .probe import ProbeInfo

if TYPE_CHECKING:
    from .peaks import PeaksInfo
    from .pipeline import Rendition

REPORT_VERSION = 1


def jsonable(value: Any) -> Any:
    """Dataclasses, paths, tuples and datetimes to plain JSON values (non-finite floats to None)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {key: jsonable(item) for key, item in asdict(value).items()}
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _measurement(m: LoudnessMeasurement) -> dict[str, Any]:
    return {
        "integrated_lufs": m.integrated_lufs,
        "loudness_range_lu": m.loudness_range_lu,
        "true_peak_dbtp": m.true_peak_dbtp,
        "threshold_lufs": m.threshold_lufs,
        "lra_low_lufs": m.lra_low_lufs,
        "lra_high_lufs": m.lra_high_lufs,
        "duration": round(m.duration, 3),
    }


def _cleanup_figures(m: LoudnessMeasurement) -> dict[str, Any]:
    return {
        "integrated_lufs": m.integrated_lufs,
        "loudness_range_lu": m.loudness_range_lu,
        "noise_floor_lufs": m.noise_floor_lufs,
        # The floor relative to the programme: what a listener hears once both are normalised.
        "noise_floor_below_speech_lu": (
            round(m.integrated_lufs - m.noise_floor_lufs, 1) if m.noise_floor_lufs is not None else None
        ),
        "speech_spread_lu": m.speech_spread_lu,
    }


def build_report(
    info: ProbeInfo,
    source: LoudnessMeasurement,
    renditions: Sequence[Rendition],
    peaks: PeaksInfo | None,
    *,
    generated_at: datetime | None = None,
    cleanup: str = "none",
    before: LoudnessMeasurement | None = None,
) -> dict[str, Any]:
    """The report; ``before`` is the source as it was when ``cleanup`` did more than the high-pass."""
    from . import __version__

    series = source.short_term
    report: dict[str, Any] = jsonable(
        {
            "version": REPORT_VERSION,
            "generator": f"media_pipeline {__version__}",
            "generated_at": (generated_at or datetime.now(UTC)).replace(microsecond=0),
            "standard": "EBU R128 / ITU-R BS.1770-4 (ffmpeg ebur128, true peak 4x oversampled)",
            "source": {
                "file": Path(info.path).name,
                "format": info.format_name,
                "codec": info.audio.codec_name,
                "sample_rate": info.audio.sample_rate,
                "channels": info.audio.channels,
                "declared_duration": round(info.duration, 3),
                **_measurement(source),
            },
            "cleanup": {
                "choice": cleanup,
                # Before: the upload as it is; after: what the renditions are made from.
                "before": _cleanup_figures(before) if before is not None else None,
                "after": _cleanup_figures(source),
            },
            "short_term": {
                "unit": "LUFS",
                "window": 3.0,
                "interval": series.interval if series else None,
                "values": list(series.values) if series else [],
            },
            "renditions": [
                {
                    "preset": r.preset,
                    "file": Path(r.path).name,
                    "channels": r.channels,
                    "sample_rate": r.sample_rate,
                    "target": {
                        "integrated_lufs": r.target.integrated,
                        "true_peak_dbtp": r.target.true_peak,
                        "tolerance_lu": r.target.tolerance,
                    },
                    "gain_db": r.gain_db,
                    "limiter_ceiling_dbfs": r.limiter_ceiling_db,
                    "measured": _measurement(r.loudness),
                    "deviation_lu": round(r.loudness.integrated_lufs - r.target.integrated, 2),
                    "true_peak_headroom_db": (
                        round(r.target.true_peak - r.loudness.true_peak_dbtp, 2)
                        if r.loudness.true_peak_dbtp is not None
                        else None
                    ),
                    "codec_compensation_db": r.codec_compensation_db,
                    "attempts": r.attempts,
                    "passed": True,
                    "measured_from": "decoded output bitstream",
                }
                for r in renditions
            ],
            "peaks": (
                {
                    "file": Path(peaks.path).name,
                    "samples_per_pixel": peaks.samples_per_pixel,
                    "sample_rate": peaks.sample_rate,
                    "length": peaks.length,
                }
                if peaks
                else None
            ),
        }
    )
    return report


def write_json(path: str | os.PathLike[str], data: Any) -> None:
    Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")
