"""The demo loader builds the whole demo site, and a second run changes nothing."""

import re
import subprocess

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_tasks.signals import task_enqueued
from wagtail.images.models import Image
from wagtail.models import Page, PageLogEntry, Revision

from hub.audio.models import AudioAsset
from hub.campaigns.models import CampaignPage
from hub.consent.gates import cleared_for
from hub.consent.models import ConsentRecord, TakedownNotice, TakedownReport
from hub.core.models import EventPage, StandardPage
from hub.demo.loader import load_demo_content, read_content
from hub.partners.models import PartnerOrganisation
from hub.radio.models import Contributor, EpisodePage, ShowPage
from hub.stories.models import StoryIndexPage, StoryPage

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

LANGUAGES = ["en", "de", "el", "it", "ar"]


def snapshot():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "log entries": PageLogEntry.objects.count(),
        "images": Image.objects.count(),
        "audio": AudioAsset.objects.count(),
        "partners": PartnerOrganisation.objects.count(),
        "last revision": Revision.objects.order_by("-pk").values_list("pk", flat=True).first(),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the demo once for the module, inside a transaction rolled back at its end.

    The report also lists every task the load queued (``report.enqueued``).
    """
    enqueued = []

    def record(sender, task_result, **kwargs):
        enqueued.append(task_result.task.module_path)

    with django_db_blocker.unblock(), transaction.atomic():
        for stale in Page.get_first_root_node().get_children():
            stale.delete()
        task_enqueued.connect(record)
        try:
            report = load_demo_content()
        finally:
            task_enqueued.disconnect(record)
        assert report.created
        report.enqueued = enqueued
        yield report
        transaction.set_rollback(True)


def test_demo_content_covers_the_project(demo):
    facts = read_content()
    assert PartnerOrganisation.objects.filter(locale__language_code="en").count() == 10
    for language in LANGUAGES:
        assert PartnerOrganisation.objects.filter(locale__language_code=language).count() == 10
        about = StandardPage.objects.live().get(slug="about", locale__language_code=language)
        assert about.title == facts["about"]["title"][language]
        assert len(about.body) >= 4
    stories = StoryPage.objects.live()
    originals = {story["key"]: story["locale"] for story in facts["stories"]}
    assert len(originals) >= 6
    assert len({story.country for story in stories}) >= 3
    assert {"ar", "en", "de"} <= set(originals.values())
    assert stories.filter(locale__language_code="ar").count() >= 2
    show = ShowPage.objects.live().get(locale__language_code="en")
    episodes = EpisodePage.objects.live().child_of(show)
    assert episodes.count() >= 5
    assert all(episode.audio and episode.audio.source.size > 0 for episode in episodes)
    # Everyone heard has consented to every channel, and the show's producer edits it.
    assert all(episode.consents.exists() and not episode.no_identifiable_person for episode in episodes)
    assert list(cleared_for(episodes, "podcast", "broadcast", "redistribution")) == list(episodes)
    producer = next(partner["name"]["en"] for partner in facts["partners"] if partner["key"] == "freirad")
    assert [partner.name for partner in show.partners.all()] == [producer]
    campaign = CampaignPage.objects.live().get(locale__language_code="en")
    assert campaign.images.count() >= 1 and campaign.audio_spots.count() >= 1 and campaign.documents.count() >= 1
    assert EventPage.objects.live().filter(slug="conference").count() == 5


def test_second_run_changes_nothing(demo):
    before = snapshot()
    report = load_demo_content()
    assert report.created == []
    assert snapshot() == before


def test_management_command_reports_an_unchanged_second_run(demo, capsys):
    call_command("load_demo_content", verbosity=1)
    out = capsys.readouterr().out
    assert "nothing changed" in out
    assert "admin / hub-demo-2026" in out


def test_every_demo_page_renders(demo, client):
    pages = Page.objects.live().filter(depth__gt=1).specific()
    assert pages.count() > 60
    for page in pages:
        if not getattr(page, "is_publicly_released", True):
            continue  # the embargoed episode: partners only until its public release
        response = client.get(page.get_url())
        assert response.status_code == 200, page.get_url()
        direction = "rtl" if page.locale.language_code == "ar" else "ltr"
        assert f'dir="{direction}"' in response.content.decode()[:200]


def test_demo_audio_is_real_and_generated(demo):
    asset = AudioAsset.objects.first()
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", asset.source.path],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert float(probe.stdout) == pytest.approx(asset.duration_seconds, abs=0.5)


ARABIC = re.compile(r"[\u0600-\u06FF]")


def test_loading_queues_no_index_or_audio_jobs(demo):
    """The search and reference indexes are built in bulk, once; each recording is processed once, in place."""
    assert [path for path in demo.enqueued if "modelsearch" in path or "audio" in path] == []
    # A few objects saved outside the pages' signals still queue a reference-index job each.
    assert sum("reference_index" in path for path in demo.enqueued) <= 10, demo.enqueued
    assert len(demo.enqueued) < 20, demo.enqueued
    # Every recording was processed once, in place; the withdrawn guest's audio was then withdrawn.
    statuses = list(AudioAsset.objects.values_list("status", flat=True))
    assert statuses.count("withdrawn") == 1 and set(statuses) == {"ready", "withdrawn"}, statuses
    assert StoryPage.objects.live().search("food bank").count() >= 1, "the search index was built"


def test_every_episode_has_speech_to_the_end_chapters_transcripts_and_a_soundbite(demo, client):
    episodes = EpisodePage.objects.live().filter(public_release_at__isnull=True)
    assert episodes.count() >= 10
    languages = set()
    for episode in episodes:
        chapters = list(episode.chapters.all())
        transcripts = {transcript.language: transcript for transcript in episode.transcripts.all()}
        assert len(chapters) >= 4, episode
        assert episode.locale.language_code in transcripts, episode
        languages.update(transcripts)
        duration = episode.audio.duration_seconds
        last_cue = max(
            transcripts[episode.locale.language_code].content.split("\n"),
            key=lambda line: line if "-->" in line else "",
        )
        end = last_cue.split("-->")[1].strip()
        _hours, minutes, seconds = end.split(":")
        assert float(seconds) + 60 * int(minutes) >= duration - 6, f"speech stops early in {episode}"
        assert 20 <= duration <= 150, "short episodes keep the demo quick"
        assert episode.soundbite_start is not None and episode.soundbite_duration.total_seconds() >= 5
    assert {"en", "de", "el", "it", "ar"} <= languages
    episode = episodes.get(locale__language_code="ar", slug="sharing-the-shelves")
    html = client.get(episode.get_url()).content.decode()
    assert "podcast:transcript" not in html  # a page, not a feed
    assert 'class="chapters' in html and "data-transcript" in html
    feed = client.get(reverse("show-feed", args=[episode.get_parent().pk])).content.decode()
    assert "podcast:transcript" in feed and "podcast:chapters" in feed and "podcast:soundbite" in feed


def test_people_have_pictures_and_arabic_pages_name_them_in_arabic(demo, client):
    assert all(contributor.image_id for contributor in Contributor.objects.all())
    arabic_stories = StoryPage.objects.live().filter(locale__language_code="ar")
    assert arabic_stories.exists()
    assert all(ARABIC.search(story.storyteller_name) for story in arabic_stories)
    for story in arabic_stories:  # and the page shows the name so, right to left
        html = client.get(story.get_url()).content.decode()
        assert 'dir="rtl"' in html and escape(story.storyteller_name) in html, story.get_url()
    assert all(ARABIC.search(c.name) for c in Contributor.objects.filter(locale__language_code="ar"))


def test_release_rules_and_a_withdrawal_are_in_the_demo(demo, client):
    now = timezone.now()
    embargoed = EpisodePage.objects.live().filter(public_release_at__gt=now)
    assert embargoed.exists() and all(e.partner_release_at <= now for e in embargoed)
    assert client.get(embargoed.first().get_url()).status_code == 404, "the public does not see it yet"

    scheduled = EpisodePage.objects.get(slug="season-two-preview", locale__language_code="en")
    assert not scheduled.live and scheduled.get_latest_revision().approved_go_live_at > now

    withdrawn = ConsentRecord.objects.exclude(withdrawn_on=None).get()
    page = EpisodePage.objects.get(slug="kitchen-talk")
    assert not page.live
    assert TakedownReport.objects.filter(consent=withdrawn).exists()
    assert TakedownNotice.objects.filter(consent=withdrawn, page=page).exists()


def test_enough_stories_for_filters_and_pagination(demo, client):
    index = StoryIndexPage.objects.get(locale__language_code="en")
    stories = StoryPage.objects.live().child_of(index)
    assert stories.count() > StoryIndexPage.PAGE_SIZE
    assert client.get(index.get_url() + "?page=2").status_code == 200
    assert len({story.country for story in stories}) >= 3
