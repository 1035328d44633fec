"""Every public page costs the same number of database queries with 3 items in its lists as with 30.

Each test renders a page once to warm up (image renditions are created on first use), counts
the queries of a second render with 3 items, adds 27 more, and counts again.
"""

from datetime import timedelta

import pytest
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.audio.factories import AudioAssetFactory
from hub.campaigns.factories import CampaignPageFactory
from hub.campaigns.models import CampaignAudioSpot, CampaignDocument, CampaignImage, CampaignPlace
from hub.core.models import Language
from hub.partners.factories import PartnerOrganisationFactory
from hub.radio.factories import ContributorFactory, EpisodePageFactory, ShowPageFactory
from hub.radio.models import ContributorRole, EpisodeChapter, EpisodeContributor
from hub.stories.factories import StoryPageFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.HUB_PAGE_CACHE_SECONDS = 0


def queries(client, url) -> int:
    client.get(url)  # warm up: renditions, site root paths
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def assert_constant(client, url, add):
    add(3)
    few = queries(client, url)
    add(27)
    many = queries(client, url)
    assert few == many, f"{url}: {few} queries with 3 items, {many} with 30"
    return many


def test_story_index(rich_site, client):
    index = rich_site.page("story_index")
    counter = iter(range(1000))

    def add(n):
        for _ in range(n):
            StoryPageFactory(parent=index, slug=f"q-story-{next(counter)}", country="GR")

    assert_constant(client, index.get_url() + "?country=GR", add)


def test_story_page(rich_site, client):
    story = rich_site.page("story")
    show = rich_site.page("show")
    counter = iter(range(1000))

    def add(n):
        for _ in range(n):
            number = next(counter)
            story.themes.add(ThemeFactory(locale=story.locale))
            story.partners.add(PartnerOrganisationFactory(locale=story.locale))
            language, _ = Language.objects.get_or_create(code=f"x{number}", defaults={"name": f"Language {number}"})
            story.languages.add(language)
            story.related_episodes.add(EpisodePageFactory(parent=show, slug=f"q-rel-{number}"))
        story.save_revision().publish()

    assert_constant(client, story.get_url(), add)


def test_home_page(rich_site, client):
    index, show = rich_site.page("story_index"), rich_site.page("show")
    counter = iter(range(1000))

    def add(n):
        for _ in range(n):
            number = next(counter)
            StoryPageFactory(parent=index, slug=f"q-home-story-{number}")
            EpisodePageFactory(parent=show, slug=f"q-home-episode-{number}")

    assert_constant(client, rich_site.page("home").get_url(), add)


def test_show_page_and_radio_index(rich_site, client):
    show = rich_site.page("show")
    counter = iter(range(1000))

    def add(n):
        for _ in range(n):
            EpisodePageFactory(parent=show, slug=f"q-show-episode-{next(counter)}")

    assert_constant(client, show.get_url(), add)

    radio = rich_site.page("radio_index")

    def add_shows(n):
        for _ in range(n):
            ShowPageFactory(parent=radio, slug=f"q-show-{next(counter)}", title="Another show")

    assert_constant(client, radio.get_url(), add_shows)


def test_episode_page(rich_site, client):
    episode = rich_site.page("episode")
    index = rich_site.page("story_index")
    counter = iter(range(1000))

    def add(n):
        for _ in range(n):
            number = next(counter)
            contributor = ContributorFactory(locale=episode.locale)
            episode.contributors.add(EpisodeContributor(contributor=contributor, role=ContributorRole.HOST))
            episode.chapters.add(EpisodeChapter(start=timedelta(seconds=10 + number), title=f"Chapter {number}"))
            story = StoryPageFactory(parent=index, slug=f"q-ep-story-{number}")
            story.related_episodes.add(episode)
            story.save_revision().publish()
        episode.save_revision().publish()

    assert_constant(client, episode.get_url(), add)


def test_campaign_page_and_index(rich_site, client):
    campaign = rich_site.page("campaign")
    index = rich_site.page("story_index")
    ready_audio = rich_site.audio
    counter = iter(range(1000))

    def add(n):
        for _ in range(n):
            number = next(counter)
            campaign.places.add(CampaignPlace(city=f"City {number}", country="IT"))
            campaign.partners.add(PartnerOrganisationFactory(locale=campaign.locale))
            campaign.images.add(CampaignImage(image=wagtail_factories.ImageFactory(), alt_text=f"Picture {number}"))
            campaign.audio_spots.add(CampaignAudioSpot(audio=ready_audio, title=f"Spot {number}"))
            campaign.documents.add(
                CampaignDocument(document=wagtail_factories.DocumentFactory(), title=f"Document {number}")
            )
            campaign.related_stories.add(StoryPageFactory(parent=index, slug=f"q-camp-story-{number}"))
        campaign.save_revision().publish()

    assert_constant(client, campaign.get_url(), add)

    campaigns = rich_site.page("campaign_index")

    def add_campaigns(n):
        for _ in range(n):
            CampaignPageFactory(parent=campaigns, slug=f"q-campaign-{next(counter)}")

    assert_constant(client, campaigns.get_url(), add_campaigns)


def test_partner_pages(rich_site, client):
    partner = rich_site.partners["red-cross"]["en"]
    index, show, campaigns = rich_site.page("story_index"), rich_site.page("show"), rich_site.page("campaign_index")
    counter = iter(range(1000))

    def add(n):
        for _ in range(n):
            number = next(counter)
            story = StoryPageFactory(parent=index, slug=f"q-partner-story-{number}")
            story.partners.add(partner)
            story.related_episodes.add(EpisodePageFactory(parent=show, slug=f"q-partner-episode-{number}"))
            story.save_revision().publish()
            campaign = CampaignPageFactory(parent=campaigns, slug=f"q-partner-campaign-{number}")
            campaign.partners.add(partner)
            campaign.save_revision().publish()
            PartnerOrganisationFactory(locale=partner.locale)

    assert_constant(client, "/en/partners/red-cross/", add)
    assert queries(client, "/en/partners/") == queries(client, "/en/partners/")


def test_search_results(rich_site, client):
    index = rich_site.page("story_index")
    counter = iter(range(1000))

    def add(n):
        for _ in range(n):
            StoryPageFactory(parent=index, slug=f"q-search-{next(counter)}", summary="A zebra crossing story.")

    assert_constant(client, "/en/search/?q=zebra&country=GR", add)


def test_sitemap(rich_site, client):
    index = rich_site.page("story_index")
    counter = iter(range(1000))

    def add(n):
        for _ in range(n):
            StoryPageFactory(parent=index, slug=f"q-sitemap-{next(counter)}")

    assert_constant(client, "/sitemap.xml", add)


def test_campaign_audio_spots_use_prefetched_renditions(rich_site, client):
    """A campaign's audio spots each show a player; their renditions come in one query."""
    campaign = rich_site.page("campaign", "el")
    for number in range(3):
        campaign.audio_spots.add(CampaignAudioSpot(audio=rich_site.audio, title=f"Spot {number}"))
        campaign.audio_spots.add(CampaignAudioSpot(audio=AudioAssetFactory(), title=f"Silent {number}"))
    campaign.save_revision().publish()
    html = client.get(campaign.get_url()).content.decode()
    assert html.count("<audio controls") == 3, "assets without renditions show no player"
