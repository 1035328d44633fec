"""Uploaded files that point elsewhere (playlists, file lists, stream descriptions) are refused
without ffmpeg opening anything they name: no local file, no network connection."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from media_pipeline import Reason, UnsupportedMedia, make_soundbite, probe, process

from .helpers import Corpus


class Tripwire:
    """A named pipe where a referenced file should be: opening it for reading is noticed.

    A writer thread blocks in open() until some process opens the pipe to read; nothing else
    can make it return before ``disarm``. So ``opened`` is proof, not a timing guess.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self.opened = threading.Event()
        self._thread = threading.Thread(target=self._wait, daemon=True)
        self._thread.start()

    def _wait(self) -> None:
        fd = os.open(self.path, os.O_WRONLY)
        self.opened.set()
        os.close(fd)

    def disarm(self) -> None:
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer's open() return
        self._thread.join(timeout=5)
        os.close(fd)


@pytest.fixture
def tripwire(tmp_path: Path) -> Iterator[Tripwire]:
    wire = Tripwire(tmp_path / "secret.wav")
    yield wire
    wire.disarm()


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()


def _no_connection(server: socket.socket) -> bool:
    """A completed connection waits in the accept queue even if the client has gone since."""
    try:
        conn, _ = server.accept()
    except BlockingIOError:
        return True
    conn.close()
    return False


def _refused(path: Path, out: Path) -> UnsupportedMedia:
    with pytest.raises(UnsupportedMedia) as caught:
        process(path, out)
    assert not out.exists() or not any(out.iterdir())  # nothing rendered from anything
    return caught.value


def _hls(target: str) -> str:
    return f"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:6.0,\n{target}\n#EXT-X-ENDLIST\n"


@pytest.mark.parametrize("name", ["episode.m3u8", "episode.mp3"])
def test_hls_playlist_naming_a_local_file(tmp_path: Path, tripwire: Tripwire, name: str) -> None:
    playlist = tmp_path / name
    playlist.write_text(_hls(tripwire.path.as_uri()))
    error = _refused(playlist, tmp_path / "out")
    assert not tripwire.opened.is_set()
    assert error.reason is Reason.UNSUPPORTED_FORMAT
    assert "playlist" in error.message and "upload the recording itself" in error.message


def test_concat_list_naming_a_local_file(tmp_path: Path, tripwire: Tripwire) -> None:
    listing = tmp_path / "episode.wav"
    listing.write_text(f"ffconcat version 1.0\nfile '{tripwire.path.name}'\n")
    plain = tmp_path / "list.txt"  # the old-style list without the header line
    plain.write_text(f"file '{tripwire.path.name}'\n")
    errors = [_refused(listing, tmp_path / "out"), _refused(plain, tmp_path / "out2")]
    assert not tripwire.opened.is_set()
    assert [error.reason for error in errors] == [Reason.UNSUPPORTED_FORMAT] * 2


@pytest.mark.parametrize("name", ["episode.m3u8", "episode.m4a"])
def test_hls_playlist_naming_a_local_server(tmp_path: Path, listener: socket.socket, name: str) -> None:
    port = listener.getsockname()[1]
    playlist = tmp_path / name
    playlist.write_text(_hls(f"http://127.0.0.1:{port}/segment.ts"))
    error = _refused(playlist, tmp_path / "out")
    assert _no_connection(listener)
    assert error.reason is Reason.UNSUPPORTED_FORMAT


def test_sdp_and_subtitles_are_not_audio(tmp_path: Path, listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    sdp = tmp_path / "stream.sdp"
    sdp.write_text(f"v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio {port} RTP/AVP 0\n")
    assert _refused(sdp, tmp_path / "out").reason is Reason.UNSUPPORTED_FORMAT
    subtitles = tmp_path / "episode.srt"
    subtitles.write_text("1\n00:00:00,000 --> 00:00:05,000\nHello\n")
    with pytest.raises(UnsupportedMedia):
        probe(subtitles)
    assert _no_connection(listener)


def test_soundbite_of_a_playlist_is_refused(tmp_path: Path, tripwire: Tripwire) -> None:
    playlist = tmp_path / "episode.m3u8"
    playlist.write_text(_hls(tripwire.path.as_uri()))
    with pytest.raises(UnsupportedMedia):
        make_soundbite(playlist, 0.0, 2.0, tmp_path / "clip.mp3")
    assert not (tmp_path / "clip.mp3").exists()
    assert not tripwire.opened.is_set()


def test_real_recordings_still_pass_under_any_name(corpus: Corpus, tmp_path: Path) -> None:
    """The allow-list covers what recorders and phones produce, judged by content, not by name."""
    for fmt, demuxer in {"wav": "wav", "mp3": "mp3", "flac": "flac", "opus": "ogg", "m4a": "mov"}.items():
        renamed = tmp_path / f"upload-{fmt}.m3u8"
        shutil.copy(corpus.source(fmt), renamed)
        info = probe(renamed)
        assert info.demuxer == demuxer
        assert info.input_args()[-1].endswith(renamed.name)


def test_mp3_with_garbage_after_its_last_frame(corpus: Corpus, tmp_path: Path) -> None:
    """A copy with junk appended (a bad SD card, a tool that pads) is still the whole recording."""
    source = tmp_path / "garbage.mp3"
    data = corpus.source("mp3").read_bytes()
    source.write_bytes(data + os.urandom(3000) + b"\0" * 2000)
    result = process(source, tmp_path / "out")
    assert result.rendition("podcast-mp3").duration == pytest.approx(6.0, abs=0.1)
