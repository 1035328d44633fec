"""Chapters and transcripts published as files in the public storage (hub.feeds.files).

On publish the views' bytes are written under content-addressed names; with object storage the
feed links them at the storage/CDN URL (only when they were written), with local storage the
feed keeps the hub's URLs; unpublishing deletes them.
"""

import hashlib
import io
import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import wagtail_factories
from django.core.cache import cache
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from hub.feeds import files
from hub.radio.models import EpisodeChapter, EpisodeTranscript

from .conftest import VTT, publish, rich_episode

pytestmark = pytest.mark.django_db
PODCAST = "{https://podcastindex.org/namespace/1.0}"


class MemoryBucket(Storage):
    """An S3-like storage in memory: no local paths, flat keys listed by prefix, URLs on a CDN."""

    objects: dict[str, bytes] = {}
    calls: list[str] = []
    fail = False

    def _save(self, name, content):
        if self.fail:
            raise OSError("bucket unreachable")
        self.calls.append(f"save {name}")
        self.objects[name] = content.read()
        return name

    def _open(self, name, mode="rb"):
        return File(io.BytesIO(self.objects[name]), name=name)

    def exists(self, name):
        self.calls.append(f"exists {name}")
        return name in self.objects

    def delete(self, name):
        self.calls.append(f"delete {name}")
        self.objects.pop(name, None)

    def size(self, name):
        return len(self.objects[name])

    def listdir(self, path):
        prefix = path.rstrip("/") + "/"
        folders, names = set(), []
        for key in self.objects:
            if key.startswith(prefix):
                head, sep, _tail = key[len(prefix) :].partition("/")
                (folders.add(head) if sep else names.append(head))
        return sorted(folders), names

    def url(self, name):
        return f"https://cdn.example.org/{name}"

    def path(self, name):
        raise NotImplementedError("no local paths in a bucket")


@pytest.fixture
def bucket(settings, client, show):
    """Switch the default storage to the memory bucket (after the artwork was rendered locally)."""
    MemoryBucket.objects = {}
    MemoryBucket.calls = []
    MemoryBucket.fail = False

    def switch():
        client.get(f"/feeds/shows/{show.pk}.xml")
        cache.clear()
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.MemoryBucket"}}
        return MemoryBucket

    return switch


def published(show, django_capture_on_commit_callbacks, episode=None, **fields):
    """A rich episode published with its on-commit work run (as after a real commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        return publish(episode) if episode is not None else rich_episode(show, **fields)


def item_of(client, show, episode):
    channel = etree.fromstring(client.get(f"/feeds/shows/{show.pk}.xml").content).find("channel")
    return next(i for i in channel.findall("item") if i.findtext("title") == episode.title)


def feed_links(item):
    chapters = item.find(f"{PODCAST}chapters").get("url")
    transcripts = {t.get("type"): t.get("url") for t in item.findall(f"{PODCAST}transcript")}
    return chapters, transcripts


def stored_names(storage, episode):
    return sorted(files._stored_names(episode.pk, storage))


def test_publish_writes_the_views_bytes_and_the_feed_keeps_hub_urls(client, show, django_capture_on_commit_callbacks):
    image = wagtail_factories.ImageFactory()
    episode = rich_episode(show, title="With a chapter image")  # published before: no files yet
    EpisodeChapter.objects.filter(episode=episode, title="The kitchen").update(image=image)
    episode = published(show, django_capture_on_commit_callbacks, episode)

    names = stored_names(default_storage, episode)
    transcript = episode.transcripts.get()
    digest = files.digest(f"{files.CONVERTER_VERSION}:{hashlib.sha256(VTT.encode()).hexdigest()}".encode())
    folder = f"episodes/{episode.pk}/{digest}"
    assert [n for n in names if "transcript" in n] == [
        f"{folder}/transcript-en.json",
        f"{folder}/transcript-en.srt",
        f"{folder}/transcript-en.vtt",
    ]
    [chapters_name] = [n for n in names if n.endswith("/chapters.json")]

    # Byte for byte what the views serve (for the site's host, whose URL the chapter image carries).
    root = urlsplit(episode.get_site().root_url)
    view = client.get(f"/feeds/episodes/{episode.pk}/chapters.json", HTTP_HOST=root.netloc)
    with default_storage.open(chapters_name) as stored:
        body = stored.read()
    assert body == view.content
    assert json.loads(body)["chapters"][1]["img"].startswith(f"{root.scheme}://{root.netloc}/")
    assert chapters_name.split("/")[2] == files.digest(body)
    for fmt in ("vtt", "srt", "json"):
        view = client.get(f"/feeds/episodes/{episode.pk}/transcripts/{transcript.pk}.{fmt}")
        with default_storage.open(f"{folder}/transcript-en.{fmt}") as stored:
            assert stored.read() == view.content, fmt

    # Local storage: the feed links the hub's views, exactly as before.
    chapters_url, transcript_urls = feed_links(item_of(client, show, episode))
    assert chapters_url == f"http://testserver/feeds/episodes/{episode.pk}/chapters.json"
    base = f"http://testserver/feeds/episodes/{episode.pk}/transcripts/{transcript.pk}"
    assert transcript_urls == {
        "text/vtt": base + ".vtt",
        "application/x-subrip": base + ".srt",
        "application/json": base + ".json",
    }


def test_unpublish_deletes_the_files(client, show, django_capture_on_commit_callbacks):
    episode = published(show, django_capture_on_commit_callbacks)
    other = published(show, django_capture_on_commit_callbacks, title="Another", slug="another")
    assert len(stored_names(default_storage, episode)) == 4
    assert files.registered([episode.pk])[episode.pk]

    episode.unpublish()

    assert stored_names(default_storage, episode) == []
    assert files.registered([episode.pk]) == {}
    assert len(stored_names(default_storage, other)) == 4, "other episodes keep theirs"
    assert client.get(f"/feeds/episodes/{episode.pk}/chapters.json").status_code == 404


def test_feed_links_the_bucket_and_the_files_answer_like_the_views(
    client, show, bucket, django_capture_on_commit_callbacks
):
    episode = rich_episode(show)  # renditions written while storage is local
    storage = bucket()
    episode = published(show, django_capture_on_commit_callbacks, episode)
    transcript = episode.transcripts.get()

    chapters_url, transcript_urls = feed_links(item_of(client, show, episode))
    urls = [chapters_url, *transcript_urls.values()]
    assert all(url.startswith(f"https://cdn.example.org/episodes/{episode.pk}/") for url in urls), urls
    assert sorted(url.removeprefix("https://cdn.example.org/") for url in urls) == sorted(storage.objects)
    views = {
        chapters_url: f"/feeds/episodes/{episode.pk}/chapters.json",
        **{
            url: f"/feeds/episodes/{episode.pk}/transcripts/{transcript.pk}.{url.rsplit('.', 1)[1]}" for url in urls[1:]
        },
    }
    for url, view in views.items():
        response = client.get(view)  # the hub's URLs keep working for old subscribers
        assert response.status_code == 200
        assert storage.objects[url.removeprefix("https://cdn.example.org/")] == response.content, url

    # Building the feed asks the bucket nothing (no exists(), no listing) and costs no extra query.
    storage.calls.clear()
    cache.clear()
    with CaptureQueriesContext(connection) as bucket_queries:
        client.get(f"/feeds/shows/{show.pk}.xml")
    assert storage.calls == []
    cache.clear()
    MemoryBucket.objects = {}  # also without any published file the count is the same
    with CaptureQueriesContext(connection) as empty_queries:
        client.get(f"/feeds/shows/{show.pk}.xml")
    assert len(bucket_queries) == len(empty_queries)


def test_publishing_is_idempotent_and_a_new_version_replaces_the_old(show, bucket, django_capture_on_commit_callbacks):
    episode = rich_episode(show)
    storage = bucket()
    episode = published(show, django_capture_on_commit_callbacks, episode)
    first = sorted(storage.objects)
    storage.calls.clear()

    episode = published(show, django_capture_on_commit_callbacks, episode)  # nothing changed
    assert sorted(storage.objects) == first
    assert not [call for call in storage.calls if call.startswith(("save", "delete"))]

    # A redacted transcript gets new names; the old text leaves the bucket.
    EpisodeTranscript.objects.filter(episode=episode).update(content=VTT.replace("Welcome", "Hello"))
    EpisodeChapter.objects.filter(episode=episode, title="Intro").update(start=timedelta(seconds=1))
    published(show, django_capture_on_commit_callbacks, episode)
    assert len(storage.objects) == 4
    assert not set(storage.objects) & set(first)
    assert any(b"Hello" in body for body in storage.objects.values())
    assert not any(b"Welcome" in body for body in storage.objects.values())


def test_a_storage_error_does_not_stop_publishing_and_the_feed_links_the_hub(
    client, show, bucket, django_capture_on_commit_callbacks, caplog
):
    episode = rich_episode(show)
    storage = bucket()
    storage.fail = True
    episode = published(show, django_capture_on_commit_callbacks, episode)
    assert episode.live
    assert "Could not publish the chapters and transcripts" in caplog.text
    chapters_url, transcript_urls = feed_links(item_of(client, show, episode))
    assert chapters_url == f"http://testserver/feeds/episodes/{episode.pk}/chapters.json"
    assert all(
        url.startswith(f"http://testserver/feeds/episodes/{episode.pk}/transcripts/")
        for url in transcript_urls.values()
    )

    # A later publish that succeeds switches the feed to the bucket.
    storage.fail = False
    published(show, django_capture_on_commit_callbacks, episode)
    chapters_url, _transcripts = feed_links(item_of(client, show, episode))
    assert chapters_url.startswith("https://cdn.example.org/")


def test_takedown_empties_the_bucket_and_the_feed(client, show, bucket, django_capture_on_commit_callbacks):
    episode = rich_episode(show)
    storage = bucket()
    episode = published(show, django_capture_on_commit_callbacks, episode)
    assert len(storage.objects) == 4
    episode.unpublish()
    assert storage.objects == {}
    assert episode.title.encode() not in client.get(f"/feeds/shows/{show.pk}.xml").content


def test_deleting_an_episode_deletes_its_files(show, bucket, django_capture_on_commit_callbacks):
    episode = rich_episode(show)
    storage = bucket()
    published(show, django_capture_on_commit_callbacks, episode)
    assert storage.objects
    episode.delete()
    assert storage.objects == {}


def test_consent_withdrawal_takes_the_files_down(client, show, bucket, django_capture_on_commit_callbacks):
    from hub.consent.models import ConsentRecord
    from hub.consent.takedown import apply_lapse

    amina = ConsentRecord.objects.create(
        public_name="Amina",
        granted_on=timezone.localdate() - timedelta(days=30),
        scope_website=True,
        scope_podcast=True,
        scope_broadcast=True,
        scope_redistribution=True,
    )
    episode = rich_episode(show)
    episode.consents.set([amina])
    storage = bucket()
    episode = published(show, django_capture_on_commit_callbacks, episode)
    chapters_url, _transcripts = feed_links(item_of(client, show, episode))
    assert chapters_url.startswith("https://cdn.example.org/") and len(storage.objects) == 4

    apply_lapse(amina, "withdrawn")

    assert storage.objects == {}
    assert episode.title.encode() not in client.get(f"/feeds/shows/{show.pk}.xml").content


def test_the_database_digest_of_a_transcript_is_the_one_publishing_uses(show):
    text = VTT.replace("Welcome to the show.", "أهلا بكم — Καλώς ήρθατε 🎙\r\nzweite Zeile")
    episode = rich_episode(show)
    EpisodeTranscript.objects.filter(episode=episode).update(content=text)
    row = EpisodeTranscript.objects.filter(episode=episode).annotate(sha=files.TextSHA256("content")).get()
    assert row.sha == hashlib.sha256(text.encode()).hexdigest()


def test_the_backfill_command_publishes_episodes_that_have_no_files_yet(client, show, bucket):
    episode = rich_episode(show)  # published without its on-commit work: as before this feature
    storage = bucket()
    assert storage.objects == {}
    chapters_url, _transcripts = feed_links(item_of(client, show, episode))
    assert chapters_url.endswith(f"/feeds/episodes/{episode.pk}/chapters.json")  # the hub's view, meanwhile
    out = io.StringIO()
    call_command("publish_episode_files", verbosity=0, stdout=out)
    assert any(name.startswith(f"episodes/{episode.pk}/") for name in storage.objects)
    assert "0 episode(s) published" not in out.getvalue()
    chapters_url, _transcripts = feed_links(item_of(client, show, episode))
    assert chapters_url.startswith(f"https://cdn.example.org/episodes/{episode.pk}/")
