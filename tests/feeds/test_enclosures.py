"""Enclosures: stable URLs ending in the real extension, real length, HEAD and byte ranges."""

from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import make_episode, payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(show):
    return make_episode(show)


def mp3_of(episode):
    return episode.audio.renditions.get(preset="podcast-mp3")


def test_full_download(client, episode):
    rendition = mp3_of(episode)
    response = client.get(f"/feeds/episodes/{episode.pk}.mp3")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == payload("podcast-mp3", episode.audio.pk, 20_000)
    assert len(body) == rendition.size_bytes == int(response["Content-Length"])
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] == f'"{rendition.sha256[:32]}"'


def test_first_two_bytes(client, episode):
    response = client.get(f"/feeds/episodes/{episode.pk}.mp3", headers={"Range": "bytes=0-1"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-1/{mp3_of(episode).size_bytes}"
    assert b"".join(response.streaming_content) == payload("podcast-mp3", episode.audio.pk, 20_000)[:2]


def test_suffix_and_open_ranges(client, episode):
    data = payload("podcast-mp3", episode.audio.pk, 20_000)
    tail = client.get(f"/feeds/episodes/{episode.pk}.mp3", headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == data[-100:]
    rest = client.get(f"/feeds/episodes/{episode.pk}.mp3", headers={"Range": "bytes=19990-"})
    assert b"".join(rest.streaming_content) == data[19990:]


def test_unsatisfiable_range(client, episode):
    response = client.get(f"/feeds/episodes/{episode.pk}.mp3", headers={"Range": "bytes=20000-"})
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */20000"


def test_head(client, episode):
    response = client.head(f"/feeds/episodes/{episode.pk}.mp3")
    assert response.status_code == 200
    assert response["Content-Length"] == "20000"
    assert response.content == b""
    ranged = client.head(f"/feeds/episodes/{episode.pk}.mp3", headers={"Range": "bytes=0-1"})
    assert ranged.status_code == 206 and ranged["Content-Length"] == "2"


def test_conditional(client, episode):
    etag = client.head(f"/feeds/episodes/{episode.pk}.mp3")["ETag"]
    assert client.get(f"/feeds/episodes/{episode.pk}.mp3", headers={"If-None-Match": etag}).status_code == 304


def test_opus_alternate(client, episode):
    response = client.get(f"/feeds/episodes/{episode.pk}.opus", headers={"Range": "bytes=0-3"})
    assert response.status_code == 206
    assert response["Content-Type"] == "audio/ogg; codecs=opus"


@pytest.mark.parametrize("ext", ["wav", "ogg", "exe", "MP3"])
def test_other_extensions_are_not_served(client, episode, ext):
    """The broadcast WAV is for partners only; anything else is not an enclosure."""
    assert client.get(f"/feeds/episodes/{episode.pk}.{ext}").status_code == 404


def test_unpublished_or_embargoed_audio_is_not_served(client, show):
    draft = make_episode(show, live=False)
    embargoed = make_episode(show, public_release_at=timezone.now() + timedelta(days=1))
    assert client.get(f"/feeds/episodes/{draft.pk}.mp3").status_code == 404
    assert client.get(f"/feeds/episodes/{embargoed.pk}.mp3").status_code == 404


def test_the_database_going_away_during_the_decision_serves_the_remembered_one(client, episode):
    """Found by bench/faults.py: an enclosure asked for as PostgreSQL stopped was answered 503.

    The episode was read, then the consent rule's query failed; the policy took that for a
    refusal, so the view raised Http404 and the 404 page, needing the database, ended as a 503.
    """
    from django.db import OperationalError, connection

    url = f"/feeds/episodes/{episode.pk}.mp3"
    assert client.get(url).status_code == 200  # decided, and the decision remembered

    def consent_tables_gone(execute, sql, params, many, context):
        if "consent" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(consent_tables_gone):
        response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == payload("podcast-mp3", episode.audio.pk, 20_000)
