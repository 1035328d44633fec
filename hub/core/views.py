"""Public media serving for the embedded setup (production serves it from object storage).

``ranged_file_response`` is the one place that answers HEAD, conditional and byte-range
requests for a file; ``serve_media`` (MEDIA_URL), the feeds' enclosures and the partners'
token-checked downloads all use it.
"""

import mimetypes
import re
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils._os import safe_join
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.http import require_safe

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


class RangeFileWrapper:
    """Iterate over ``length`` bytes of a file from ``start``, in chunks.

    ``sent`` counts the bytes handed to the server; ``on_close(sent)`` runs once when the
    response is closed (after the last chunk, or when the client went away).
    """

    def __init__(self, handle, start: int, length: int, on_close: Callable[[int], None] | None = None):
        self.handle = handle
        self.remaining = length
        self.sent = 0
        self.on_close = on_close
        handle.seek(start)

    def __iter__(self):
        while self.remaining > 0:
            data = self.handle.read(min(CHUNK, self.remaining))
            if not data:
                break
            self.remaining -= len(data)
            self.sent += len(data)
            yield data

    def close(self):
        self.handle.close()
        if self.on_close is not None:
            callback, self.on_close = self.on_close, None
            callback(self.sent)


def _if_none_match(header: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 13.1.2): W/ prefixes and compression suffixes are ignored."""
    wanted = etag.removeprefix("W/").strip('"')
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*":
            return True
        if candidate.removeprefix("W/").strip('"') == wanted:
            return True
    return False


def _if_range_matches(header: str | None, etag: str | None, last_modified: float | None) -> bool:
    """RFC 9110 13.1.5: may the Range be honoured? Strong comparison of an entity tag; a date must be
    exactly the Last-Modified time. Anything else (a weak tag, an unparsable date) means no."""
    if header is None:
        return True
    header = header.strip()
    if header.startswith(('"', "W/")):
        return bool(etag) and not header.startswith("W/") and not etag.startswith("W/") and header == etag
    parsed = parse_http_date_safe(header)
    return parsed is not None and last_modified is not None and parsed == int(last_modified)


def ranged_file_response(
    request,
    open_file: Callable[[], object],
    *,
    size: int,
    content_type: str,
    etag: str | None = None,
    last_modified: float | None = None,
    on_close: Callable[[int, int], None] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """Answer GET/HEAD for a file of ``size`` bytes with conditional GET, If-Range and one byte range.

    ``open_file`` returns a binary, seekable handle; it is called only when bytes are sent.
    ``on_close(status, bytes_sent)`` is called once the body has been sent (GET only).
    Django's FileResponse ignores Range; podcast apps and browsers seeking in audio need it.
    """
    common = {"Accept-Ranges": "bytes", **(headers or {})}
    if etag:
        common["ETag"] = etag
    if last_modified is not None:
        common["Last-Modified"] = http_date(last_modified)

    if etag and _if_none_match(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponse(status=304)
        for header, value in common.items():
            response[header] = value
        return response

    range_header = request.headers.get("Range", "")
    if range_header and not _if_range_matches(request.headers.get("If-Range"), etag, last_modified):
        range_header = ""  # the client's copy is of another version: send the whole new file
    match = RANGE_RE.match(range_header.strip()) if range_header else None
    if range_header and match and (match.group(1) or match.group(2)):
        first, last = match.groups()
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        else:  # suffix range: the last N bytes
            start = max(size - int(last), 0)
            end = size - 1
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        status, length = 206, end - start + 1
        common["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        status, start, length = 200, 0, size
    common["Content-Length"] = str(length)

    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type=content_type)
    elif status == 200 and on_close is None:
        # The whole file and nothing to count: let the server use sendfile when it can.
        response = FileResponse(open_file(), content_type=content_type)
    else:
        callback = (lambda sent: on_close(status, sent)) if on_close is not None else None
        response = StreamingHttpResponse(
            RangeFileWrapper(open_file(), start, length, callback), status=status, content_type=content_type
        )
    for header, value in common.items():
        response[header] = value
    return response


def is_public_media(path: str) -> bool:
    """Only these folders of MEDIA_ROOT are public (image renditions, published feed files)."""
    prefixes = getattr(settings, "HUB_PUBLIC_MEDIA_PREFIXES", ())
    return any(path.startswith(prefix) for prefix in prefixes) and ".." not in path.split("/")


@require_safe
def serve_media(request, path):
    """Serve a public file from MEDIA_ROOT with HEAD, conditional GET, If-Range and byte ranges.

    Only ``HUB_PUBLIC_MEDIA_PREFIXES`` are served. Everything else in MEDIA_ROOT (Wagtail
    documents, original images) is a 404 here: documents go through Wagtail's serve view, which
    checks their collection's privacy and hub.access.policy; audio lives outside MEDIA_ROOT.
    """
    if not is_public_media(path):
        raise Http404
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception as exc:  # SuspiciousFileOperation on traversal attempts
        raise Http404 from exc
    if not full_path.is_file():
        raise Http404
    stat = full_path.stat()
    return ranged_file_response(
        request,
        lambda: full_path.open("rb"),
        size=stat.st_size,
        content_type=mimetypes.guess_type(full_path.name)[0] or "application/octet-stream",
        etag=f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"',
        last_modified=stat.st_mtime,
    )
