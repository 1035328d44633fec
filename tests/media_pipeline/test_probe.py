"""Validation and probing against real files: every accepted format, every rejection reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from media_pipeline import InvalidRequest, Reason, UnsupportedMedia, measure_loudness, probe, process

from .helpers import SOURCE_ARTIST, SOURCE_FORMATS, Corpus, ebur128

EXPECTED_CODECS = {"wav": "pcm_s16le", "mp3": "mp3", "flac": "flac", "opus": "opus", "m4a": "aac"}


@pytest.mark.parametrize("fmt", sorted(SOURCE_FORMATS))
def test_probe_each_format(corpus: Corpus, fmt: str) -> None:
    info = probe(corpus.source(fmt))
    assert info.audio.codec_name == EXPECTED_CODECS[fmt]
    assert info.audio.channels == 2
    assert info.audio.sample_rate == 48000
    assert info.duration == pytest.approx(6.0, abs=0.1)
    assert info.size_bytes == corpus.source(fmt).stat().st_size
    assert info.video_stream_count == 0  # the MP3's cover picture does not count as video


def test_probe_reports_source_tags_for_display(corpus: Corpus) -> None:
    assert SOURCE_ARTIST in probe(corpus.source("flac")).tags.values()


def test_content_not_extension_decides(corpus: Corpus, tmp_path: Path) -> None:
    disguised = tmp_path / "episode.txt"
    shutil.copy(corpus.source("flac"), disguised)
    assert probe(disguised).format_name == "flac"


def _reason(path: Path, **kwargs: float) -> Reason:
    with pytest.raises(UnsupportedMedia) as caught:
        probe(path, **kwargs)
    assert caught.value.message  # a readable sentence for the editor
    return caught.value.reason


def test_text_file_named_wav(tmp_path: Path) -> None:
    path = tmp_path / "episode.wav"
    path.write_text("This is not audio.\nJust a text file that someone renamed.\n")
    assert _reason(path) is Reason.NOT_MEDIA


def test_image(corpus: Corpus, tmp_path: Path) -> None:
    path = tmp_path / "episode.mp3"
    shutil.copy(corpus.image(), path)
    assert _reason(path) is Reason.NOT_AUDIO


def test_video_without_audio(corpus: Corpus) -> None:
    assert _reason(corpus.video_without_audio()) is Reason.NO_AUDIO_STREAM


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.touch()
    assert _reason(path) is Reason.EMPTY_FILE


def test_truncated_m4a_is_corrupt(corpus: Corpus) -> None:
    assert _reason(corpus.truncated("m4a")) is Reason.CORRUPT


def test_too_long(corpus: Corpus) -> None:
    assert _reason(corpus.source("wav"), max_duration=2.0) is Reason.TOO_LONG


def test_missing_file_is_a_caller_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidRequest):
        probe(tmp_path / "nope.wav")


def test_truncated_wav_found_from_its_header(corpus: Corpus) -> None:
    """ffprobe believes the file size; the RIFF header still announces 6 s."""
    assert _reason(corpus.truncated("wav")) is Reason.TRUNCATED


def test_truncated_flac_found_by_decoding(corpus: Corpus, tmp_path: Path) -> None:
    """The FLAC header still claims 6 s; only the decode shows the file stops at 3 s."""
    truncated = corpus.truncated("flac")
    assert probe(truncated).duration == pytest.approx(6.0, abs=0.1)
    with pytest.raises(UnsupportedMedia) as caught:
        process(truncated, tmp_path / "out")
    assert caught.value.reason is Reason.TRUNCATED
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_silence_is_rejected(corpus: Corpus, tmp_path: Path) -> None:
    with pytest.raises(UnsupportedMedia) as caught:
        process(corpus.silent(), tmp_path / "out")
    assert caught.value.reason is Reason.SILENT


def test_measure_loudness_matches_an_independent_reading(corpus: Corpus) -> None:
    measured = measure_loudness(corpus.source("wav"))
    reference = ebur128(corpus.source("wav"))
    # The reference is ffmpeg's printed summary, rounded to a tenth.
    assert measured.integrated_lufs == pytest.approx(reference.integrated, abs=0.05)
    assert measured.true_peak_dbtp == pytest.approx(reference.true_peak, abs=0.05)
    assert measured.duration == pytest.approx(6.0, abs=0.05)
    assert measured.short_term is not None and len(measured.short_term.values) >= 6
