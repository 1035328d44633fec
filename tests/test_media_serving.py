"""The embedded setup serves public media with HEAD and byte ranges, as podcast apps need.

Only the public folders (HUB_PUBLIC_MEDIA_PREFIXES) are served; audio is in the private storage
and has its own policy-checked route (tests/security).
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

pytestmark = pytest.mark.django_db

PAYLOAD = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def media_file():
    name = default_storage.save("episodes/0/test-range.mp3", ContentFile(PAYLOAD))
    yield f"/media/{name}"
    default_storage.delete(name)


def test_full_get(client, media_file):
    response = client.get(media_file)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PAYLOAD
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "audio/mpeg"
    assert int(response["Content-Length"]) == len(PAYLOAD)


def test_first_two_bytes(client, media_file):
    response = client.get(media_file, headers={"Range": "bytes=0-1"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-1/{len(PAYLOAD)}"
    assert b"".join(response.streaming_content) == PAYLOAD[:2]


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=100-199", 100, 199),
        ("bytes=10000-", 10000, 10239),
        ("bytes=-40", 10200, 10239),
        ("bytes=10200-99999", 10200, 10239),
    ],
)
def test_ranges(client, media_file, header, start, end):
    response = client.get(media_file, headers={"Range": header})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(PAYLOAD)}"
    assert int(response["Content-Length"]) == end - start + 1
    assert b"".join(response.streaming_content) == PAYLOAD[start : end + 1]


def test_unsatisfiable_range(client, media_file):
    response = client.get(media_file, headers={"Range": f"bytes={len(PAYLOAD)}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(PAYLOAD)}"


def test_head_sends_headers_only(client, media_file):
    response = client.head(media_file)
    assert response.status_code == 200
    assert int(response["Content-Length"]) == len(PAYLOAD)
    assert response.content == b""


def test_conditional_get(client, media_file):
    etag = client.get(media_file)["ETag"]
    assert client.get(media_file, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("path", ["/media/../hub/settings/base.py", "/media/missing.mp3", "/media/audio/"])
def test_outside_or_missing_is_404(client, path):
    assert client.get(path, follow=True).status_code == 404


@pytest.mark.parametrize(
    "name", ["audio/renditions/1/x/podcast-mp3.mp3", "documents/plan.pdf", "original_images/a.png"]
)
def test_folders_outside_the_public_prefixes_are_not_served(client, name):
    stored = default_storage.save(name, ContentFile(PAYLOAD))
    try:
        assert client.get(f"/media/{stored}").status_code == 404
        assert client.head(f"/media/{stored}").status_code == 404
    finally:
        default_storage.delete(stored)
