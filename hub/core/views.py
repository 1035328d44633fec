"""Media serving for the embedded setup (production serves media from object storage)."""

import mimetypes
import re
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.decorators.http import require_safe

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


class RangeFileWrapper:
    """Iterate over ``length`` bytes of a file from ``start``, in chunks."""

    def __init__(self, handle, start: int, length: int):
        self.handle = handle
        self.remaining = length
        handle.seek(start)

    def __iter__(self):
        while self.remaining > 0:
            data = self.handle.read(min(CHUNK, self.remaining))
            if not data:
                break
            self.remaining -= len(data)
            yield data

    def close(self):
        self.handle.close()


@require_safe
def serve_media(request, path):
    """Serve a file from MEDIA_ROOT with HEAD and single byte-range support.

    Django's FileResponse ignores Range; podcast apps and browsers seeking in audio need it.
    """
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception as exc:  # SuspiciousFileOperation on traversal attempts
        raise Http404 from exc
    if not full_path.is_file():
        raise Http404
    stat = full_path.stat()
    size = stat.st_size
    content_type = mimetypes.guess_type(full_path.name)[0] or "application/octet-stream"
    last_modified = http_date(stat.st_mtime)
    etag = f'"{stat.st_mtime_ns:x}-{size:x}"'

    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response

    range_header = request.headers.get("Range", "")
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
        length = end - start + 1
        handle = full_path.open("rb")
        response = FileResponse(RangeFileWrapper(handle, start, length), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(length)
    else:
        response = FileResponse(full_path.open("rb"), content_type=content_type)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    response["Last-Modified"] = last_modified
    response["ETag"] = etag
    if request.method == "HEAD":
        response.close()
        head = HttpResponse(status=response.status_code, content_type=content_type)
        for header, value in response.items():
            head[header] = value
        return head
    return response
