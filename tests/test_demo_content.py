"""The demo loader builds the whole demo site, and a second run changes nothing."""

import subprocess

import pytest
from django.core.management import call_command
from django.db import transaction
from wagtail.images.models import Image
from wagtail.models import Page, PageLogEntry, Revision

from hub.audio.models import AudioAsset
from hub.campaigns.models import CampaignPage
from hub.consent.gates import cleared_for
from hub.core.models import EventPage, StandardPage
from hub.demo.loader import load_demo_content, read_content
from hub.partners.models import PartnerOrganisation
from hub.radio.models import EpisodePage, ShowPage
from hub.stories.models import StoryPage

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
    """Load the demo once for the module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        for stale in Page.get_first_root_node().get_children():
            stale.delete()
        report = load_demo_content()
        assert report.created
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
