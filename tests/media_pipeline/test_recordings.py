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


def make_interview(path: Path, seconds: float = 16.0) -> Path:
    """Speaker A close to the microphone, speaker B 12 dB quieter across the table, turns of 4 s,
    over white hiss (about -47 dBFS RMS) and 50 Hz mains hum with two harmonics."""
    speech = (
        f"anoisesrc=c=pink:r=48000:a=0.5:seed=3:d={seconds},highpass=f=150,lowpass=f=4000[n];"
        f"sine=f=160:r=48000:d={seconds},volume=0.3[v];"
        "[n][v]amix=inputs=2:normalize=0,"
        "volume='(0.12+0.88*abs(sin(2*PI*2.3*t)))*if(lt(mod(t\\,8)\\,4)\\,1\\,0.25)':eval=frame[speech];"
    )
    noise = (
        f"anoisesrc=c=white:r=48000:a=0.006:seed=9:d={seconds}[hiss];"
        f"sine=f=50:r=48000:d={seconds},volume=0.05[h1];sine=f=100:r=48000:d={seconds},volume=0.03[h2];"
        f"sine=f=150:r=48000:d={seconds},volume=0.02[h3];"
    )
    graph = speech + noise + "[speech][hiss][h1][h2][h3]amix=inputs=5:normalize=0[out]"
    run_ffmpeg("-filter_complex", graph, "-map", "[out]", "-c:a", "pcm_s16le", str(path))
    return path


def segment_loudness(path: Path, start: float, duration: float) -> float:
    done = subprocess.run(
        [FFMPEG, "-nostdin", "-hide_banner", "-nostats", "-ss", str(start), "-t", str(duration), "-i", str(path),
         "-af", "ebur128", "-f", "null", "-"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", done.stderr)[-1])


def band_level(path: Path, frequency: float) -> float:
    """RMS level (dBFS) in a narrow band around ``frequency``, by bandpass + astats."""
    done = subprocess.run(
        [FFMPEG, "-nostdin", "-hide_banner", "-nostats", "-i", str(path), "-af",
         f"bandpass=f={frequency}:width_type=q:w=20,astats=measure_perchannel=none:measure_overall=RMS_level",
         "-f", "null", "-"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return float(re.findall(r"RMS level dB:\s*(-?[\d.]+)", done.stderr)[-1])


def test_interview_levelling_evens_out_speakers(tmp_path: Path) -> None:
    source = make_interview(tmp_path / "interview.wav")

    def spread(path: Path) -> float:
        levels = [segment_loudness(path, start + 0.5, 3.0) for start in (0, 4, 8, 12)]
        return (levels[0] + levels[2]) / 2 - (levels[1] + levels[3]) / 2

    assert spread(source) > 10
    result = process(source, tmp_path / "out", presets=["broadcast-wav"], samples_per_pixel=None, cleanup="interview")
    output = tmp_path / "out" / "broadcast-wav.wav"
    assert abs(spread(output)) <= 6
    assert abs(ebur128(output).integrated + 23) <= 0.55
    figures = result.report["cleanup"]
    assert figures["choice"] == "interview"
    assert figures["after"]["speech_spread_lu"] <= figures["before"]["speech_spread_lu"] - 4
    assert figures["after"]["loudness_range_lu"] < figures["before"]["loudness_range_lu"]


def test_light_cleanup_removes_hum(tmp_path: Path) -> None:
    source = make_interview(tmp_path / "hum.wav", seconds=8.0)
    process(source, tmp_path / "out", presets=["broadcast-wav"], samples_per_pixel=None, cleanup="light")
    output = tmp_path / "out" / "broadcast-wav.wav"
    # Relative to the programme's loudness, so that the normalising gain does not count.
    before = {f: band_level(source, f) - ebur128(source).integrated for f in (50, 100)}
    after = {f: band_level(output, f) - ebur128(output).integrated for f in (50, 100)}
    # Measured: about 23 dB less at 50 Hz (high-pass and notch), 9 dB at 100 Hz, where the 5 Hz
    # wide measuring band also holds the speech's own energy, which the notch leaves alone.
    assert after[50] <= before[50] - 15, (before, after)
    assert after[100] <= before[100] - 6, (before, after)


def test_unknown_cleanup_is_refused_before_any_work(tmp_path: Path) -> None:
    from media_pipeline import InvalidRequest

    with pytest.raises(InvalidRequest, match="interview"):
        process(tmp_path / "missing.wav", tmp_path / "out", cleanup="studio")
