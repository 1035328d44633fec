"""Waveform peaks: the streaming reducer on known samples, and peaks that follow real audio."""

from __future__ import annotations

import struct
from pathlib import Path

from media_pipeline import compute_peaks, probe, process, read_peaks
from media_pipeline.peaks import BATCH_BYTES, PeaksWriter

from .helpers import Corpus


def _pcm(*samples: int) -> bytes:
    return struct.pack(f"<{len(samples)}h", *samples)


def test_reducer_on_known_samples_fed_byte_by_byte(tmp_path: Path) -> None:
    writer = PeaksWriter(tmp_path / "p.json", sample_rate=8000, samples_per_pixel=4)
    data = _pcm(0, 100, -200, 50, 1000, -1000, 0, 0, 5)
    for index in range(len(data)):
        writer.feed(data[index : index + 1])
    info = writer.close()
    peaks = read_peaks(info.path)
    # -200..100 -> -1..0, -1000..1000 -> -4..3 (16 -> 8 bits by an arithmetic shift), last partial pixel 5..5.
    assert peaks["data"] == [-1, 0, -4, 3, 0, 0]
    assert (peaks["length"], info.length) == (3, 3)
    assert (peaks["version"], peaks["channels"], peaks["bits"], peaks["sample_rate"], peaks["samples_per_pixel"]) == (
        2, 1, 8, 8000, 4,
    )  # fmt: skip


def test_reducer_interleaves_channels(tmp_path: Path) -> None:
    writer = PeaksWriter(tmp_path / "p.json", sample_rate=8000, samples_per_pixel=2, channels=2)
    writer.feed(_pcm(-32768, 32767, 256, -512))  # two frames of (left, right)
    peaks = read_peaks(writer.close().path)
    assert peaks["data"] == [-128, 1, -2, 127]  # pixel 0: left min,max then right min,max


def test_reducer_memory_stays_bounded(tmp_path: Path) -> None:
    writer = PeaksWriter(tmp_path / "p.json", sample_rate=44100, samples_per_pixel=512)
    chunk = _pcm(*range(-1000, 1000)) * 8  # 32 000 bytes
    largest = 0
    for _ in range(2_000):  # 64 MB of PCM, about 12 minutes of 44.1 kHz mono
        writer.feed(chunk)
        largest = max(largest, len(writer._pending))
    info = writer.close()
    assert largest < BATCH_BYTES + len(chunk)
    assert info.length == -(-2_000 * 16_000 // 512)


def test_empty_input_gives_an_empty_but_valid_file(tmp_path: Path) -> None:
    peaks = read_peaks(PeaksWriter(tmp_path / "p.json", sample_rate=48000, samples_per_pixel=256).close().path)
    assert (peaks["length"], peaks["data"]) == (0, [])


def _follows_silence_then_tone(peaks: dict[str, object], rate: int) -> None:
    data = peaks["data"]
    assert isinstance(data, list)
    spp = peaks["samples_per_pixel"]
    assert isinstance(spp, int)
    boundary = 2 * rate // spp  # the tone starts at 2 s
    silence = data[: 2 * (boundary - 4)]
    tone = data[2 * (boundary + 4) : 2 * (2 * boundary - 4)]
    assert max(abs(v) for v in silence) <= 1
    assert min(tone[1::2]) > 20 and max(tone[::2]) < -20  # every tone pixel swings both ways


def test_pipeline_peaks_follow_the_signal(corpus: Corpus, tmp_path: Path) -> None:
    result = process(corpus.silence_then_tone(), tmp_path, presets=["podcast-mp3"])
    assert result.peaks_path is not None
    peaks = read_peaks(result.peaks_path)
    assert peaks["sample_rate"] == 44100
    _follows_silence_then_tone(peaks, 44100)


def test_standalone_peaks(corpus: Corpus, tmp_path: Path) -> None:
    info = compute_peaks(probe(corpus.silence_then_tone()), tmp_path / "w.json", samples_per_pixel=256)
    peaks = read_peaks(info.path)
    assert (info.samples_per_pixel, info.sample_rate) == (256, 44100)
    assert abs(info.length - 4 * 44100 / 256) <= 1
    _follows_silence_then_tone(peaks, 44100)
