"""Framework-free audio pipeline: probe, EBU R128 loudness, renditions, tags, peaks, soundbites.

No Django in here: files and numbers in, files and dataclasses out. See README.md.
"""

from __future__ import annotations

__version__ = "1.0.0"

from .cleanup import CLEANUP_CHOICES, DEFAULT_CLEANUP
from .damage import MAX_DAMAGED_FRACTION, DamagedStretch
from .errors import (
    InvalidRequest,
    LoudnessOutOfSpec,
    PipelineError,
    PresetError,
    ProbeError,
    Reason,
    TaggingError,
    ToolMissing,
    TranscodeError,
    UnsupportedMedia,
)
from .framing import Framing
from .loudness import LoudnessMeasurement, ShortTermSeries, measure_loudness
from .peaks import DEFAULT_SAMPLES_PER_PIXEL, PeaksInfo, compute_peaks, read_peaks
from .pipeline import PipelineResult, Rendition, process
from .presets import (
    DEFAULT_PRESETS,
    LimiterSettings,
    LoudnessTarget,
    Preset,
    available_presets,
    load_preset,
    preset_from_dict,
)
from .probe import DEFAULT_MAX_DURATION, AudioStreamInfo, ProbeInfo, probe
from .progress import ProgressCallback
from .soundbite import MAX_SOUNDBITE_SECONDS, Soundbite, make_soundbite
from .tagging import Chapter, TagMetadata, load_chapters
from .tools import check_tools

__all__ = [
    "CLEANUP_CHOICES",
    "DEFAULT_CLEANUP",
    "DEFAULT_MAX_DURATION",
    "DEFAULT_PRESETS",
    "DEFAULT_SAMPLES_PER_PIXEL",
    "MAX_DAMAGED_FRACTION",
    "MAX_SOUNDBITE_SECONDS",
    "AudioStreamInfo",
    "Chapter",
    "DamagedStretch",
    "Framing",
    "InvalidRequest",
    "LimiterSettings",
    "LoudnessMeasurement",
    "LoudnessOutOfSpec",
    "LoudnessTarget",
    "PeaksInfo",
    "PipelineError",
    "PipelineResult",
    "Preset",
    "PresetError",
    "ProbeError",
    "ProbeInfo",
    "ProgressCallback",
    "Reason",
    "Rendition",
    "ShortTermSeries",
    "Soundbite",
    "TagMetadata",
    "TaggingError",
    "ToolMissing",
    "TranscodeError",
    "UnsupportedMedia",
    "__version__",
    "available_presets",
    "check_tools",
    "compute_peaks",
    "load_chapters",
    "load_preset",
    "make_soundbite",
    "measure_loudness",
    "preset_from_dict",
    "probe",
    "process",
    "read_peaks",
]
