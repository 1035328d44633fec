"""Search result excerpts with the query's words marked.

The database search backend has no highlighter, so we build excerpts ourselves: take a page's
readable text, find the first place where a query word occurs, cut a window of words around it
and wrap every occurrence in ``<mark>``. Everything else is escaped.
"""

from __future__ import annotations

import html
import re
import unicodedata

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

EXCERPT_CHARS = 240
APOSTROPHES = "'\u2019"
WORD_RE = re.compile(r"[\w" + APOSTROPHES + r"-]+", re.UNICODE)


def query_terms(query: str) -> list[str]:
    """The words of a query, longest first (so "volunteering" wins over "volunteer")."""
    words = {word.strip("-" + APOSTROPHES) for word in WORD_RE.findall(unicodedata.normalize("NFC", query))}
    return sorted((word for word in words if len(word) >= 2), key=len, reverse=True)


def _pattern(terms: list[str]) -> re.Pattern | None:
    if not terms:
        return None
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE | re.UNICODE)


def plain(text) -> str:
    """Readable text from HTML or rich text: tags dropped, entities decoded, spaces collapsed."""
    text = html.unescape(strip_tags(str(text or "")))
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def mark(text: str, terms: list[str]) -> SafeString:
    """Escape ``text`` and wrap each occurrence of a term in ``<mark>``."""
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def excerpt(text: str, terms: list[str], size: int = EXCERPT_CHARS) -> SafeString:
    """A window of about ``size`` characters around the first match, cut at word boundaries."""
    text = plain(text)
    if not text:
        return mark_safe("")
    pattern = _pattern(terms)
    found = pattern.search(text) if pattern else None
    if found is None or len(text) <= size:
        start = 0
    else:
        start = max(0, found.start() - size // 3)
        space = text.rfind(" ", 0, start)
        start = space + 1 if space > 0 else 0
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    window = text[start:end]
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(escape(prefix) + mark(window, terms) + escape(suffix))  # noqa: S308


def page_text(page) -> str:
    """The text a visitor would read on a page, in reading order, for excerpts."""
    parts = [getattr(page, name, "") for name in ("summary", "intro", "description")]
    if not any(parts):
        parts.append(getattr(page, "search_description", ""))
    for name in ("show_notes", "aims"):
        parts.append(getattr(page, name, ""))
    body = getattr(page, "body", None)
    if body is not None and hasattr(body, "raw_data"):
        for block in body.raw_data:
            value = block.get("value")
            if isinstance(value, str):
                parts.append(value)
            elif isinstance(value, dict):
                parts.extend(str(value.get(key, "")) for key in ("text", "caption", "attribution"))
    for name in ("storyteller_name", "city"):
        parts.append(getattr(page, name, ""))
    return " ".join(plain(part) for part in parts if part)
