"""Intro, outro and bed: placed around and under the episode, chapters moved with it, loudness on target."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.id3 import ID3

from media_pipeline import Chapter, Framing, InvalidRequest, process

from .helpers import ebur128, make_speech_like, run_ffmpeg


def _tone(path: Path, frequency: int, seconds: float, rate: int = 44100, channels: int = 1) -> Path:
    run_ffmpeg(
        "-f", "lavfi", "-i", f"sine=f={frequency}:r={rate}:d={seconds},volume=0.2",
        "-ac", str(channels), "-c:a", "pcm_s16le", str(path),
    )  # fmt: skip
    return path


def test_intro_outro_and_bed(tmp_path: Path) -> None:
    episode = make_speech_like(tmp_path / "episode.wav", seconds=6.0)
    intro = _tone(tmp_path / "intro.wav", 880, 3.0)  # other rate and layout than the episode
    outro = _tone(tmp_path / "outro.wav", 660, 2.0)
    bed = _tone(tmp_path / "bed.wav", 220, 8.0, channels=2)
    framing = Framing(intro=intro, outro=outro, bed=bed, crossfade=1.0, bed_seconds=4.0, exclude=("broadcast-wav",))
    out = tmp_path / "out"
    result = process(episode, out, framing=framing, chapters=[Chapter(0.0, "Start"), Chapter(3.0, "Second")])
    mp3 = result.rendition("podcast-mp3")
    # 3 s intro + 6 s episode + 2 s outro, overlapping by 1 s at each join.
    assert mp3.duration == pytest.approx(9.0, abs=0.1)
    assert mp3.content_offset == pytest.approx(2.0)
    assert result.rendition("broadcast-wav").duration == pytest.approx(6.0, abs=0.01)  # the station's own
    assert result.rendition("broadcast-wav").content_offset == 0.0
    starts = sorted(frame.start_time for frame in ID3(out / "podcast-mp3.mp3").getall("CHAP"))
    assert starts == [2000, 5000]
    for name, target in (("podcast-mp3.mp3", -16.0), ("lowband-opus.opus", -16.0)):
        assert abs(ebur128(out / name).integrated - target) <= 1.0
    assert result.report["framing"]["content_offset_s"] == pytest.approx(2.0)


def test_bad_framing_is_refused(tmp_path: Path) -> None:
    episode = make_speech_like(tmp_path / "episode.wav", seconds=3.0)
    with pytest.raises(InvalidRequest):
        process(episode, tmp_path / "out", framing=Framing(intro=episode, crossfade=9.0))
