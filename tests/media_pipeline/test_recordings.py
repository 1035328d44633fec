"""Recordings as volunteers make them: DC offset, noise-like material, hum, hiss, uneven speakers.

Each condition is generated with ffmpeg and each result measured again with ffmpeg, apart from
the package (loudness with ebur128, DC and levels with astats)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from media_pipeline import process

from .helpers import FFMPEG, ebur128, make_noise_like, make_speech_like, run_ffmpeg

PRESET_TARGETS = {
    "podcast-mp3": (-16.0, -1.5, 1.0),
    "lowband-opus": (-16.0, -1.5, 1.0),
    "broadcast-wav": (-23.0, -1.0, 0.5),
}


def dc_offset(path: Path) -> float:
    """Mean sample value (full scale 1.0) of the first channel, by astats."""
    done = subprocess.run(
        [FFMPEG, "-nostdin", "-hide_banner", "-nostats", "-i", str(path), "-map", "0:a:0",
         "-af", "astats=measure_overall=DC_offset:measure_perchannel=DC_offset", "-f", "null", "-"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return float(re.findall(r"DC offset:\s*(-?[\d.e+-]+)", done.stderr)[0])


def assert_on_target(out: Path) -> None:
    for preset, (target, ceiling, tolerance) in PRESET_TARGETS.items():
        extension = {"podcast-mp3": ".mp3", "lowband-opus": ".opus", "broadcast-wav": ".wav"}[preset]
        measured = ebur128(out / f"{preset}{extension}")
        assert abs(measured.integrated - target) <= tolerance + 0.05, (preset, measured)
        assert measured.true_peak <= ceiling + 0.05, (preset, measured)


@pytest.mark.parametrize("offset", [0.25, -0.25])
def test_dc_offset_is_removed_and_loudness_lands(tmp_path: Path, offset: float) -> None:
    clean = make_speech_like(tmp_path / "clean.wav", seconds=5.0)
    source = tmp_path / "dc.wav"
    run_ffmpeg("-i", str(clean), "-af", f"volume=0.5,dcshift={offset}", "-c:a", "pcm_s16le", str(source))
    assert abs(dc_offset(source) - offset) < 0.02  # the recording really carries the offset
    process(source, tmp_path / "out", samples_per_pixel=None)
    assert_on_target(tmp_path / "out")
    assert abs(dc_offset(tmp_path / "out" / "broadcast-wav.wav")) < 0.001  # more than 48 dB down


@pytest.mark.parametrize("seed", range(101, 107))
def test_true_peak_ceilings_hold_on_noise_like_sources(tmp_path: Path, seed: int) -> None:
    """Property: whatever the colour, level and envelope of noise-like material, every rendition
    meets its loudness target and its true-peak ceiling (encoder overshoot is corrected)."""
    source = make_noise_like(tmp_path / "noise.wav", seed, seconds=3.0)
    process(source, tmp_path / "out", samples_per_pixel=None)
    assert_on_target(tmp_path / "out")
