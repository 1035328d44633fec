"""Every page type renders in every language, Arabic right to left, with a language switcher."""

import re

import pytest
from django.test import Client
from wagtail.models import Locale
from wagtail.test.utils import WagtailTestUtils

from hub.partners.factories import PartnerOrganisationFactory
from tests.conftest import LANGUAGE_CODES

PAGE_KINDS = [
    "home",
    "standard",
    "recommendations",
    "event",
    "story_index",
    "story",
    "radio_index",
    "show",
    "episode",
    "campaign_index",
    "campaign",
]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", LANGUAGE_CODES)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_page_type_renders_in_every_language(site_tree, client: Client, kind, language):
    page = site_tree.page(kind, language)
    url = page.get_url()
    assert url.startswith(f"/{language}/"), "URLs carry the language prefix"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    assert page.title in html


def test_arabic_pages_are_right_to_left_and_others_are_not(site_tree, client):
    arabic = client.get(site_tree.page("story", "ar").get_url()).content.decode()
    german = client.get(site_tree.page("story", "de").get_url()).content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert '<html lang="de" dir="ltr">' in german


def test_language_switcher_links_to_each_translation(site_tree, client):
    story = site_tree.page("story", "en")
    html = client.get(story.get_url()).content.decode()
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    for language in LANGUAGE_CODES:
        translation_url = site_tree.page("story", language).get_url()
        assert f'href="{translation_url}"' in switcher
    assert 'aria-current="true"' in switcher.split(f'href="{story.get_url()}"')[1].split(">")[0] + ">"


def test_hreflang_alternates_name_every_translation(site_tree, client):
    response = client.get(site_tree.page("episode", "it").get_url())
    html = response.content.decode()
    for language in LANGUAGE_CODES:
        url = site_tree.page("episode", language).get_url()
        assert f'<link rel="alternate" hreflang="{language}" href="http://testserver{url}">' in html


def test_unpublished_translation_is_not_offered(site_tree, client):
    site_tree.page("campaign", "el").unpublish()
    html = client.get(site_tree.page("campaign", "en").get_url()).content.decode()
    assert 'hreflang="el" href="http://testserver/el/campaigns/' not in html
    assert client.get(site_tree.page("campaign", "el").get_url()).status_code == 404


def test_navigation_lists_menu_pages_of_the_current_language(site_tree, client):
    html = client.get(site_tree.page("home", "de").get_url()).content.decode()
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)
    assert site_tree.page("story_index", "de").title in nav
    assert site_tree.page("story_index", "en").title + "<" not in nav


def test_footer_lists_partners_of_the_current_language(site_tree, client):
    PartnerOrganisationFactory(name="Freies Radio", locale=Locale.objects.get(language_code="de"))
    assert "Freies Radio" in client.get("/de/").content.decode()
    assert "Freies Radio" not in client.get("/en/").content.decode()


class TestAdminEditing(WagtailTestUtils):
    """The admin's edit view opens for every page type (panels are wired to real fields)."""

    @pytest.mark.parametrize("kind", PAGE_KINDS)
    def test_edit_view_opens(self, site_tree, admin_client, kind):
        page = site_tree.page(kind, "en")
        response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200
