"""Fixtures for the feed tests: shows with episodes whose renditions are real files in storage."""

import hashlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

from hub.audio.factories import AudioAssetFactory
from hub.audio.models import Rendition
from hub.ops.storage import private_storage
from hub.radio.factories import ContributorFactory, EpisodePageFactory
from hub.radio.models import EpisodeChapter, EpisodeContributor, EpisodeTranscript, ShowPage

# No example database: tests never write into the working directory.
hypothesis_settings.register_profile("hub-feeds", database=None)
hypothesis_settings.load_profile("hub-feeds")

PRESETS = {
    "podcast-mp3": (".mp3", "audio/mpeg", 44_100, 128_000, -16.0),
    "lowband-opus": (".opus", "audio/ogg; codecs=opus", 48_000, 40_000, -16.0),
    "broadcast-wav": (".wav", "audio/wav", 48_000, None, -23.0),
}
VTT = """WEBVTT

00:00:00.000 --> 00:00:02.500
<v Amina>Welcome to the show.

00:00:02.500 --> 00:00:05.000
<v Marco>Thank you &amp; hello.
"""


@pytest.fixture(autouse=True)
def fresh_cache():
    """The cache outlives the rolled-back database of each test: start every test with an empty one."""
    cache.clear()
    yield
    cache.clear()


def payload(preset: str, n: int, size: int) -> bytes:
    seed = f"{preset}:{n}".encode()
    block = hashlib.sha256(seed).digest() * (size // 32 + 1)
    return block[:size]


def add_renditions(asset, presets=("podcast-mp3", "lowband-opus", "broadcast-wav"), size=20_000, duration=61.4):
    renditions = {}
    for index, preset in enumerate(presets):
        ext, mime, rate, bitrate, lufs = PRESETS[preset]
        data = payload(preset, asset.pk, size + index * 1000)
        name = private_storage().save(f"audio/renditions/test/{asset.pk}/{preset}{ext}", ContentFile(data))
        renditions[preset] = Rendition.objects.create(
            asset=asset,
            preset=preset,
            file=name,
            mime_type=mime,
            size_bytes=len(data),
            duration_seconds=duration,
            bitrate=bitrate,
            sample_rate=rate,
            channels=2,
            integrated_lufs=lufs,
            true_peak_dbtp=-2.0,
            target_lufs=lufs,
            sha256=hashlib.sha256(data).hexdigest(),
        )
    return renditions


def fresh(page):
    return type(page).objects.get(pk=page.pk)


def publish(page):
    page.save_revision().publish()
    return fresh(page)


def make_episode(show, *, presets=("podcast-mp3", "lowband-opus", "broadcast-wav"), live=True, **fields):
    episode = EpisodePageFactory(parent=show, audio=AudioAssetFactory(), live=False, **fields)
    add_renditions(episode.audio, presets)
    if live:
        episode = publish(episode)
    return episode


def rich_episode(show, **fields):
    """An episode with every optional feature: contributors, location, chapters, transcript, soundbite."""
    host = ContributorFactory(name="Amina K.", role="host", link="https://example.org/amina")
    guest = ContributorFactory(name="Marco R.", role="interpreter")
    fields = {
        "title": "Food bank in Innsbruck",
        "summary": "Volunteers run a food bank.\n\nSecond paragraph.",
        "location": "Innsbruck",
        "country": "AT",
        "soundbite_start": timedelta(seconds=12),
        "soundbite_duration": timedelta(seconds=30),
        "soundbite_title": "The first day",
        "season_number": 2,
        "episode_number": 7,
        **fields,
    }
    episode = EpisodePageFactory(parent=show, audio=AudioAssetFactory(), live=False, **fields)
    add_renditions(episode.audio)
    episode.contributors.add(EpisodeContributor(contributor=host, role="host"))
    episode.contributors.add(EpisodeContributor(contributor=guest, role="interpreter"))
    episode.chapters.add(EpisodeChapter(start=timedelta(seconds=0), title="Intro", url="https://example.org/intro"))
    episode.chapters.add(EpisodeChapter(start=timedelta(seconds=30), title="The kitchen", toc=False))
    episode.transcripts.add(EpisodeTranscript(content=VTT, language="en"))
    return publish(episode)


@pytest.fixture
def show(site_tree):
    return ShowPage.objects.get(pk=site_tree.page("show", "en").pk)


@pytest.fixture
def past():
    return timezone.now() - timedelta(days=2)


@pytest.fixture(scope="package")
def site_tree(django_db_setup, django_db_blocker):
    """The shared page tree, built once for the whole feeds package (not once per module)."""
    from django.db import transaction

    from tests.conftest import build_site_tree

    with django_db_blocker.unblock(), transaction.atomic():
        tree = build_site_tree()
        yield tree
        transaction.set_rollback(True)
