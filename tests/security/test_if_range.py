"""If-Range on enclosures and the audio route: a resumed download of a changed file starts over.

RFC 9110 13.1.5: the Range is honoured only if the validator matches the current file: a strong
entity tag compared strongly, or a date equal to Last-Modified. Otherwise the answer is 200 with
the whole current file, never a 206 of the new bytes glued onto the old ones.
"""

import datetime
import hashlib
import os

import pytest
from django.utils.http import http_date

from hub.ops.storage import private_storage

pytestmark = pytest.mark.django_db


def _replace_file(rendition, data: bytes):
    """The rendition is reprocessed: new bytes, a new digest, a new time."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from hub.audio.models import Rendition

    storage = private_storage()
    storage.delete(rendition.file.name)
    storage.save(rendition.file.name, ContentFile(data))
    # Reprocessing takes longer than a second; HTTP dates have whole seconds, so the new time is set
    # past the second of the first answer rather than depending on how fast the test runs.
    later = timezone.now() + datetime.timedelta(seconds=2)
    path = storage.path(rendition.file.name)
    os.utime(path, (later.timestamp(), later.timestamp()))
    Rendition.objects.filter(pk=rendition.pk).update(
        sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), created_at=later
    )


@pytest.mark.parametrize("route", ["enclosure", "audio"])
def test_if_range_with_a_strong_etag_and_with_a_date(world, client, route):
    from tests.feeds.conftest import make_episode

    episode = make_episode(world.show, title=f"Resumed download {route}", slug=f"resumed-{route}")
    rendition = episode.audio.renditions.get(preset="podcast-mp3")
    url = f"/feeds/episodes/{episode.pk}.mp3" if route == "enclosure" else f"/audio/{episode.audio.pk}/podcast-mp3.mp3"

    first = client.get(url)
    old = b"".join(first.streaming_content)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and len(old) == rendition.size_bytes

    same = client.get(url, headers={"Range": "bytes=100-199", "If-Range": etag})
    assert same.status_code == 206 and b"".join(same.streaming_content) == old[100:200]
    dated = client.get(url, headers={"Range": "bytes=100-199", "If-Range": modified})
    assert dated.status_code == 206 and b"".join(dated.streaming_content) == old[100:200]
    weak = client.get(url, headers={"Range": "bytes=100-199", "If-Range": "W/" + etag})
    assert weak.status_code == 200, "a weak tag never validates a range"

    new = hashlib.sha256(b"new version").digest() * 700
    _replace_file(rendition, new)
    for validator in (etag, modified, http_date(0)):
        response = client.get(url, headers={"Range": "bytes=100-199", "If-Range": validator})
        assert response.status_code == 200, validator
        assert int(response["Content-Length"]) == len(new)
        assert b"".join(response.streaming_content) == new, "the whole new file, not a piece of it"
    fresh = client.get(url, headers={"Range": "bytes=100-199", "If-Range": client.get(url)["ETag"]})
    assert fresh.status_code == 206 and b"".join(fresh.streaming_content) == new[100:200]
