"""Presets as data: loading by name or path, validation, and local overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from media_pipeline import DEFAULT_PRESETS, PresetError, available_presets, load_preset
from media_pipeline.presets import BUNDLED_DIR


def test_bundled_presets_match_the_standards() -> None:
    mp3, opus, wav = (load_preset(name) for name in DEFAULT_PRESETS)
    assert (mp3.codec, mp3.sample_rate, mp3.loudness.integrated, mp3.mono_integrated, mp3.loudness.true_peak) == (
        "libmp3lame", 44100, -16.0, -19.0, -1.5,
    )  # fmt: skip
    assert mp3.encoder_options(2)["b:a"] == "128k" and mp3.encoder_options(1)["b:a"] == "96k"
    assert (opus.codec, opus.sample_rate, opus.loudness.integrated) == ("libopus", 48000, -16.0)
    assert 32_000 <= int(opus.encoder_options(2)["b:a"].rstrip("k")) * 1000 <= 48_000
    assert (wav.codec, wav.sample_rate, wav.loudness.integrated, wav.loudness.true_peak, wav.loudness.tolerance) == (
        "pcm_s24le", 48000, -23.0, -1.0, 0.5,
    )  # fmt: skip
    assert wav.format_options["write_bext"] == "1" and wav.output_channels(1) == 2
    assert mp3.output_channels(1) == 1 and mp3.output_channels(6) == 2


def test_load_by_path_and_override_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads((BUNDLED_DIR / "podcast-mp3.json").read_text())
    data["codec_options"]["b:a"] = "192k"
    custom = tmp_path / "podcast-mp3.json"
    custom.write_text(json.dumps(data))
    assert load_preset(str(custom)).codec_options["b:a"] == "192k"
    assert load_preset("podcast-mp3").codec_options["b:a"] == "128k"
    monkeypatch.setenv("MEDIA_PIPELINE_PRESET_DIRS", str(tmp_path))
    assert load_preset("podcast-mp3").codec_options["b:a"] == "192k"  # the local copy wins


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "Bad Name"}, "name"),
        ({"loudness": {"integrated": -16, "true_peak": 3, "tolerance": 1}}, "out of range"),
        ({"channels": 6}, "channels"),
        ({"tags": "apev2"}, "tags"),
        ({"bitrate": "128k"}, "unknown field"),
        ({"limiter": {"margin": 1}}, "limiter.margin"),
        ({"codec_options": {"b:a; rm -rf": "1"}}, "bad option"),
        ({"sample_rate": "44100"}, "wrong type"),
    ],
)
def test_validation(change: dict[str, object], message: str) -> None:
    from media_pipeline import preset_from_dict

    data = json.loads((BUNDLED_DIR / "podcast-mp3.json").read_text())
    data.update(change)
    with pytest.raises(PresetError, match=message):
        preset_from_dict(data, "test.json")


def test_unknown_name() -> None:
    with pytest.raises(PresetError, match="available"):
        load_preset("podcast-flac")
    with pytest.raises(PresetError):
        load_preset("../../etc/passwd")
    assert set(DEFAULT_PRESETS) <= set(available_presets())
