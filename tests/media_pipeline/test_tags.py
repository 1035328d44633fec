"""Every tag of the full run read back with mutagen, ffprobe and a raw RIFF walk."""

from __future__ import annotations

import base64
import io
import re
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest
from mutagen.flac import Picture
from mutagen.id3 import ID3
from mutagen.oggopus import OggOpus
from PIL import Image

from media_pipeline import Chapter, InvalidRequest, TagMetadata, load_chapters, process
from media_pipeline.tagging import bext_text, validate_chapters

from .helpers import CHAPTERS, META, Corpus, FullRun, ffprobe

COVER_LIMIT_BYTES = 300 * 1024


def _path(run: FullRun, preset: str) -> Path:
    return Path(run.result.rendition(preset).path)


def _check_cover(data: bytes) -> None:
    assert len(data) <= COVER_LIMIT_BYTES
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= 1400
        assert image.size[0] / image.size[1] == pytest.approx(2400 / 1600, rel=0.01)
        assert not image.getexif()  # the source's EXIF (with its GPS position) is gone


def riff_chunks(path: Path) -> dict[bytes, bytes]:
    """Top-level chunks of a RIFF/WAVE file, read by hand (the data chunk is not loaded)."""
    chunks: dict[bytes, bytes] = {}
    with path.open("rb") as handle:
        riff, _, wave = struct.unpack("<4sI4s", handle.read(12))
        assert (riff, wave) == (b"RIFF", b"WAVE")
        while header := handle.read(8):
            chunk_id, size = struct.unpack("<4sI", header)
            if chunk_id == b"data":
                break
            chunks[chunk_id] = handle.read(size + (size & 1))[:size]
    return chunks


def test_id3v23_frames(full_run: FullRun) -> None:
    path = _path(full_run, "podcast-mp3")
    tags = ID3(path, translate=False)
    assert tags.version == (2, 3, 0)
    assert tags["TIT2"].text == [META.title]
    assert tags["TPE1"].text == [META.artist]
    assert tags["TALB"].text == [META.album]
    assert tags["TYER"].text == ["2025"]
    assert tags["TDAT"].text == ["1403"]
    assert tags["TLAN"].text == ["ell"]
    (comment,) = tags.getall("COMM")
    assert (comment.lang, comment.text) == ("ell", [META.description])
    assert tags.getall("WXXX")[0].url == META.url
    assert tags["WOAS"].url == META.url
    assert path.read_bytes()[-128:-125] != b"TAG"  # no ID3v1


def test_id3_cover(full_run: FullRun) -> None:
    (picture,) = ID3(_path(full_run, "podcast-mp3")).getall("APIC")
    assert (picture.mime, picture.type) == ("image/jpeg", 3)
    _check_cover(picture.data)


def test_id3_chapters(full_run: FullRun) -> None:
    tags = ID3(_path(full_run, "podcast-mp3"))
    (toc,) = tags.getall("CTOC")
    chapters = {frame.element_id: frame for frame in tags.getall("CHAP")}
    assert toc.child_element_ids == ["chp0", "chp1", "chp2"]
    assert [chapters[i].start_time for i in toc.child_element_ids] == [0, 2500, 4750]
    assert [chapters[i].end_time for i in toc.child_element_ids][:2] == [2500, 4750]
    assert abs(chapters["chp2"].end_time - 6000) <= 20
    assert [chapters[i].sub_frames["TIT2"].text[0] for i in toc.child_element_ids] == [c.title for c in CHAPTERS]
    assert chapters["chp1"].sub_frames.getall("WXXX")[0].url == CHAPTERS[1].url
    # ffprobe (what ffmpeg-based players see) reads the same chapters; the CHAP frames' order in the
    # file is mutagen's (by size), so ffmpeg's list is sorted by time here, as apps do.
    listed = sorted(
        ffprobe(_path(full_run, "podcast-mp3"), "-show_chapters")["chapters"], key=lambda c: float(c["start_time"])
    )
    assert [c["tags"]["title"] for c in listed] == ["Intro", "Interview", "Outro"]
    assert [float(c["start_time"]) for c in listed] == [0.0, 2.5, 4.75]


def test_vorbis_comments(full_run: FullRun) -> None:
    tags = OggOpus(_path(full_run, "lowband-opus")).tags
    assert tags is not None
    expected = {
        "TITLE": META.title,
        "ARTIST": META.artist,
        "ALBUM": META.album,
        "DATE": META.date,
        "LANGUAGE": META.language,
        "DESCRIPTION": META.description,
        "URL": META.url,
        "CHAPTER000": "00:00:00.000",
        "CHAPTER000NAME": "Intro",
        "CHAPTER001": "00:00:02.500",
        "CHAPTER001NAME": "Interview",
        "CHAPTER001URL": CHAPTERS[1].url,
        "CHAPTER002": "00:00:04.750",
        "CHAPTER002NAME": "Outro",
    }
    for key, value in expected.items():
        assert tags[key] == [value], key
    # Nothing else: no ffmpeg "encoder" comment and nothing from the source.
    assert {key.upper() for key, _value in tags} == {*expected, "METADATA_BLOCK_PICTURE"}
    picture = Picture(base64.b64decode(tags["METADATA_BLOCK_PICTURE"][0]))
    assert (picture.mime, picture.type) == ("image/jpeg", 3)
    _check_cover(picture.data)
    listed = ffprobe(_path(full_run, "lowband-opus"), "-show_chapters")["chapters"]
    assert [c["tags"]["title"] for c in listed] == ["Intro", "Interview", "Outro"]


def test_broadcast_wav_bext_via_ffprobe(full_run: FullRun) -> None:
    tags = ffprobe(_path(full_run, "broadcast-wav"))["format"]["tags"]
    # ffmpeg's WAV demuxer shows bext fields under generic names.
    assert tags["encoded_by"] == META.originator  # bext originator
    assert re.fullmatch(r"\d\d:\d\d:\d\d", tags["creation_time"])  # bext origination_time
    assert tags["coding_history"].startswith("A=PCM,F=48000,W=24,M=stereo")
    assert tags["time_reference"] == "0"
    # LIST/INFO.
    assert (tags["title"], tags["artist"], tags["album"]) == (META.title, META.artist, META.album)
    assert (tags["comment"], tags["date"]) == (META.description, META.date)


def test_broadcast_wav_raw_chunks(full_run: FullRun) -> None:
    chunks = riff_chunks(_path(full_run, "broadcast-wav"))
    bext = chunks[b"bext"]
    description, originator, _reference, date, time = struct.unpack_from("<256s32s32s10s8s", bext)
    text = description.rstrip(b"\0").decode("ascii")
    assert text == bext_text(META.description, 256)
    assert (
        text.startswith("Three volunteers talk about their first winter.") and "wsf" in text
    )  # Arabic, transliterated
    assert originator.rstrip(b"\0").decode("ascii") == META.originator
    stamp = datetime.strptime(f"{date.decode()} {time.decode()}", "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 3600
    info = chunks[b"LIST"]
    assert info[:4] == b"INFO"
    fields: dict[str, str] = {}
    position = 4
    while position + 8 <= len(info):
        key, size = struct.unpack_from("<4sI", info, position)
        fields[key.decode()] = info[position + 8 : position + 8 + size].rstrip(b"\0").decode("utf-8")
        position += 8 + size + (size & 1)
    assert fields["INAM"] == META.title
    assert fields["IART"] == META.artist
    assert fields["IPRD"] == META.album
    assert fields["ICMT"] == META.description
    assert fields["ICRD"] == META.date


def test_bext_text_is_ascii_and_bounded() -> None:
    assert bext_text("Αθήνα — قصير", 256) == "Athina - qsyr"
    assert len(bext_text("x" * 400, 256)) == 256


def test_bad_date_is_refused_before_any_work(corpus: Corpus, tmp_path: Path) -> None:
    with pytest.raises(InvalidRequest):
        process(corpus.source("wav"), tmp_path, metadata=TagMetadata(date="14/03/2025"))
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_chapters_are_sorted_and_closed() -> None:
    chapters = validate_chapters([Chapter(30.0, "B"), Chapter(0.0, " A ")], duration=60.0)
    assert chapters == [Chapter(0.0, "A", 30.0), Chapter(30.0, "B", 60.0)]


@pytest.mark.parametrize(
    "chapters",
    [
        [Chapter(61.0, "after the end")],
        [Chapter(-1.0, "before the start")],
        [Chapter(0.0, "")],
        [Chapter(0.0, "a"), Chapter(0.0, "b")],
        [Chapter(0.0, "a", end=40.0), Chapter(30.0, "b")],
    ],
)
def test_bad_chapters_are_refused(chapters: list[Chapter]) -> None:
    with pytest.raises(InvalidRequest):
        validate_chapters(chapters, duration=60.0)


def test_chapters_file_formats(tmp_path: Path) -> None:
    podcasting = tmp_path / "p20.json"
    podcasting.write_text(
        '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "One"},'
        ' {"startTime": 12.5, "endTime": 20, "title": "Two", "url": "https://example.org"},'
        ' {"startTime": 15, "title": "Silent marker", "toc": false}]}'
    )
    plain = tmp_path / "plain.json"
    plain.write_text('[{"start": 3, "title": "Only"}]')
    assert load_chapters(podcasting) == [Chapter(0.0, "One"), Chapter(12.5, "Two", 20.0, "https://example.org")]
    assert load_chapters(plain) == [Chapter(3.0, "Only")]
    broken = tmp_path / "broken.json"
    broken.write_text('{"chapters": [{"title": "no start"}]}')
    with pytest.raises(InvalidRequest):
        load_chapters(broken)
