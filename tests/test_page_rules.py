"""Which page types may be created where."""

import pytest
from wagtail.models import Page

from hub.campaigns.models import CampaignIndexPage, CampaignPage
from hub.core.models import EventPage, HomePage, RecommendationsPage, StandardPage
from hub.radio.models import EpisodePage, RadioIndexPage, ShowPage
from hub.stories.models import StoryIndexPage, StoryPage

pytestmark = pytest.mark.django_db

ALLOWED = {
    HomePage: {StandardPage, RecommendationsPage, EventPage, StoryIndexPage, RadioIndexPage, CampaignIndexPage},
    StandardPage: {StandardPage},
    StoryIndexPage: {StoryPage},
    RadioIndexPage: {ShowPage},
    ShowPage: {EpisodePage},
    CampaignIndexPage: {CampaignPage},
    StoryPage: set(),
    EpisodePage: set(),
    CampaignPage: set(),
    EventPage: set(),
    RecommendationsPage: set(),
}


@pytest.mark.parametrize("parent", list(ALLOWED), ids=lambda model: model.__name__)
def test_allowed_subpage_types(parent):
    hub_models = {model for model in parent.allowed_subpage_models() if model.__module__.startswith("hub.")}
    assert hub_models == ALLOWED[parent]
    assert set(parent.allowed_subpage_models()) == ALLOWED[parent]


def test_home_pages_live_directly_under_the_tree_root():
    assert HomePage.allowed_parent_page_models() == [Page]
    assert HomePage.can_create_at(Page.get_first_root_node())
    assert not StoryPage.can_create_at(Page.get_first_root_node())


def test_sections_exist_once_per_home(site_tree):
    home = site_tree.page("home", "en")
    assert not StoryIndexPage.can_create_at(home), "one story index per home page"
    assert not RadioIndexPage.can_create_at(home)
    assert not CampaignIndexPage.can_create_at(home)
    assert StandardPage.can_create_at(home)
    assert ShowPage.can_create_at(site_tree.page("radio_index", "en")), "many shows are allowed"
