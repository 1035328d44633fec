"""Session fixtures for the media_pipeline tests (see helpers.py for what they generate)."""

from __future__ import annotations

import shutil

import pytest

from media_pipeline import process

from .helpers import CHAPTERS, FFMPEG, FFPROBE, META, Corpus, FullRun


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    if shutil.which(FFMPEG) is None or shutil.which(FFPROBE) is None:
        pytest.fail("ffmpeg and ffprobe are needed for these tests: apt-get install ffmpeg")
    return Corpus(tmp_path_factory.mktemp("media"))


@pytest.fixture(scope="session")
def full_run(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> FullRun:
    """One complete run (all presets, tags, chapters, a large cover with GPS EXIF) on the FLAC source."""
    out = tmp_path_factory.mktemp("full")
    calls: list[tuple[float, str]] = []
    result = process(
        corpus.source("flac"),
        out,
        metadata=META,
        chapters=CHAPTERS,
        cover=corpus.big_cover(),
        progress=lambda percent, stage: calls.append((percent, stage)),
    )
    return FullRun(result, out, calls)
