"""Metadata for the renditions, one writer per container behind ``write_tags``.

* MP3: ID3v2.3 (widest player support) written by mutagen after encoding: TIT2, TPE1, TALB,
  TYER/TDAT (from TDRC), TLAN, COMM, WXXX + WOAS, APIC, CTOC + CHAP (milliseconds).
* Opus: Vorbis comments by mutagen: TITLE, ARTIST, ALBUM, DATE, LANGUAGE, DESCRIPTION, URL,
  METADATA_BLOCK_PICTURE, CHAPTERnnn / CHAPTERnnnNAME (the Matroska/Vorbis chapter convention).
* WAV: the BWF ``bext`` chunk and LIST/INFO (INAM, IART, IPRD, ICMT, ICRD) are written by
  ffmpeg's muxer during the render (``riff_metadata``): mutagen cannot write LIST/INFO, and
  rewriting a multi-gigabyte WAV afterwards would cost a full copy.

Nothing is ever read from the source file: every tag comes from ``TagMetadata``.
"""

# mutagen has no type annotations; its constructors and methods are called as documented.
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

import base64
import io
import json
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from anyascii import anyascii
from mutagen import MutagenError
from mutagen.flac import Picture
from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TLAN,
    TPE1,
    WOAS,
    WXXX,
    CTOCFlags,
    PictureType,
)
from mutagen.oggopus import OggOpus
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import InvalidRequest, TaggingError

COVER_MAX_PIXELS = 1400
COVER_MAX_BYTES = 300 * 1024

# ISO 639-1 -> ISO 639-2/T for the languages the hub publishes in and their neighbours; ID3's TLAN
# and COMM want three letters. Three-letter codes pass through; anything else becomes "und".
_ISO639_2 = {
    "ar": "ara", "de": "deu", "el": "ell", "en": "eng", "es": "spa", "fa": "fas", "fr": "fra",
    "it": "ita", "nl": "nld", "pl": "pol", "pt": "por", "ro": "ron", "ru": "rus", "so": "som",
    "sq": "sqi", "ti": "tir", "tr": "tur", "uk": "ukr", "ur": "urd", "ku": "kur", "ps": "pus",
    "bn": "ben", "hi": "hin", "zh": "zho", "sw": "swa", "am": "amh", "ha": "hau", "wo": "wol",
}  # fmt: skip


@dataclass(frozen=True)
class Chapter:
    """A chapter mark. ``end`` defaults to the next chapter's start (or the end of the audio)."""

    start: float
    title: str
    end: float | None = None
    url: str | None = None


@dataclass(frozen=True)
class TagMetadata:
    """Everything written into the renditions. Empty fields are simply left out.

    ``date`` is ISO 8601 (``2025``, ``2025-03`` or ``2025-03-14``). ``language`` is ISO 639-1 or
    639-2. ``originator`` and ``originator_reference`` (32 ASCII chars each in bext) default to
    ``artist`` and nothing; ``origination`` (bext date and time) defaults to the time of
    processing, in UTC.
    """

    title: str = ""
    artist: str = ""
    album: str = ""
    date: str = ""
    language: str = ""
    description: str = ""
    url: str = ""
    genre: str = ""
    originator: str = ""
    originator_reference: str = ""
    origination: datetime | None = None


@dataclass(frozen=True)
class CoverArt:
    data: bytes
    mime_type: str
    width: int
    height: int


def iso639_2(code: str) -> str:
    code = code.strip().lower().split("-")[0].split("_")[0]
    if len(code) == 3 and code.isalpha():
        return code
    return _ISO639_2.get(code, "und")


def bext_text(text: str, limit: int) -> str:
    """bext fields are ASCII (EBU Tech 3285): transliterate (Arabic, Greek...) and cut to size."""
    ascii_text = anyascii(unicodedata.normalize("NFC", text))
    return "".join(c for c in ascii_text if 32 <= ord(c) < 127)[:limit]


def validate_date(text: str) -> str:
    if not text:
        return ""
    for fmt, length in (("%Y", 4), ("%Y-%m", 7), ("%Y-%m-%d", 10)):
        if len(text) == length:
            try:
                datetime.strptime(text, fmt)
            except ValueError:
                break
            return text
    raise InvalidRequest(f"date {text!r} must be YYYY, YYYY-MM or YYYY-MM-DD")


def validate_chapters(chapters: Sequence[Chapter], duration: float) -> list[Chapter]:
    """Sort, fill in the ends, and refuse chapters outside the audio or overlapping ones."""
    ordered = sorted(chapters, key=lambda c: c.start)
    result: list[Chapter] = []
    for index, chapter in enumerate(ordered):
        if not chapter.title.strip():
            raise InvalidRequest(f"chapter {index + 1} has no title")
        if chapter.start < 0 or chapter.start >= duration:
            raise InvalidRequest(f"chapter {chapter.title!r} starts at {chapter.start:.3f} s, outside the audio")
        following = ordered[index + 1].start if index + 1 < len(ordered) else duration
        if index + 1 < len(ordered) and following == chapter.start:
            raise InvalidRequest(f"two chapters start at {chapter.start:.3f} s")
        end = chapter.end if chapter.end is not None else following
        if end <= chapter.start or end > following + 1e-6:
            raise InvalidRequest(f"chapter {chapter.title!r} ends at {end:.3f} s, overlapping or before its start")
        result.append(Chapter(chapter.start, chapter.title.strip(), end, chapter.url))
    return result


def load_chapters(path: str | os.PathLike[str]) -> list[Chapter]:
    """Read chapters from JSON: Podcasting 2.0 chapters (``{"version": "1.2.0", "chapters": [...]}``,
    ``startTime``/``endTime``/``title``/``url``) or a plain list of ``{"start", "title", "end", "url"}``.
    """
    try:
        data: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidRequest(f"cannot read chapters file: {exc}", path=path) from exc
    items = data.get("chapters") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InvalidRequest("chapters file must hold a list of chapters", path=path)
    chapters = []
    for item in items:
        if not isinstance(item, dict):
            raise InvalidRequest("each chapter must be an object", path=path)
        if item.get("toc") is False:  # Podcasting 2.0: not part of the table of contents
            continue
        start = item.get("startTime", item.get("start"))
        end = item.get("endTime", item.get("end"))
        if start is None:
            raise InvalidRequest(f"chapter without a start time: {item!r}", path=path)
        try:
            chapters.append(
                Chapter(
                    start=float(start),
                    title=str(item.get("title", "")),
                    end=float(end) if end is not None else None,
                    url=str(item["url"]) if item.get("url") else None,
                )
            )
        except (TypeError, ValueError) as exc:
            raise InvalidRequest(f"bad chapter {item!r}", path=path) from exc
    return chapters


def prepare_cover(path: str | os.PathLike[str]) -> CoverArt:
    """Square-agnostic cover: RGB JPEG, at most 1400 px a side and 300 KB, no EXIF (no GPS leaks)."""
    try:
        with Image.open(path) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise InvalidRequest(f"the cover image cannot be read: {exc}", path=path) from exc
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((COVER_MAX_PIXELS, COVER_MAX_PIXELS), Image.Resampling.LANCZOS)
    while True:
        for quality in (90, 85, 80, 75, 70, 60):
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=False)
            if buffer.tell() <= COVER_MAX_BYTES:
                return CoverArt(buffer.getvalue(), "image/jpeg", image.width, image.height)
        if image.width < 64 or image.height < 64:
            raise InvalidRequest("the cover image cannot be made small enough", path=path)
        image = image.resize((image.width * 4 // 5, image.height * 4 // 5), Image.Resampling.LANCZOS)


def _hms(seconds: float) -> str:
    millis = round(seconds * 1000)
    return f"{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"


def tag_mp3(
    path: str | os.PathLike[str], meta: TagMetadata, chapters: Sequence[Chapter], cover: CoverArt | None
) -> None:
    """Write a fresh ID3v2.3 tag (replacing any) and no ID3v1."""
    tags = ID3()
    text_frames: list[tuple[type[Any], str]] = [
        (TIT2, meta.title),
        (TPE1, meta.artist),
        (TALB, meta.album),
        (TCON, meta.genre),
    ]
    for frame_type, value in text_frames:
        if value:
            tags.add(frame_type(encoding=3, text=[value]))
    if meta.date:
        tags.add(TDRC(encoding=3, text=[meta.date]))
    language = iso639_2(meta.language) if meta.language else "und"
    if meta.language:
        tags.add(TLAN(encoding=3, text=[language]))
    if meta.description:
        tags.add(COMM(encoding=3, lang=language, desc="", text=[meta.description]))
    if meta.url:
        tags.add(WXXX(encoding=3, desc="", url=meta.url))
        tags.add(WOAS(url=meta.url))
    if cover is not None:
        tags.add(APIC(encoding=3, mime=cover.mime_type, type=PictureType.COVER_FRONT, desc="Cover", data=cover.data))
    if chapters:
        ids = [f"chp{index}" for index in range(len(chapters))]
        tags.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text=["Chapters"])],
            )
        )
        for element_id, chapter in zip(ids, chapters, strict=True):
            assert chapter.end is not None
            sub_frames: list[Any] = [TIT2(encoding=3, text=[chapter.title])]
            if chapter.url:
                sub_frames.append(WXXX(encoding=3, desc="chapter url", url=chapter.url))
            tags.add(
                CHAP(
                    element_id=element_id,
                    start_time=round(chapter.start * 1000),
                    end_time=round(chapter.end * 1000),
                    start_offset=0xFFFFFFFF,
                    end_offset=0xFFFFFFFF,
                    sub_frames=sub_frames,
                )
            )
    # mutagen keeps v2.4 frames in memory; converting first turns TDRC into TYER + TDAT.
    tags.update_to_v23()
    try:
        tags.save(os.fspath(path), v1=0, v2_version=3, padding=lambda info: 1024)
    except (MutagenError, OSError) as exc:
        raise TaggingError(f"cannot write ID3 tags: {exc}", path=path) from exc


def tag_opus(
    path: str | os.PathLike[str], meta: TagMetadata, chapters: Sequence[Chapter], cover: CoverArt | None
) -> None:
    """Replace all Vorbis comments (including ffmpeg's) with ours."""
    try:
        audio = OggOpus(os.fspath(path))
        assert audio.tags is not None
        audio.tags.clear()
        fields = {
            "TITLE": meta.title,
            "ARTIST": meta.artist,
            "ALBUM": meta.album,
            "DATE": meta.date,
            "LANGUAGE": meta.language,
            "DESCRIPTION": meta.description,
            "URL": meta.url,
            "GENRE": meta.genre,
        }
        for key, value in fields.items():
            if value:
                audio.tags[key] = [value]
        if cover is not None:
            picture = Picture()
            picture.type = PictureType.COVER_FRONT
            picture.mime = cover.mime_type
            picture.desc = "Cover"
            picture.width = cover.width
            picture.height = cover.height
            picture.depth = 24
            picture.data = cover.data
            audio.tags["METADATA_BLOCK_PICTURE"] = [base64.b64encode(picture.write()).decode("ascii")]
        for index, chapter in enumerate(chapters):
            key = f"CHAPTER{index:03d}"
            audio.tags[key] = [_hms(chapter.start)]
            audio.tags[f"{key}NAME"] = [chapter.title]
            if chapter.url:
                audio.tags[f"{key}URL"] = [chapter.url]
        audio.save()
    except (MutagenError, OSError) as exc:
        raise TaggingError(f"cannot write Vorbis comments: {exc}", path=path) from exc


def riff_metadata(
    meta: TagMetadata, *, sample_rate: int, channels: int, bits: int, now: datetime | None = None
) -> dict[str, str]:
    """ffmpeg ``-metadata`` values for a WAV: LIST/INFO (via ffmpeg's generic names) and bext."""
    moment = meta.origination or now or datetime.now(UTC)
    mode = "mono" if channels == 1 else "stereo"
    description = meta.description or meta.title
    values = {
        # LIST/INFO: title->INAM, artist->IART, album->IPRD, comment->ICMT, date->ICRD
        "title": meta.title,
        "artist": meta.artist,
        "album": meta.album,
        "comment": meta.description,
        "date": meta.date,
        "genre": meta.genre,
        # bext (EBU Tech 3285)
        "description": bext_text(description, 256),
        "originator": bext_text(meta.originator or meta.artist or meta.album, 32),
        "originator_reference": bext_text(meta.originator_reference, 32),
        "origination_date": moment.strftime("%Y-%m-%d"),
        "origination_time": moment.strftime("%H:%M:%S"),
        "coding_history": f"A=PCM,F={sample_rate},W={bits},M={mode},T=media_pipeline\r\n",
    }
    return {key: value for key, value in values.items() if value}


def write_tags(
    path: str | os.PathLike[str],
    tag_format: str,
    meta: TagMetadata,
    chapters: Sequence[Chapter],
    cover: CoverArt | None,
) -> None:
    """Tag a rendered file after encoding. RIFF tags are already in place (written by the muxer)."""
    if tag_format == "id3":
        tag_mp3(path, meta, chapters, cover)
    elif tag_format == "vorbis":
        tag_opus(path, meta, chapters, cover)
    elif tag_format not in ("riff", "none"):
        raise TaggingError(f"unknown tag format {tag_format!r}", path=path)


__all__ = [
    "Chapter",
    "CoverArt",
    "TagMetadata",
    "bext_text",
    "iso639_2",
    "load_chapters",
    "prepare_cover",
    "riff_metadata",
    "validate_chapters",
    "validate_date",
    "write_tags",
]
