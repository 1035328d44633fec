"""What the public episode player needs: waveform peaks, chapters and transcript cues.

Everything here reads plain data from an episode and its audio and returns plain lists and
dicts, so the templates (page, embed) and the tests share one source of truth. Parsed files are
cached under their storage name: a new upload gets a new name, so a cache entry never goes stale.

Chapters and transcripts are entered by editors on the episode (the feeds serve the same data
as ``podcast:chapters`` and ``podcast:transcript``). The readers below accept the shapes those
fields take: rows with a start time and a title, JSON chapters 1.2.0, WebVTT, SRT and the
Podcast Index JSON transcript format.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db.models import prefetch_related_objects

logger = logging.getLogger(__name__)

WAVEFORM_POINTS = 600
CACHE_SECONDS = 60 * 60 * 24 * 30
LOWBAND_PARAM = "audio"
LOWBAND_VALUE = "low"
PLAYBACK_RATES = ("0.75", "1", "1.25", "1.5", "1.75", "2")


# --- time --------------------------------------------------------------------------------


def seconds_of(value: Any) -> float | None:
    """A number of seconds from a float, a timedelta, a time of day or "hh:mm:ss.mmm" text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, datetime.time):
        return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    if isinstance(value, str):
        return parse_timestamp(value)
    return None


TIMESTAMP_RE = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?\s*$")


def parse_timestamp(text: str) -> float | None:
    """``01:02:03.500``, ``02:03,5`` or plain seconds (``93.5``)."""
    match = TIMESTAMP_RE.match(text)
    if match:
        hours, minutes, seconds, fraction = match.groups()
        total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
        if fraction:
            total += int(fraction.ljust(3, "0")) / 1000
        return float(total)
    try:
        return float(text)
    except ValueError:
        return None


def clock(seconds: float | None) -> str:
    """``1:05`` or ``1:02:05``: how a listener reads a position."""
    if seconds is None:
        return ""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def iso_duration(seconds: float | None) -> str:
    """ISO 8601 duration (``PT1M5S``) for schema.org."""
    if not seconds:
        return ""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"


# --- reading files -----------------------------------------------------------------------


def _file_of(value: Any):
    """A FieldFile from a FileField value, a Wagtail document, or None."""
    if value is None:
        return None
    if hasattr(value, "file") and not hasattr(value, "open"):  # a Document or a row with a file
        value = value.file
    if hasattr(value, "name") and hasattr(value, "open"):
        return value if value.name else None
    return None


def _read_text(field_file) -> str | None:
    try:
        with field_file.storage.open(field_file.name, "rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        logger.warning("Could not read %s", getattr(field_file, "name", field_file))
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _cached(kind: str, name: str, build):
    key = f"hub:player:{kind}:{hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    return value


# --- transcripts -------------------------------------------------------------------------

TAG_RE = re.compile(r"<[^>]*>")
VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
TIMING_RE = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)")


def _cue_text(lines: list[str]) -> str:
    text = " ".join(line.strip() for line in lines if line.strip())
    text = VOICE_RE.sub(lambda m: f"{m.group(1).strip()}: ", text, count=1)
    return html.unescape(TAG_RE.sub("", text)).strip()


def parse_timed_text(text: str) -> list[dict]:
    """Cues of a WebVTT or SRT file: ``[{"start", "end", "text"}]`` in time order.

    One tolerant reader serves both: blocks are separated by blank lines, a block's timing line
    is the one with ``-->``, the lines after it are the text. Header, NOTE, STYLE and REGION
    blocks have no timing line and are skipped.
    """
    cues = []
    blocks = re.split(r"\r?\n\s*\r?\n", text.replace("\r\n", "\n").strip())
    for block in blocks:
        lines = block.split("\n")
        for index, line in enumerate(lines):
            match = TIMING_RE.match(line)
            if not match:
                continue
            start, end = parse_timestamp(match.group(1)), parse_timestamp(match.group(2))
            body = _cue_text(lines[index + 1 :])
            if start is not None and body:
                cues.append({"start": start, "end": end if end is not None else start, "text": body})
            break
    cues.sort(key=lambda cue: cue["start"])
    return cues


def parse_json_transcript(text: str) -> list[dict]:
    """The Podcast Index JSON transcript format: ``{"segments": [{"startTime", "endTime", "body"}]}``."""
    try:
        data = json.loads(text)
    except ValueError:
        return []
    cues = []
    for segment in data.get("segments", []) if isinstance(data, dict) else []:
        start = seconds_of(segment.get("startTime"))
        end = seconds_of(segment.get("endTime"))
        body = str(segment.get("body", "")).strip()
        if segment.get("speaker") and body:
            body = f"{segment['speaker']}: {body}"
        if start is not None and body:
            cues.append({"start": start, "end": end if end is not None else start, "text": body})
    cues.sort(key=lambda cue: cue["start"])
    return _merge_words(cues)


def _merge_words(cues: list[dict], max_chars: int = 160) -> list[dict]:
    """JSON transcripts are often one word per segment: join them into readable lines."""
    if not cues or sum(len(cue["text"]) for cue in cues) / len(cues) > 20:
        return cues
    merged: list[dict] = []
    for cue in cues:
        last = merged[-1] if merged else None
        if last and len(last["text"]) + len(cue["text"]) < max_chars and not last["text"].endswith((".", "?", "!")):
            last["text"] += " " + cue["text"]
            last["end"] = cue["end"]
        else:
            merged.append(dict(cue))
    return merged


def parse_transcript(text: str, name: str = "") -> list[dict]:
    if name.lower().endswith(".json") or text.lstrip().startswith("{"):
        return parse_json_transcript(text)
    return parse_timed_text(text)


def cues_from_text(text: str, name: str = "") -> list[dict]:
    """Cues of transcript text: the feeds' strict WebVTT/SRT reader first, a tolerant one after."""
    if name.lower().endswith(".json") or text.lstrip().startswith("{"):
        return parse_json_transcript(text)
    try:
        from hub.feeds.transcripts import TranscriptError, parse
    except ImportError:  # pragma: no cover - the feeds app is part of the hub
        return parse_timed_text(text)
    try:
        _format, cues = parse(text)
    except TranscriptError:
        return parse_timed_text(text)
    return [
        {"start": cue.start, "end": cue.end, "text": f"{cue.speaker}: {cue.text}" if cue.speaker else cue.text}
        for cue in cues
        if cue.text
    ]


def _transcript_candidates(episode) -> Iterable[Any]:
    """Transcript sources on the episode, best first: the page's language (or none given) first."""
    language = getattr(getattr(episode, "locale", None), "language_code", None)
    for attribute in ("transcripts", "transcript_files"):
        related = getattr(episode, attribute, None)
        if related is not None and hasattr(related, "all"):
            rows = list(related.all())
            rows.sort(key=lambda row: (getattr(row, "language", "") not in ("", language), _format_rank(row)))
            yield from rows
    for attribute in ("transcript", "transcript_file", "transcript_vtt", "transcript_srt"):
        value = getattr(episode, attribute, None)
        if value is not None:
            yield value


def _format_rank(row) -> int:
    fmt = (getattr(row, "format", "") or getattr(getattr(row, "file", None), "name", "") or "").lower()
    return 0 if fmt.endswith("vtt") else 1 if fmt.endswith("srt") else 2


def _text_of(candidate) -> tuple[str, str] | None:
    """(text, cache name) of a transcript held as text in a row or field, or None."""
    for attribute in ("content", "text", "body"):
        value = getattr(candidate, attribute, None)
        if isinstance(value, str) and value.strip():
            return value, ""
    if isinstance(candidate, str) and candidate.strip():
        return candidate, ""
    return None


def episode_transcript_cues(episode) -> list[dict]:
    """The episode's transcript as timed cues ``[{"start", "end", "text"}]``, or ``[]``."""
    if episode is None:
        return []
    for candidate in _transcript_candidates(episode):
        held = _text_of(candidate)
        if held is not None:
            text, _name = held
            digest = hashlib.sha256(text.encode()).hexdigest()
            cues = _cached("transcript-text", digest, lambda text=text: cues_from_text(text))
        else:
            field_file = _file_of(candidate)
            if field_file is None:
                continue

            def build(field_file=field_file):
                text = _read_text(field_file)
                return cues_from_text(text, field_file.name) if text else []

            cues = _cached("transcript", field_file.name, build)
        if cues:
            return cues
    return []


# --- chapters ----------------------------------------------------------------------------


def parse_json_chapters(text: str) -> list[dict]:
    """JSON chapters 1.2.0: ``{"version": "1.2.0", "chapters": [{"startTime", "title"}]}``."""
    try:
        data = json.loads(text)
    except ValueError:
        return []
    items = data.get("chapters", []) if isinstance(data, dict) else data if isinstance(data, list) else []
    return _normalise_chapters(items)


def _chapter_of(item: Any) -> dict | None:
    def pick(*names):
        for name in names:
            value = item.get(name) if isinstance(item, dict) else getattr(item, name, None)
            if value not in (None, ""):
                return value
        return None

    toc = item.get("toc") if isinstance(item, dict) else getattr(item, "toc", True)
    if toc is False:  # silent markers (an image change) are not in the table of contents
        return None
    start = seconds_of(pick("start_seconds", "start_time", "startTime", "start", "starts_at", "time"))
    title = pick("title", "name")
    if start is None or not title:
        return None
    return {"start": max(start, 0.0), "title": str(title)}


def _normalise_chapters(items: Iterable[Any]) -> list[dict]:
    chapters = [chapter for item in items if (chapter := _chapter_of(item))]
    chapters.sort(key=lambda chapter: chapter["start"])
    return chapters


def episode_chapters(episode) -> list[dict]:
    """The episode's chapters ``[{"start", "title"}]`` in time order, or ``[]``."""
    if episode is None:
        return []
    value = getattr(episode, "chapters", None)
    if value is not None:
        if hasattr(value, "all"):  # rows entered in the admin (an inline panel)
            return _normalise_chapters(value.all())
        if isinstance(value, list | tuple):  # a JSON field or a StreamField of chapter blocks
            return _normalise_chapters(getattr(item, "value", item) for item in value)
        if isinstance(value, str) and value.strip():
            return parse_json_chapters(value)
        if hasattr(value, "raw_data") or hasattr(value, "stream_data"):
            return _normalise_chapters(block.value for block in value)
    for attribute in ("chapters_file", "chapters_json"):
        field_file = _file_of(getattr(episode, attribute, None))
        if field_file is not None:
            return _cached(
                "chapters",
                field_file.name,
                lambda field_file=field_file: parse_json_chapters(_read_text(field_file) or ""),
            )
    return []


def with_ends(chapters: list[dict], duration: float | None) -> list[dict]:
    """Each chapter also gets its end (the next one's start, or the end of the audio)."""
    result = []
    for index, chapter in enumerate(chapters):
        end = chapters[index + 1]["start"] if index + 1 < len(chapters) else duration
        result.append({**chapter, "end": end, "clock": clock(chapter["start"])})
    return result


# --- waveform ----------------------------------------------------------------------------


def reduce_peaks(data: dict, points: int = WAVEFORM_POINTS) -> list[float]:
    """Fold audiowaveform JSON (v1 or v2) into ``points`` peak amplitudes between 0 and 1.

    Each output point is the largest absolute sample of all channels in its span, so a short
    loud sound is never lost by the reduction. wavesurfer.js mirrors one channel of peaks.
    """
    values = data.get("data") or []
    channels = int(data.get("channels", 1) or 1)
    bits = int(data.get("bits", 8) or 8)
    full_scale = float((1 << (bits - 1)) - 1)
    stride = 2 * channels
    pixels = len(values) // stride
    if pixels == 0:
        return []
    amplitude = [
        max(abs(values[pixel * stride + offset]) for offset in range(stride)) / full_scale for pixel in range(pixels)
    ]
    points = max(1, min(points, pixels))
    result = []
    for index in range(points):
        start = index * pixels // points
        end = max(start + 1, (index + 1) * pixels // points)
        result.append(round(min(max(amplitude[start:end]), 1.0), 3))
    return result


def waveform_peaks(audio, points: int = WAVEFORM_POINTS) -> list[float]:
    """Reduced peaks of an audio asset's waveform file (empty when there is none)."""
    field_file = getattr(audio, "peaks", None)
    if not field_file or not getattr(field_file, "name", ""):
        return []

    def build():
        text = _read_text(field_file)
        if not text:
            return []
        try:
            return reduce_peaks(json.loads(text), points)
        except (ValueError, TypeError, AttributeError):
            logger.warning("Unreadable waveform peaks in %s", field_file.name)
            return []

    return _cached(f"peaks{points}", field_file.name, build)


# --- the player as a whole ---------------------------------------------------------------


def _rendition_data(rendition) -> dict | None:
    if rendition is None or not rendition.file:
        return None
    from hub.access.views import audio_url

    return {
        "url": audio_url(rendition),
        "mime_type": rendition.mime_type,
        "size_bytes": rendition.size_bytes,
        "bitrate": rendition.bitrate,
        "extension": rendition.extension.lstrip(".").upper(),
    }


def audio_player(audio, *, lowband: bool = False, chapters=None, cues=None) -> dict | None:
    """Everything a template needs to play one recording, or None if it cannot be played yet."""
    if audio is None or not getattr(audio, "is_ready", False):
        return None
    if "renditions" not in getattr(audio, "_prefetched_objects_cache", {}):
        prefetch_related_objects([audio], "renditions")  # one query for all presets
    mp3 = _rendition_data(audio.podcast_rendition)
    opus = _rendition_data(audio.opus_rendition)
    if mp3 is None and opus is None:
        return None
    duration = audio.duration_seconds or (audio.podcast_rendition and audio.podcast_rendition.duration_seconds)
    sources = [source for source in ((opus, mp3) if lowband else (mp3, opus)) if source]
    chapter_list = with_ends(chapters or [], duration)
    cue_list = [{**cue, "clock": clock(cue["start"])} for cue in (cues or [])]
    return {
        "id": audio.pk,
        "duration": duration,
        "duration_clock": clock(duration),
        "mp3": mp3,
        "opus": opus,
        "sources": sources,
        "primary": sources[0],
        "lowband": bool(lowband and opus),
        "peaks": waveform_peaks(audio),
        "peaks_id": f"peaks-{audio.pk}",
        "rates": PLAYBACK_RATES,
        "chapters": chapter_list,
        "cues": cue_list,
    }


def wants_lowband(request) -> bool:
    return request is not None and request.GET.get(LOWBAND_PARAM) == LOWBAND_VALUE


def episode_player(episode, request=None) -> dict | None:
    """The player of an episode page: its audio, chapters and transcript (if the visitor may hear it)."""
    audio = getattr(episode, "audio", None)
    if audio is not None and request is not None:
        from hub.access.policy import WEBSITE, Viewer, may_see

        if not may_see(Viewer.of(request), audio, WEBSITE):
            return None
    return audio_player(
        audio,
        lowband=wants_lowband(request),
        chapters=episode_chapters(episode),
        cues=episode_transcript_cues(episode),
    )
