"""Transcripts: WebVTT and SRT in, WebVTT, SRT and the Podcast Index JSON transcript out.

Editors upload either WebVTT or SRT. The upload is parsed (and so validated) here, and the hub
serves it three ways: as uploaded, converted to the other caption format, and as the JSON
transcript format of the podcast namespace (``version`` 1.0.0, ``segments`` with ``speaker``,
``startTime``, ``endTime``, ``body``). Pure functions; only the error messages use gettext.

Converted captions carry plain text: inline styling (``<i>``, ``<b>``, SRT ``<font>``) is
dropped, a WebVTT voice (``<v Name>``) becomes the speaker (written as ``Name: `` in SRT).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

VTT = "vtt"
SRT = "srt"
CONTENT_TYPES = {
    VTT: "text/vtt; charset=utf-8",
    SRT: "application/x-subrip; charset=utf-8",
    "json": "application/json",
}
# The MIME types the podcast namespace names for <podcast:transcript type="...">.
FEED_TYPES = {VTT: "text/vtt", SRT: "application/x-subrip", "json": "application/json"}
MAX_BYTES = 5 * 1024 * 1024

_VTT_TIME = r"(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_VTT_TIMING = re.compile(rf"^{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t]+.*)?$")
_SRT_TIME = r"(\d{1,3}):([0-5]?\d):([0-5]?\d)[,.](\d{1,3})"
_SRT_TIMING = re.compile(rf"^{_SRT_TIME}\s*-->\s*{_SRT_TIME}(?:\s+.*)?$")
_VOICE = re.compile(r"^<v(?:\.[^\s>]*)*(?:[ \t]+([^>]*))?>")
_TAG = re.compile(r"<[^>]*>")
_SRT_BRACES = re.compile(r"\{\\[^}]*\}")


class TranscriptError(ValueError):
    """The file is not a usable transcript; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    speaker: str = ""


def decode(data: bytes) -> str:
    """Text of an uploaded file: UTF-8 (with or without BOM) or UTF-16 with BOM."""
    if len(data) > MAX_BYTES:
        raise TranscriptError(_("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)})
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise TranscriptError(_("The file is not valid UTF-16 text.")) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TranscriptError(_("The file is not UTF-8 text."), line) from exc


def detect_format(text: str) -> str:
    head = text.lstrip("\ufeff")
    if head.startswith("WEBVTT") and (len(head) == 6 or head[6] in " \t\r\n"):
        return VTT
    return SRT


def parse(text: str) -> tuple[str, list[Cue]]:
    """The format and the cues of a WebVTT or SRT transcript; TranscriptError if it is neither."""
    fmt = detect_format(text)
    cues = parse_vtt(text) if fmt == VTT else parse_srt(text)
    return fmt, cues


def _blocks(text: str):
    """Blocks of non-blank lines, with the 1-based number of their first line."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    block: list[str] = []
    first = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not block:
                first = number
            block.append(line)
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def _seconds(hours, minutes, seconds, millis) -> float:
    millis = (millis or "0").ljust(3, "0")
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _clean_payload(lines: list[str]) -> tuple[str, str]:
    """Plain text and speaker of a cue payload."""
    text = "\n".join(line.strip() for line in lines)
    speaker = ""
    voice = _VOICE.match(text)
    if voice:
        speaker = html.unescape(voice.group(1) or "").strip()
    text = _SRT_BRACES.sub("", _TAG.sub("", text))
    return html.unescape(text).strip(), speaker


def _check_order(cues: list[Cue], start: float, end: float, line: int) -> None:
    if end <= start:
        raise TranscriptError(_("A cue ends before it starts."), line)
    if cues and start < cues[-1].start:
        raise TranscriptError(_("Cues are not in time order."), line)


def parse_vtt(text: str) -> list[Cue]:
    blocks = list(_blocks(text))
    if not blocks or not blocks[0][1][0].lstrip("\ufeff").startswith("WEBVTT"):
        raise TranscriptError(_("A WebVTT file starts with the line WEBVTT."), 1)
    header_line, header = blocks[0]
    cues: list[Cue] = []
    # Lines after WEBVTT in the header block are header metadata; a cue may not start there.
    if any("-->" in line for line in header[1:]):
        raise TranscriptError(_("Leave an empty line between WEBVTT and the first cue."), header_line + 1)
    for first, block in blocks[1:]:
        keyword = block[0].split(maxsplit=1)[0] if block[0].split() else ""
        if keyword in {"NOTE", "STYLE", "REGION"} and "-->" not in block[0]:
            continue
        timing_index = 0 if "-->" in block[0] else 1
        if timing_index >= len(block) or "-->" not in block[timing_index]:
            raise TranscriptError(_("Expected a cue timing line such as 00:00:01.000 --> 00:00:04.000."), first)
        timing = _VTT_TIMING.match(block[timing_index].strip())
        if not timing:
            raise TranscriptError(
                _("Cue timing is not valid WebVTT (hh:mm:ss.ttt --> hh:mm:ss.ttt)."), first + timing_index
            )
        groups = timing.groups()
        start, end = _seconds(*groups[:4]), _seconds(*groups[4:])
        _check_order(cues, start, end, first + timing_index)
        body, speaker = _clean_payload(block[timing_index + 1 :])
        cues.append(Cue(start, end, body, speaker))
    if not cues:
        raise TranscriptError(_("The file has no cues."))
    return cues


def parse_srt(text: str) -> list[Cue]:
    cues: list[Cue] = []
    for first, block in _blocks(text):
        timing_index = 1 if block[0].strip().isdigit() else 0
        if timing_index >= len(block):
            raise TranscriptError(_("A numbered block has no timing line."), first)
        timing = _SRT_TIMING.match(block[timing_index].strip())
        if not timing:
            raise TranscriptError(
                _("This is neither WebVTT nor SRT: expected a timing line such as 00:00:01,000 --> 00:00:04,000."),
                first + timing_index,
            )
        groups = timing.groups()
        start, end = _seconds(*groups[:4]), _seconds(*groups[4:])
        _check_order(cues, start, end, first + timing_index)
        body, speaker = _clean_payload(block[timing_index + 1 :])
        cues.append(Cue(start, end, body, speaker))
    if not cues:
        raise TranscriptError(_("The file has no cues."))
    return cues


def _timestamp(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _vtt_escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("--&gt;", "-&gt;")


def to_vtt(cues: list[Cue]) -> str:
    parts = ["WEBVTT", ""]
    for cue in cues:
        parts.append(f"{_timestamp(cue.start, '.')} --> {_timestamp(cue.end, '.')}")
        body = _vtt_escape(cue.text)
        if cue.speaker:
            body = f"<v {_vtt_escape(cue.speaker)}>{body}"
        if body:
            parts.append(body)
        parts.append("")
    return "\n".join(parts)


def to_srt(cues: list[Cue]) -> str:
    parts = []
    for number, cue in enumerate(cues, start=1):
        body = f"{cue.speaker}: {cue.text}" if cue.speaker else cue.text
        # A blank line would end the cue early: keep the text's lines together.
        body = "\n".join(line for line in body.split("\n") if line.strip())
        parts.append(f"{number}\n{_timestamp(cue.start, ',')} --> {_timestamp(cue.end, ',')}\n{body}\n")
    return "\n".join(parts)


def to_json(cues: list[Cue]) -> str:
    segments = []
    for cue in cues:
        segment = {"startTime": round(cue.start, 3), "endTime": round(cue.end, 3), "body": cue.text}
        if cue.speaker:
            segment = {"speaker": cue.speaker, **segment}
        segments.append(segment)
    return json.dumps({"version": "1.0.0", "segments": segments}, ensure_ascii=False)


def render(text: str, target: str) -> str:
    """The transcript ``text`` in the ``target`` format (the text itself when it already is)."""
    fmt, cues = parse(text)
    if target == fmt:
        return text.lstrip("\ufeff")
    if target == VTT:
        return to_vtt(cues)
    if target == SRT:
        return to_srt(cues)
    if target == "json":
        return to_json(cues)
    raise ValueError(f"Unknown transcript format {target!r}")
