"""Handing over a file the policy has allowed, as efficiently as the deployment can.

Three ways, chosen by the storage and the settings, never by the caller:

- object storage: a redirect to a presigned URL of the private bucket that expires after
  ``HUB_AUDIO_URL_SECONDS`` (the bucket itself refuses every unsigned request);
- behind nginx with ``HUB_ACCEL_REDIRECT_LOCATION`` set: an empty response whose
  ``X-Accel-Redirect`` header names the file under nginx's ``internal`` location, so nginx sends
  the bytes (with HEAD, Range and If-Range) and the web worker is free at once;
- otherwise the hub sends the bytes itself (:func:`hub.core.views.ranged_file_response`).

The policy is asked on every request, so releasing, an embargo's end, a withdrawal or a takedown
changes the answer of the very next request.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect

from hub.core.views import ranged_file_response
from hub.ops.storage import is_object_storage, presigned_url

DEFAULT_URL_SECONDS = 900


def url_seconds() -> int:
    return int(getattr(settings, "HUB_AUDIO_URL_SECONDS", DEFAULT_URL_SECONDS))


def _accel_location(storage) -> str:
    location = getattr(settings, "HUB_ACCEL_REDIRECT_LOCATION", "") or ""
    if not location or is_object_storage(storage):
        return ""
    try:
        storage.path("x")
    except NotImplementedError:
        return ""
    return location.rstrip("/") + "/"


def deliver(
    request,
    field_file,
    *,
    content_type: str,
    etag: str | None = None,
    last_modified: float | None = None,
    headers: dict[str, str] | None = None,
    download_name: str = "",
    on_close=None,
    seconds: int | None = None,
) -> HttpResponse | None:
    """A response that hands ``field_file`` over; None when the file is missing."""
    storage, name = field_file.storage, field_file.name
    headers = dict(headers or {})
    if is_object_storage(storage):
        response = HttpResponseRedirect(
            presigned_url(name, storage=storage, seconds=seconds or url_seconds(), download_name=download_name)
        )
        for header in ("Access-Control-Allow-Origin", "X-Robots-Tag", "Referrer-Policy"):
            if header in headers:
                response[header] = headers[header]
        # The signed URL is for this client and expires: no shared cache may keep the redirect.
        response["Cache-Control"] = "private, no-store"
        return response
    if not storage.exists(name):
        return None
    if location := _accel_location(storage):
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = location + quote(name)
        for header, value in headers.items():
            response[header] = value
        if etag:
            response["ETag"] = etag
        return response
    return ranged_file_response(
        request,
        lambda: storage.open(name, "rb"),
        size=storage.size(name),
        content_type=content_type,
        etag=etag,
        last_modified=last_modified,
        on_close=on_close,
        headers=headers,
    )


def rendition_etag(rendition) -> str:
    """Strong: the rendition's content digest, so a reprocessed file gets a new one."""
    return f'"{rendition.sha256[:32]}"'


def deliver_rendition(
    request, rendition, *, headers: dict, download_name: str = "", on_close=None, seconds: int | None = None
):
    return deliver(
        request,
        rendition.file,
        content_type=rendition.mime_type,
        etag=rendition_etag(rendition),
        last_modified=rendition.created_at.timestamp(),
        headers=headers,
        download_name=download_name,
        on_close=on_close,
        seconds=seconds,
    )
