"""Output presets, kept as editable JSON files and loaded by name.

Lookup order for a name: each directory in ``MEDIA_PIPELINE_PRESET_DIRS`` (os.pathsep-separated),
then the bundled ``presets/`` directory. A path ending in ``.json`` is loaded as it is.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import PresetError

BUNDLED_DIR = Path(__file__).with_name("presets")
DEFAULT_PRESETS: tuple[str, ...] = ("podcast-mp3", "lowband-opus", "broadcast-wav")
TAG_FORMATS = ("id3", "vorbis", "riff", "none")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_OPTION = re.compile(r"^[a-z0-9_:]+$")
_VALUE = re.compile(r"^[A-Za-z0-9_.+-]*$")

TagFormat = Literal["id3", "vorbis", "riff", "none"]


@dataclass(frozen=True)
class LoudnessTarget:
    """Integrated loudness target (LUFS), true-peak ceiling (dBTP), allowed deviation (LU)."""

    integrated: float
    true_peak: float
    tolerance: float


@dataclass(frozen=True)
class LimiterSettings:
    """ffmpeg ``alimiter`` settings.

    The limiter works on sample peaks, so it is set ``margin_db`` below the true-peak ceiling to
    leave room for inter-sample peaks and for the overshoot a lossy encoder adds; the rendered
    file is measured afterwards, so a margin that is too small fails loudly instead of silently.
    """

    enabled: bool = True
    margin_db: float = 0.5
    attack_ms: float = 5.0
    release_ms: float = 50.0


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    format: str
    extension: str
    mime_type: str
    codec: str
    sample_rate: int
    channels: int | Literal["auto"]
    loudness: LoudnessTarget
    mono_integrated: float
    codec_compensation_db: float
    limiter: LimiterSettings
    tags: TagFormat
    codec_options: dict[str, str] = field(default_factory=dict)
    mono_codec_options: dict[str, str] = field(default_factory=dict)
    format_options: dict[str, str] = field(default_factory=dict)

    @property
    def is_pcm(self) -> bool:
        return self.codec.startswith("pcm_")

    @property
    def filename(self) -> str:
        return f"{self.name}{self.extension}"

    def output_channels(self, source_channels: int) -> int:
        """``auto``: mono stays mono, everything else becomes stereo; a number is used as given."""
        if self.channels == "auto":
            return 1 if source_channels == 1 else 2
        return self.channels

    def target_for(self, channels: int) -> LoudnessTarget:
        """Mono speech is played on both speakers, hence its own (usually 3 LU lower) target."""
        if channels == 1:
            return LoudnessTarget(self.mono_integrated, self.loudness.true_peak, self.loudness.tolerance)
        return self.loudness

    def encoder_options(self, channels: int) -> dict[str, str]:
        options = dict(self.codec_options)
        if channels == 1:
            options.update(self.mono_codec_options)
        return options


def _require(data: dict[str, Any], key: str, kind: type | tuple[type, ...], source: str) -> Any:
    if key not in data:
        raise PresetError(f"preset {source}: missing field '{key}'")
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise PresetError(f"preset {source}: field '{key}' has the wrong type ({type(value).__name__})")
    return value


def _options(data: dict[str, Any], key: str, source: str) -> dict[str, str]:
    raw = data.get(key, {})
    if not isinstance(raw, dict):
        raise PresetError(f"preset {source}: '{key}' must be an object of option -> value")
    options: dict[str, str] = {}
    for option, value in raw.items():
        # Values end up inside ffmpeg's tee syntax, where ':' '|' '[' ']' and '\\' are special.
        if not _OPTION.match(str(option)) or not _VALUE.match(str(value)) or isinstance(value, (dict, list, bool)):
            raise PresetError(f"preset {source}: bad option {option!r} in '{key}'")
        options[str(option)] = str(value)
    return options


_KNOWN_KEYS = frozenset(
    {
        "name", "description", "notes", "format", "extension", "mime_type", "codec", "codec_options",
        "mono_codec_options", "format_options", "sample_rate", "channels", "loudness", "limiter", "tags",
    }
)  # fmt: skip
_KNOWN_LOUDNESS_KEYS = frozenset({"integrated", "mono_integrated", "true_peak", "tolerance", "codec_compensation_db"})
_KNOWN_LIMITER_KEYS = frozenset({"enabled", "margin_db", "attack_ms", "release_ms"})


def preset_from_dict(data: dict[str, Any], source: str = "<dict>") -> Preset:
    """Validate a preset's JSON object. Errors name the file and the field; unknown keys are
    refused, so that a typo in a hand-edited preset does not silently fall back to a default."""
    if not isinstance(data, dict):
        raise PresetError(f"preset {source}: expected a JSON object")
    for section, known, where in (
        (data, _KNOWN_KEYS, ""),
        (data.get("loudness"), _KNOWN_LOUDNESS_KEYS, "loudness."),
        (data.get("limiter"), _KNOWN_LIMITER_KEYS, "limiter."),
    ):
        unknown = sorted(set(section) - known) if isinstance(section, dict) else []
        if unknown:
            raise PresetError(f"preset {source}: unknown field(s) {', '.join(where + k for k in unknown)}")
    name = _require(data, "name", str, source)
    if not _NAME.match(name):
        raise PresetError(f"preset {source}: name {name!r} must be lowercase letters, digits, '-' or '_'")
    extension = _require(data, "extension", str, source)
    if not re.match(r"^\.[a-z0-9]{1,8}$", extension):
        raise PresetError(f"preset {source}: extension {extension!r} must look like '.mp3'")
    channels = data.get("channels", "auto")
    if channels not in ("auto", 2):
        raise PresetError(f"preset {source}: channels must be 'auto' (mono stays mono) or 2")
    sample_rate = _require(data, "sample_rate", int, source)
    if not 8000 <= sample_rate <= 192000:
        raise PresetError(f"preset {source}: sample_rate {sample_rate} out of range")
    loud = _require(data, "loudness", dict, source)
    integrated = float(_require(loud, "integrated", (int, float), f"{source} loudness"))
    target = LoudnessTarget(
        integrated=integrated,
        true_peak=float(_require(loud, "true_peak", (int, float), f"{source} loudness")),
        tolerance=float(_require(loud, "tolerance", (int, float), f"{source} loudness")),
    )
    if not -3.0 <= float(loud.get("codec_compensation_db", 0.0)) <= 3.0:
        raise PresetError(f"preset {source}: codec_compensation_db must be within +-3 dB")
    if not -40.0 <= target.integrated <= -5.0 or not -20.0 <= target.true_peak <= 0.0 or target.tolerance <= 0:
        raise PresetError(f"preset {source}: loudness target out of range")
    lim = data.get("limiter", {})
    if not isinstance(lim, dict):
        raise PresetError(f"preset {source}: 'limiter' must be an object")
    limiter = LimiterSettings(
        enabled=bool(lim.get("enabled", True)),
        margin_db=float(lim.get("margin_db", 0.5)),
        attack_ms=float(lim.get("attack_ms", 5.0)),
        release_ms=float(lim.get("release_ms", 50.0)),
    )
    if not 0.0 <= limiter.margin_db <= 6.0 or not 0.1 <= limiter.attack_ms <= 80 or not 1 <= limiter.release_ms <= 8000:
        raise PresetError(f"preset {source}: limiter settings out of range")
    tags = data.get("tags", "none")
    if tags not in TAG_FORMATS:
        raise PresetError(f"preset {source}: tags must be one of {', '.join(TAG_FORMATS)}")
    codec = _require(data, "codec", str, source)
    fmt = _require(data, "format", str, source)
    for label, value in (("codec", codec), ("format", fmt)):
        if not re.match(r"^[a-z0-9_]+$", value):
            raise PresetError(f"preset {source}: bad {label} {value!r}")
    return Preset(
        name=name,
        description=str(data.get("description", "")),
        format=fmt,
        extension=extension,
        mime_type=_require(data, "mime_type", str, source),
        codec=codec,
        sample_rate=sample_rate,
        channels=channels,
        loudness=target,
        mono_integrated=float(loud.get("mono_integrated", integrated)),
        codec_compensation_db=float(loud.get("codec_compensation_db", 0.0)),
        limiter=limiter,
        tags=tags,
        codec_options=_options(data, "codec_options", source),
        mono_codec_options=_options(data, "mono_codec_options", source),
        format_options=_options(data, "format_options", source),
    )


def _search_dirs() -> list[Path]:
    extra = os.environ.get("MEDIA_PIPELINE_PRESET_DIRS", "")
    return [Path(p) for p in extra.split(os.pathsep) if p] + [BUNDLED_DIR]


def available_presets() -> list[str]:
    names: set[str] = set()
    for directory in _search_dirs():
        if directory.is_dir():
            names.update(p.stem for p in directory.glob("*.json"))
    return sorted(names)


def load_preset(name_or_path: str | os.PathLike[str]) -> Preset:
    """Load a preset by name (see module docstring) or from a ``.json`` path."""
    text = os.fspath(name_or_path)
    if text.endswith(".json"):
        candidates = [Path(text)]
    else:
        if not _NAME.match(text):
            raise PresetError(f"no preset named {text!r}")
        candidates = [d / f"{text}.json" for d in _search_dirs()]
    for candidate in candidates:
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise PresetError(f"preset {candidate}: cannot read it ({exc})") from exc
            return preset_from_dict(data, str(candidate))
    raise PresetError(f"no preset named {text!r} (available: {', '.join(available_presets())})")


def resolve_presets(presets: list[str | Preset] | tuple[str | Preset, ...] | None) -> list[Preset]:
    chosen = [p if isinstance(p, Preset) else load_preset(p) for p in (presets or DEFAULT_PRESETS)]
    if not chosen:
        raise PresetError("no presets chosen")
    names = [p.name for p in chosen]
    if len(set(names)) != len(names):
        raise PresetError(f"preset names must be unique, got {names}")
    return chosen
