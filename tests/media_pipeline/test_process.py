"""The whole pipeline on generated speech-like audio, judged by independent readings."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pytest

from media_pipeline import TagMetadata, process, read_peaks

from .helpers import LEAKS, SOURCE_FORMATS, Corpus, FullRun, all_tag_text, ebur128, ffprobe, leftovers

EXPECTED_FILES = {"podcast-mp3.mp3", "lowband-opus.opus", "broadcast-wav.wav", "peaks.json", "loudness.json"}


def _targets(preset: str, mono: bool = False) -> tuple[float, float, float]:
    if preset == "broadcast-wav":
        return -23.0, -1.0, 0.5
    return (-19.0 if mono else -16.0), -1.5, 1.0


def test_outputs_are_exactly_the_published_files(full_run: FullRun) -> None:
    result, out = full_run.result, full_run.out
    assert set(leftovers(out)) == EXPECTED_FILES  # no staging directory, no temp file
    assert {Path(r.path).name for r in result.renditions} == EXPECTED_FILES - {"peaks.json", "loudness.json"}


def test_loudness_targets_met_by_independent_measurement(full_run: FullRun) -> None:
    result = full_run.result
    for rendition in result.renditions:
        target, ceiling, tolerance = _targets(rendition.preset)
        independent = ebur128(Path(rendition.path))
        assert abs(independent.integrated - target) <= tolerance, rendition.preset
        assert independent.true_peak <= ceiling, rendition.preset
        # What the pipeline metered inside its render pass is what a player decodes from the file.
        assert rendition.loudness.integrated_lufs == pytest.approx(independent.integrated, abs=0.15), rendition.preset
        assert rendition.loudness.true_peak_dbtp == pytest.approx(independent.true_peak, abs=0.3), rendition.preset


def test_rendition_facts(full_run: FullRun) -> None:
    result = full_run.result
    expected = {
        "podcast-mp3": ("audio/mpeg", "mp3", 44100),
        "lowband-opus": ("audio/ogg; codecs=opus", "opus", 48000),
        "broadcast-wav": ("audio/wav", "pcm_s24le", 48000),
    }
    for rendition in result.renditions:
        mime, codec, rate = expected[rendition.preset]
        path = Path(rendition.path)
        assert (rendition.mime_type, rendition.codec, rendition.sample_rate, rendition.channels) == (
            mime,
            codec,
            rate,
            2,
        )
        assert rendition.size_bytes == path.stat().st_size
        assert rendition.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert rendition.duration == pytest.approx(6.0, abs=0.06)
        assert rendition.gain_db == pytest.approx(
            rendition.target.integrated - result.source_loudness.integrated_lufs, abs=0.5
        )
    podcast = result.rendition("podcast-mp3")
    assert podcast.bitrate is not None and abs(podcast.bitrate - 128_000) < 4_000
    opus = result.rendition("lowband-opus")
    assert opus.bitrate is not None and 25_000 < opus.bitrate < 60_000
    assert result.rendition("broadcast-wav").bitrate == 48_000 * 24 * 2


def test_source_metadata_is_not_carried_over(full_run: FullRun) -> None:
    result = full_run.result
    for rendition in result.renditions:
        text = all_tag_text(Path(rendition.path))
        assert not [leak for leak in LEAKS if leak in text], rendition.preset


def test_progress_reaches_100_monotonically(full_run: FullRun) -> None:
    calls = full_run.progress
    percents = [percent for percent, _ in calls]
    assert percents == sorted(percents)
    assert calls[-1] == (100.0, "done")
    assert {"measure", "render"} <= {stage for _, stage in calls}


def test_peaks_file(full_run: FullRun) -> None:
    result = full_run.result
    assert result.peaks_path is not None
    data = read_peaks(result.peaks_path)
    assert (data["version"], data["channels"], data["bits"]) == (2, 1, 8)
    assert (data["sample_rate"], data["samples_per_pixel"]) == (44100, 512)
    assert abs(data["length"] - math.ceil(6.0 * 44100 / 512)) <= 1
    values = data["data"]
    assert all(-128 <= v <= 127 for v in values)
    assert all(values[i] <= values[i + 1] for i in range(0, len(values), 2))  # min <= max per pixel
    assert max(values) > 40  # -16 LUFS speech-like audio reaches well past a third of full scale


def test_report(full_run: FullRun) -> None:
    result = full_run.result
    on_disk = json.loads(Path(result.report_path).read_text(encoding="utf-8"))
    assert on_disk == result.report
    assert on_disk["source"]["integrated_lufs"] == result.source_loudness.integrated_lufs
    series = on_disk["short_term"]
    assert series["interval"] == 1.0 and len(series["values"]) >= 6
    assert [v for v in series["values"] if v is not None], "short-term values for plotting"
    by_preset = {r["preset"]: r for r in on_disk["renditions"]}
    assert set(by_preset) == {"podcast-mp3", "lowband-opus", "broadcast-wav"}
    for preset, entry in by_preset.items():
        assert entry["passed"] is True
        assert entry["measured"]["integrated_lufs"] == result.rendition(preset).loudness.integrated_lufs
        assert abs(entry["deviation_lu"]) <= entry["target"]["tolerance_lu"]


@pytest.mark.parametrize("fmt", sorted(SOURCE_FORMATS))
def test_every_source_format(corpus: Corpus, tmp_path: Path, fmt: str) -> None:
    result = process(corpus.source(fmt), tmp_path, samples_per_pixel=None)
    assert result.peaks_path is None
    assert set(leftovers(tmp_path)) == EXPECTED_FILES - {"peaks.json"}
    for rendition in result.renditions:
        target, ceiling, tolerance = _targets(rendition.preset)
        independent = ebur128(Path(rendition.path))
        assert abs(independent.integrated - target) <= tolerance, rendition.preset
        assert independent.true_peak <= ceiling, rendition.preset
        text = all_tag_text(Path(rendition.path))
        assert not [leak for leak in LEAKS if leak in text], rendition.preset
        streams = ffprobe(Path(rendition.path))["streams"]
        assert [s["codec_type"] for s in streams] == ["audio"]  # the MP3 source's picture was not copied


def test_mono_source(corpus: Corpus, tmp_path: Path) -> None:
    result = process(corpus.mono(), tmp_path)
    facts = {r.preset: r for r in result.renditions}
    assert facts["podcast-mp3"].channels == 1 and facts["lowband-opus"].channels == 1
    assert facts["broadcast-wav"].channels == 2  # partner radios get stereo whatever came in
    assert facts["podcast-mp3"].bitrate is not None and abs(facts["podcast-mp3"].bitrate - 96_000) < 4_000
    for rendition in result.renditions:
        target, ceiling, tolerance = _targets(rendition.preset, mono=True)
        independent = ebur128(Path(rendition.path))
        assert abs(independent.integrated - target) <= tolerance, rendition.preset
        assert independent.true_peak <= ceiling, rendition.preset


def test_rerun_replaces_outputs(corpus: Corpus, tmp_path: Path) -> None:
    first = process(corpus.source("wav"), tmp_path, presets=["broadcast-wav"], metadata=TagMetadata(title="one"))
    second = process(corpus.source("wav"), tmp_path, presets=["broadcast-wav"], metadata=TagMetadata(title="two"))
    assert set(leftovers(tmp_path)) == {"broadcast-wav.wav", "peaks.json", "loudness.json"}
    assert first.renditions[0].path == second.renditions[0].path
    assert ffprobe(Path(second.renditions[0].path))["format"]["tags"]["title"] == "two"
