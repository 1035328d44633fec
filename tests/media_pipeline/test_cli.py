"""``python -m media_pipeline`` end to end, in a subprocess as an operator would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .helpers import Corpus, ebur128, ffmpeg_version_word

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, check_code: int = 0) -> tuple[Any, str]:
    done = subprocess.run(
        [sys.executable, "-m", "media_pipeline", *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == check_code, done.stderr
    return json.loads(done.stdout), done.stderr


def test_process(corpus: Corpus, tmp_path: Path) -> None:
    chapters = tmp_path / "chapters.json"
    chapters.write_text(json.dumps({"version": "1.2.0", "chapters": [
        {"startTime": 0, "title": "Welcome"}, {"startTime": 3.0, "title": "Story", "url": "https://example.org/s"},
        {"startTime": 5.0, "title": "Hidden", "toc": False},
    ]}))  # fmt: skip
    out = tmp_path / "out"
    summary, stderr = cli(
        "process", str(corpus.source("m4a")), "--out", str(out), "--title", "CLI episode", "--artist", "Hub",
        "--date", "2025", "--language", "it", "--chapters", str(chapters), "--preset", "podcast-mp3",
    )  # fmt: skip
    assert "100.0%" in stderr  # the progress report went to stderr
    (rendition,) = summary["renditions"]
    assert rendition["preset"] == "podcast-mp3" and Path(rendition["path"]).is_file()
    assert rendition["loudness"]["integrated_lufs"] == pytest.approx(
        ebur128(Path(rendition["path"])).integrated, abs=0.15
    )
    assert summary["source"]["audio"]["codec_name"] == "aac"
    assert Path(summary["report_path"]).is_file() and Path(summary["peaks_path"]).is_file()
    chapters_seen = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-of", "json", "-show_chapters", rendition["path"]],
            capture_output=True, text=True, check=True, timeout=60,
        ).stdout
    )["chapters"]  # fmt: skip
    assert sorted(c["tags"]["title"] for c in chapters_seen) == ["Story", "Welcome"]


def test_bad_input_exits_2_with_a_reason(tmp_path: Path) -> None:
    bogus = tmp_path / "episode.wav"
    bogus.write_text("not audio")
    error, stderr = cli("process", str(bogus), "--out", str(tmp_path / "out"), check_code=2)
    assert error["error"]["reason"] == "not_media"
    assert "not an audio file" in stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_too_long_exits_2(corpus: Corpus, tmp_path: Path) -> None:
    error, _ = cli("probe", str(corpus.source("wav")), "--max-duration", "2", check_code=2)
    assert error["error"]["reason"] == "too_long"


def test_probe_loudness_check_presets(corpus: Corpus) -> None:
    info, _ = cli("probe", str(corpus.source("opus")))
    assert info["audio"]["codec_name"] == "opus"
    loudness, _ = cli("loudness", str(corpus.source("wav")), "--series")
    assert loudness["integrated_lufs"] == pytest.approx(ebur128(corpus.source("wav")).integrated, abs=0.05)
    assert loudness["short_term"]["values"]
    check, _ = cli("check")
    assert check["ok"] is True and check["problems"] == []
    assert check["ffmpeg"]["version"] == ffmpeg_version_word()
    presets, _ = cli("presets")
    assert {"podcast-mp3", "lowband-opus", "broadcast-wav"} <= set(presets)


def test_soundbite(corpus: Corpus, tmp_path: Path) -> None:
    clip, _ = cli(
        "soundbite", str(corpus.source("wav")), "--start", "1", "--duration", "3", "--out", str(tmp_path / "b.mp3")
    )
    assert Path(clip["path"]).is_file() and clip["duration"] == pytest.approx(3.0, abs=0.06)
    error, _ = cli("soundbite", str(corpus.source("wav")), "--start", "0", "--duration", "90", "--out",
                   str(tmp_path / "c.mp3"), check_code=2)  # fmt: skip
    assert error["error"]["type"] == "InvalidRequest"
