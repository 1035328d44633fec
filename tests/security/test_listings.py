"""Listings, search, the sitemap and the public feeds show only what the visibility policy allows.

Every list of pages asks ``hub.access.policy.visible``: the home page, the story index, the radio
index, a show page, a partner page, a campaign's and an episode's related stories, a story's
related episodes, search, the sitemap, the stories feeds and a show's podcast feed. Here each one
is asked for pages that an anonymous visitor must not find there: episodes under embargo, for
partners only, drafts, taken down, behind a view restriction or whose consent lapsed while they
were still live (before any sweep unpublished them), stories whose consent was withdrawn or that
are private, a private campaign. Then the same lists for those who may see more: a logged-in user
past a login restriction (HTML lists only: feeds and the sitemap are the same for every reader),
and everyone once an embargo ends.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from hub.access.policy import PARTNER, PODCAST, WEBSITE, Viewer, may_see, visible

pytestmark = pytest.mark.django_db


def _story(index, slug, title, **fields):
    from hub.stories.factories import StoryPageFactory

    return StoryPageFactory(parent=index, slug=slug, title=title, **fields)


@pytest.fixture
def listed_world(world):
    """The security world plus stories, an episode and a campaign in the states lists must respect."""
    from wagtail.models import Locale, PageViewRestriction

    from hub.campaigns.factories import CampaignPageFactory
    from hub.campaigns.models import CampaignIndexPage, CampaignPage
    from hub.consent.models import ConsentRecord
    from hub.partners.factories import PartnerOrganisationFactory
    from hub.radio.models import EpisodePage
    from hub.stories.models import StoryIndexPage
    from tests.feeds.conftest import fresh, make_episode, publish

    cache.clear()
    english = Locale.objects.get(language_code="en")
    today = timezone.localdate()
    partner = PartnerOrganisationFactory(name="Radio Listing", slug="radio-listing", locale=english)
    index = StoryIndexPage.objects.get(locale=english)

    def consent(name):
        return ConsentRecord.objects.create(
            public_name=name,
            granted_on=today - timedelta(days=30),
            scope_website=True,
            scope_podcast=True,
            scope_broadcast=True,
            scope_redistribution=True,
        )

    # An episode whose consent expired yesterday; the nightly sweep has not unpublished it yet.
    lapsed_episode = make_episode(world.show, live=False, title="Quokka episode", slug="lapsed-episode")
    lapsed_episode.no_identifiable_person = False
    lapsed_episode.save()
    episode_consent = consent("Quokka")
    lapsed_episode.consents.add(episode_consent)
    lapsed_episode = publish(lapsed_episode)
    ConsentRecord.objects.filter(pk=episode_consent.pk).update(expires_on=today - timedelta(days=1))

    episodes = [*world.episodes.values(), lapsed_episode]
    stories = {}
    for key, title in (("open", "Pelican story"), ("lapsed", "Narwhal story"), ("private", "Axolotl story")):
        story = _story(index, f"{key}-story", title)
        story.partners.set([partner])
        story.related_episodes.set(episodes)
        if key == "lapsed":
            story.no_identifiable_person = False
            story_consent = consent("Narwhal")
            story.consents.add(story_consent)
        story.save_revision().publish()
        stories[key] = fresh(story)
    # Withdrawn by a direct change, without the takedown: the policy alone must hold the line.
    ConsentRecord.objects.filter(pk=story_consent.pk).update(withdrawn_on=today)
    PageViewRestriction.objects.create(page=stories["private"], restriction_type="login")

    campaign_index = CampaignIndexPage.objects.get(locale=english)
    campaign = CampaignPage.objects.get(locale=english, slug="open-doors")
    campaign.related_stories.set(list(stories.values()))
    campaign.save_revision().publish()
    hidden_campaign = CampaignPageFactory(parent=campaign_index, slug="hidden-campaign", title="Hidden campaign")
    hidden_campaign.save_revision().publish()
    PageViewRestriction.objects.create(page=hidden_campaign, restriction_type="login")
    cache.clear()
    return {
        "partner": partner,
        "stories": stories,
        "lapsed_episode": EpisodePage.objects.get(pk=lapsed_episode.pk),
        "campaign": campaign,
    }


# What must stay out of every list for anonymous visitors: (marker in the HTML or XML, search word).
HIDDEN_EPISODES = {
    "draft": ("/voices/draft/", "Draft"),
    "embargoed": ("/voices/embargoed/", "Embargoed"),
    "partner-only": ("/voices/partner-only/", "Partner-only"),
    "withdrawn": ("/voices/withdrawn/", "Withdrawn"),
    "private": ("/voices/private/", "Private"),
    "lapsed": ("/voices/lapsed-episode/", "Quokka"),
}
HIDDEN_STORIES = {
    "lapsed": ("/stories/lapsed-story/", "Narwhal"),
    "private": ("/stories/private-story/", "Axolotl"),
}
HIDDEN_CAMPAIGNS = {"private": ("/campaigns/hidden-campaign/", "Hidden")}
SHOWN = {"episode": "/voices/released/", "story": "/stories/open-story/"}


def html_listings(data) -> dict[str, tuple[str, set[str]]]:
    """Each HTML list: its URL and the kinds of page it lists."""
    return {
        "home": ("/en/", {"story", "episode"}),
        "story index": ("/en/stories/", {"story"}),
        "radio index": ("/en/radio/", {"episode"}),
        "show page": ("/en/radio/voices/", {"episode"}),
        "partner page": (f"/en/partners/{data['partner'].slug}/", {"story", "episode"}),
        "campaign index": ("/en/campaigns/", {"campaign"}),
        "campaign's related stories": ("/en/campaigns/open-doors/", {"story"}),
        "story's related episodes": ("/en/stories/open-story/", {"episode"}),
        "episode's related stories": ("/en/radio/voices/released/", {"story"}),
    }


def shared_listings(world) -> dict[str, tuple[str, set[str]]]:
    """Lists that are the same for every reader: the sitemap and the public feeds."""
    return {
        "sitemap": ("/sitemap.xml", {"story", "episode", "campaign"}),
        "stories atom": ("/en/feeds/stories.atom", {"story"}),
        "stories rss": ("/en/feeds/stories.rss", {"story"}),
        "show feed": (f"/feeds/shows/{world.show.pk}.xml", {"episode"}),
    }


def _hidden(kinds: set[str]) -> dict[str, str]:
    found = {}
    for kind, table in (("episode", HIDDEN_EPISODES), ("story", HIDDEN_STORIES), ("campaign", HIDDEN_CAMPAIGNS)):
        if kind in kinds:
            found.update({f"{kind}:{state}": marker for state, (marker, _word) in table.items()})
    return found


def _get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_no_list_shows_an_anonymous_visitor_what_they_may_not_see(world, listed_world, client):
    for name, (url, kinds) in {**html_listings(listed_world), **shared_listings(world)}.items():
        text = _get(client, url)
        for item, marker in _hidden(kinds).items():
            assert marker not in text, f"{name} ({url}) lists {item}"
        for kind, marker in SHOWN.items():
            if kind in kinds and name != "episode's related stories" and name != "story's related episodes":
                assert marker in text, f"{name} ({url}) should list the {kind} anyone may see"
    related = _get(client, "/en/radio/voices/released/")
    assert SHOWN["story"] in related, "an episode page lists its public related stories"
    assert SHOWN["episode"] in _get(client, "/en/stories/open-story/"), "a story lists its public episodes"


def test_search_finds_nothing_an_anonymous_visitor_may_not_see(world, listed_world, client):
    for table in (HIDDEN_EPISODES, HIDDEN_STORIES, HIDDEN_CAMPAIGNS):
        for state, (marker, word) in table.items():
            assert marker not in _get(client, f"/en/search/?q={word}"), (state, word)
    assert SHOWN["story"] in _get(client, "/en/search/?q=Pelican")
    assert SHOWN["episode"] in _get(client, "/en/search/?q=Released")


def test_a_logged_in_user_past_a_login_restriction_finds_private_pages_in_html_lists_only(world, listed_world, client):
    client.force_login(world.users["editor"])
    private = {
        "episode": HIDDEN_EPISODES["private"][0],
        "story": HIDDEN_STORIES["private"][0],
        "campaign": HIDDEN_CAMPAIGNS["private"][0],
    }
    for name, (url, kinds) in html_listings(listed_world).items():
        text = _get(client, url)
        for kind in kinds:
            if name == "home" and kind == "episode":
                continue  # four newest only; the show page lists them all
            assert private[kind] in text, f"{name} ({url}) should list the private {kind} for a logged-in user"
        for item, marker in _hidden(kinds).items():
            if not item.endswith(":private"):
                assert marker not in text, f"{name} ({url}) lists {item} to a logged-in user"
    assert private["story"] in _get(client, "/en/search/?q=Axolotl")
    for name, (url, kinds) in shared_listings(world).items():
        text = _get(client, url)
        for item, marker in _hidden(kinds).items():
            assert marker not in text, f"{name} is the same for every reader, yet lists {item}"


def test_an_embargo_that_ends_puts_the_episode_in_every_list_at_once(world, listed_world, client):
    from hub.radio.models import EpisodePage

    marker, word = HIDDEN_EPISODES["embargoed"]
    past = timezone.now() - timedelta(minutes=1)
    EpisodePage.objects.filter(pk=world.episodes["embargoed"].pk).update(
        partner_release_at=past, public_release_at=past
    )
    cache.clear()  # a plain update sends no signal; real releases pass the end of their embargo by time
    show_feed = f"/feeds/shows/{world.show.pk}.xml"
    for url in ("/en/radio/voices/", "/en/", "/sitemap.xml", show_feed, f"/en/search/?q={word}"):
        assert marker in _get(client, url), url


def test_lists_and_single_pages_give_the_same_answer(world, listed_world, rf):
    """``visible`` (lists) and ``may_see`` (one page) apply the same rules, for every viewer and channel."""
    from django.contrib.auth.models import AnonymousUser
    from wagtail.models import Page

    from hub.partners.models import PartnerFeedToken

    pages = Page.objects.filter(depth__gt=2).specific()
    anonymous = rf.get("/")
    anonymous.user = AnonymousUser()
    logged_in = rf.get("/")
    logged_in.user = world.users["editor"]
    viewers = {
        "anonymous": Viewer.of(anonymous),
        "logged in": Viewer.of(logged_in),
        "partner": Viewer.of_partner(world.partner),
        "other partner": Viewer.of_partner(PartnerFeedToken.authenticate(world.other_token).partner),
    }
    for name, viewer in viewers.items():
        for channel in (WEBSITE, PODCAST, PARTNER):
            listed_ids = set(visible(viewer, Page.objects.all(), channel, listing=False).values_list("pk", flat=True))
            for page in pages:
                assert bool(may_see(viewer, page, channel)) == (page.pk in listed_ids), (name, channel, page.url_path)
    anonymous_ids = set(visible(viewers["anonymous"], Page.objects.all()).values_list("pk", flat=True))
    for state in ("draft", "embargoed", "partner-only", "withdrawn", "private"):
        assert world.episodes[state].pk not in anonymous_ids, state
    assert listed_world["lapsed_episode"].pk not in anonymous_ids
    assert world.episodes["released"].pk in anonymous_ids
    partner_ids = set(visible(viewers["partner"], Page.objects.all(), PARTNER).values_list("pk", flat=True))
    assert {world.episodes[s].pk for s in ("partner-only", "released", "private")} <= partner_ids
    assert not {world.episodes[s].pk for s in ("draft", "embargoed", "withdrawn")} & partner_ids


def test_a_list_of_anything_but_pages_or_for_nobody_is_empty(world):
    from hub.radio.models import EpisodePage

    assert not visible(None, EpisodePage.objects.all()).exists()
    assert not visible(Viewer(), EpisodePage.objects.all(), "carrier-pigeon").exists()
    assert list(visible(Viewer(), [world.episodes["released"]])) == []


def test_the_language_switcher_links_no_translation_the_visitor_may_not_see(world, listed_world, client):
    from wagtail.models import Locale

    from hub.radio.models import EpisodePage

    released = world.episodes["released"]
    german = released.copy_for_translation(Locale.objects.get(language_code="de"), copy_parents=True)
    german.save_revision().publish()
    german = EpisodePage.objects.get(pk=german.pk)
    german_url = german.get_url()
    assert german_url and "/de/" in german_url
    EpisodePage.objects.filter(pk=german.pk).update(public_release_at=timezone.now() + timedelta(days=1))
    cache.clear()
    assert german_url not in _get(client, "/en/radio/voices/released/"), "an embargoed translation is not linked"
    EpisodePage.objects.filter(pk=german.pk).update(public_release_at=timezone.now() - timedelta(minutes=1))
    cache.clear()
    assert german_url in _get(client, "/en/radio/voices/released/"), "once released, it is"
