"""All or nothing: every failure leaves the output directory as it was, and no process behind."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from media_pipeline import (
    InvalidRequest,
    LoudnessOutOfSpec,
    TranscodeError,
    load_preset,
    preset_from_dict,
    process,
)
from media_pipeline.presets import Preset

from .helpers import Corpus, ebur128, leftovers, make_speech_like


def _preset(base: str, **changes: object) -> Preset:
    """A bundled preset's JSON with some fields replaced."""
    data = {
        "name": f"{base}-variant",
        "description": "test variant",
        "format": "wav",
        "extension": ".wav",
        "mime_type": "audio/wav",
        "codec": "pcm_s24le",
        "format_options": {"write_bext": "1"},
        "sample_rate": 48000,
        "channels": 2,
        "loudness": {"integrated": -23.0, "true_peak": -1.0, "tolerance": 0.5},
        "limiter": {"enabled": True, "margin_db": 0.5},
        "tags": "riff",
    }
    if base == "podcast-mp3":
        bundled = load_preset(base)
        data |= {
            "format": "mp3", "extension": ".mp3", "mime_type": "audio/mpeg", "codec": bundled.codec,
            "codec_options": bundled.codec_options, "format_options": bundled.format_options, "sample_rate": 44100,
            "loudness": {"integrated": -16.0, "true_peak": -1.5, "tolerance": 1.0,
                         "codec_compensation_db": bundled.codec_compensation_db},
            "tags": "id3",
        }  # fmt: skip
    data.update(changes)
    return preset_from_dict(data)


def _children() -> list[str]:
    """Command lines of this test process's live ffmpeg and ffprobe children (other fixtures' servers aside)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        _, _, rest = stat.rpartition(")")
        state, ppid = rest.split()[:2]
        tool = Path(cmdline.split(b"\0", 1)[0].decode(errors="replace")).name
        if int(ppid) == os.getpid() and state != "Z" and tool in {"ffmpeg", "ffprobe"}:
            found.append(cmdline.replace(b"\0", b" ").decode(errors="replace"))
    return found


@pytest.fixture
def previous(tmp_path: Path) -> tuple[Path, str]:
    """An output directory holding a published rendition from an earlier run."""
    out = tmp_path / "out"
    out.mkdir()
    earlier = out / "podcast-mp3.mp3"
    earlier.write_bytes(b"published earlier")
    return out, hashlib.sha256(earlier.read_bytes()).hexdigest()


def _unchanged(out: Path, digest: str) -> None:
    assert leftovers(out) == ["podcast-mp3.mp3"]  # no new file, no staging directory
    assert hashlib.sha256((out / "podcast-mp3.mp3").read_bytes()).hexdigest() == digest


def test_impossible_encoder(corpus: Corpus, previous: tuple[Path, str]) -> None:
    out, digest = previous
    broken = _preset("broadcast-wav", name="broken", codec="pcm_nonexistent24")
    with pytest.raises(TranscodeError) as caught:
        process(corpus.source("wav"), out, presets=["podcast-mp3", broken])
    assert "pcm_nonexistent24" in caught.value.stderr_tail  # ffmpeg's own explanation travels along
    _unchanged(out, digest)
    assert not _children()


def test_failure_in_the_middle_of_the_render(tmp_path: Path, previous: tuple[Path, str]) -> None:
    out, digest = previous
    # Long enough that the render still runs when its first progress report reaches this thread,
    # even with ffmpeg 7 (faster) on a loaded machine (callbacks wait for the caller's thread).
    source = make_speech_like(tmp_path / "long.wav", seconds=150.0)

    class Stop(Exception):
        pass

    seen: list[float] = []
    running: list[str] = []

    def progress(percent: float, stage: str) -> None:
        if stage == "render":
            seen.append(percent)
            if percent > 15:  # the render stage starts at 9 %
                running.extend(_children())
                raise Stop

    with pytest.raises(Stop):
        process(source, out, progress=progress)
    assert seen and seen[-1] < 90  # it really stopped part-way...
    assert sum("ffmpeg" in cmd for cmd in running) == 2  # ...with the render and its meter running
    _unchanged(out, digest)
    assert not _children()


def test_output_directory_is_a_file(corpus: Corpus, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(InvalidRequest):
        process(corpus.source("wav"), blocker)
    assert blocker.read_text() == "x"


def test_out_of_spec_leaves_nothing(corpus: Corpus, previous: tuple[Path, str]) -> None:
    """No limiter and a big gain on full-scale clicks: the WAV clips above its ceiling."""
    out, digest = previous
    unlimited = _preset("broadcast-wav", name="unlimited", limiter={"enabled": False})
    with pytest.raises(LoudnessOutOfSpec) as caught:
        process(corpus.peaky(), out, presets=["podcast-mp3", unlimited])
    assert any("true peak" in failure and "unlimited" in failure for failure in caught.value.failures)
    _unchanged(out, digest)


def test_a_miss_is_rendered_again_with_the_measured_correction(corpus: Corpus, tmp_path: Path) -> None:
    """A compensation 2 dB off lands 2 LU low; the second pass corrects it from the measurement."""
    loudness = {"integrated": -16.0, "true_peak": -1.5, "tolerance": 1.0, "codec_compensation_db": -2.0}
    skewed = _preset("podcast-mp3", name="skewed", loudness=loudness)
    result = process(corpus.source("wav"), tmp_path, presets=[skewed])
    (rendition,) = result.renditions
    assert rendition.attempts == 2
    assert abs(ebur128(Path(rendition.path)).integrated + 16.0) <= 0.5
    assert leftovers(tmp_path) == ["loudness.json", "peaks.json", "skewed.mp3"]


def test_no_stall_with_the_default_pipe_buffer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The meter opens its inputs one after the other while the render keeps writing; that must
    not depend on the 1 MiB pipe buffers we ask for (an unprivileged user may get 64 KiB)."""
    import media_pipeline.render
    import media_pipeline.runner

    monkeypatch.setattr(media_pipeline.runner, "PIPE_BUFFER_BYTES", 1 << 16)
    monkeypatch.setattr(media_pipeline.render, "render_timeout", lambda duration: 60.0)
    source = make_speech_like(tmp_path / "twenty.wav", seconds=20.0)
    result = process(source, tmp_path / "out")
    assert [r.attempts for r in result.renditions] == [1, 1, 1]
