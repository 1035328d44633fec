"""Chapters and transcripts reach the public storage only while anyone may hear the episode.

hub.feeds.files asks the visibility policy (podcast channel, an anonymous listener) before it
writes: an episode under embargo, behind a view restriction or without podcast consent gets no
public file; the files are written when the release comes (scheduled publishing, every minute)
and deleted when the episode is taken back. Deletions that fail are recorded as PendingDeletion
and retried by the sweep, like every other file deletion.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from hub.feeds import files
from hub.ops.deletions import retry_pending_deletions
from hub.ops.models import PendingDeletion
from hub.radio.models import EpisodePage

from .conftest import publish, rich_episode
from .test_published_files import MemoryBucket, feed_links, item_of

pytestmark = pytest.mark.django_db


class FlakyBucket(MemoryBucket):
    """The memory bucket, whose deletions can be made to fail (an outage)."""

    fail_delete = False

    def delete(self, name):
        if self.fail_delete:
            raise OSError("bucket unreachable")
        super().delete(name)


@pytest.fixture
def storage(settings, client, show):
    FlakyBucket.objects = {}
    FlakyBucket.calls = []
    FlakyBucket.fail = False
    FlakyBucket.fail_delete = False
    client.get(f"/feeds/shows/{show.pk}.xml")  # the artwork's renditions, locally, before the switch
    cache.clear()
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.FlakyBucket"}}
    return FlakyBucket


def names_of(storage, episode) -> list[str]:
    return sorted(name for name in storage.objects if name.startswith(f"episodes/{episode.pk}/"))


def test_an_embargoed_episode_gets_no_files_until_its_release(
    client, show, storage, django_capture_on_commit_callbacks
):
    release = timezone.now() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        episode = rich_episode(show, title="Embargoed with chapters", public_release_at=release)
    assert names_of(storage, episode) == [], "nothing public before the release"
    assert files.registered([episode.pk]) == {}
    assert client.get(f"/feeds/episodes/{episode.pk}/chapters.json").status_code == 404

    EpisodePage.objects.filter(pk=episode.pk).update(public_release_at=timezone.now() - timedelta(seconds=1))
    call_command("publish_scheduled", verbosity=0)  # runs every minute
    assert len(names_of(storage, episode)) == 4, "written once the release came"
    assert files.registered([episode.pk])[episode.pk]
    chapters_url, _transcripts = feed_links(item_of(client, show, episode))
    assert chapters_url.startswith(f"https://cdn.example.org/episodes/{episode.pk}/")


def test_publishing_again_under_embargo_deletes_the_files(show, storage, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        episode = rich_episode(show, title="Released, then held back")
    assert len(names_of(storage, episode)) == 4
    episode.public_release_at = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        publish(episode)
    assert names_of(storage, episode) == []
    assert files.registered([episode.pk]) == {}


def test_a_private_episode_has_no_files_and_gets_them_back_when_public(
    client, show, storage, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    with django_capture_on_commit_callbacks(execute=True):
        episode = rich_episode(show, title="Soon private")
    assert len(names_of(storage, episode)) == 4
    restriction = PageViewRestriction.objects.create(page=episode, restriction_type="login")
    assert names_of(storage, episode) == [], "a view restriction takes the files down at once"
    assert files.registered([episode.pk]) == {}
    with django_capture_on_commit_callbacks(execute=True):
        publish(EpisodePage.objects.get(pk=episode.pk))
    assert names_of(storage, episode) == [], "publishing a private episode writes nothing"
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert len(names_of(storage, episode)) == 4, "public again: written again"


def test_an_episode_without_podcast_consent_gets_no_files(show, storage, django_capture_on_commit_callbacks):
    from hub.consent.models import ConsentRecord

    website_only = ConsentRecord.objects.create(
        public_name="Website only",
        granted_on=timezone.localdate() - timedelta(days=30),
        scope_website=True,
        scope_podcast=False,
    )
    episode = rich_episode(show, title="Website only")
    episode.consents.set([website_only])
    episode.no_identifiable_person = False
    episode.save()
    with django_capture_on_commit_callbacks(execute=True):
        episode = publish(episode)
    assert episode.live
    assert names_of(storage, episode) == []
    call_command("publish_episode_files", verbosity=0)
    assert names_of(storage, episode) == [], "the backfill command asks the policy too"


def test_a_failed_deletion_is_recorded_and_retried(client, show, storage, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        episode = rich_episode(show, title="Taken down in an outage")
    written = names_of(storage, episode)
    assert len(written) == 4
    storage.fail_delete = True
    EpisodePage.objects.get(pk=episode.pk).unpublish()
    assert names_of(storage, episode) == written, "the bucket refused"
    pending = set(PendingDeletion.objects.filter(storage="default").values_list("name", flat=True))
    assert set(written) <= pending, "every file that could not be deleted is on record"
    assert files.registered([episode.pk]) == {}, "the feed no longer links them"
    assert client.get(f"/feeds/episodes/{episode.pk}/chapters.json").status_code == 404

    storage.fail_delete = False
    deleted, failing = retry_pending_deletions()  # the hourly sweep
    assert failing == 0 and deleted >= 4
    assert names_of(storage, episode) == []
    assert not PendingDeletion.objects.exists()
