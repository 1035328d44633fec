"""Soundbites: length, fades, loudness, and refusals."""

from __future__ import annotations

import math
import struct
import subprocess
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from media_pipeline import InvalidRequest, TagMetadata, make_soundbite, probe

from .helpers import FFMPEG, Corpus, ebur128, leftovers

RATE = 44100


def _decoded(path: Path) -> list[float]:
    """Mono 16-bit samples of a decoded file, scaled to -1..1 (clips are short)."""
    raw = subprocess.run(
        [FFMPEG, "-v", "error", "-i", str(path), "-ac", "1", "-ar", str(RATE), "-f", "s16le", "-"],
        capture_output=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    return [v / 32768 for v in struct.unpack(f"<{len(raw) // 2}h", raw)]


def _rms(samples: list[float]) -> float:
    return math.sqrt(sum(v * v for v in samples) / len(samples))


def test_soundbite(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "clips" / "bite.mp3"
    clip = make_soundbite(corpus.source("flac"), 1.0, 4.0, out, fade_ms=500, metadata=TagMetadata(title="Bite"))
    assert leftovers(out.parent) == ["bite.mp3"]  # written through a temp file, nothing else left
    assert clip.path == str(out) and clip.size_bytes == out.stat().st_size
    assert probe(out).duration == pytest.approx(4.0, abs=0.06)
    assert probe(out).audio.sample_rate == 44100
    independent = ebur128(out)
    assert abs(independent.integrated + 16.0) <= 1.0
    assert independent.true_peak <= -1.5
    assert clip.loudness.integrated_lufs == pytest.approx(independent.integrated, abs=0.1)
    assert ID3(out)["TIT2"].text == ["Bite"]


def test_fades(corpus: Corpus, tmp_path: Path) -> None:
    """On a steady tone the fades are plain to see: silent edges, half level mid-fade, full level after."""
    out = tmp_path / "tone.mp3"
    make_soundbite(corpus.silence_then_tone(), 2.0, 1.9, out, fade_ms=400)
    samples = _decoded(out)
    window = int(0.02 * RATE)

    def level(seconds: float) -> float:
        start = int(seconds * RATE)
        return _rms(samples[start : start + window])

    steady = level(0.9)
    assert level(0.0) < steady / 8  # fading in (the MP3's priming delay is part of the first window)
    assert 0.25 < level(0.2) / steady < 0.75  # halfway through the fade-in
    assert level(0.45) == pytest.approx(steady, rel=0.15)  # fully open once the fade is over
    assert _rms(samples[-window:]) < steady / 8  # faded out


def test_mono_soundbite_meets_the_mono_target(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "mono.mp3"
    make_soundbite(corpus.mono(), 0.5, 3.0, out, fade_ms=200)
    assert probe(out).audio.channels == 1
    assert abs(ebur128(out).integrated + 19.0) <= 1.0


@pytest.mark.parametrize(
    ("start", "duration", "fade_ms"),
    [(0.0, 61.0, 0), (0.0, 0.5, 0), (-1.0, 2.0, 0), (5.5, 2.0, 0), (0.0, 2.0, 1500)],
)
def test_refusals(corpus: Corpus, tmp_path: Path, start: float, duration: float, fade_ms: int) -> None:
    with pytest.raises(InvalidRequest):
        make_soundbite(corpus.source("wav"), start, duration, tmp_path / "x.mp3", fade_ms=fade_ms)
    assert leftovers(tmp_path) == []


def test_clip_is_cut_at_the_end_of_the_audio(corpus: Corpus, tmp_path: Path) -> None:
    clip = make_soundbite(corpus.source("wav"), 3.0, 10.0, tmp_path / "end.mp3", fade_ms=100)
    assert clip.duration == pytest.approx(3.0, abs=0.06)
