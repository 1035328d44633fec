"""Fixtures shared by the hub's tests.

``site_tree`` builds one page of every type in English, translates the tree into every other
content language and publishes everything. It is built once per test module inside a
transaction that is rolled back afterwards, so modules stay independent.
"""

from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from hub.campaigns.factories import CampaignIndexPageFactory, CampaignPageFactory
from hub.core.factories import EventPageFactory, HomePageFactory, RecommendationsPageFactory, StandardPageFactory
from hub.core.models import Recommendation
from hub.radio.factories import EpisodePageFactory, RadioIndexPageFactory, ShowPageFactory
from hub.stories.factories import StoryIndexPageFactory, StoryPageFactory

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@dataclass
class SiteTree:
    """The English pages by kind, and their translations by kind and language."""

    pages: dict[str, Page] = field(default_factory=dict)
    translations: dict[str, dict[str, Page]] = field(default_factory=dict)

    def page(self, kind: str, language: str = "en") -> Page:
        return self.translations[kind][language]


def ensure_locales() -> dict[str, Locale]:
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGE_CODES}


def build_site_tree() -> SiteTree:
    locales = ensure_locales()
    root = Page.get_first_root_node()
    if root is None:  # a transactional test flushed the tables, Wagtail's root page too
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locales["en"]))
    for stale in root.get_children():
        stale.delete()
    tree = SiteTree()
    home = HomePageFactory(parent=root, slug="home", locale=locales["en"])
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    tree.pages["home"] = home
    tree.pages["standard"] = StandardPageFactory(parent=home, title="About", slug="about", show_in_menus=True)
    recommendations = RecommendationsPageFactory(parent=home, slug="recommendations")
    recommendations.recommendations.add(Recommendation(level="european", title="Fund mentoring", text="<p>Do it.</p>"))
    recommendations.save()
    tree.pages["recommendations"] = recommendations
    tree.pages["event"] = EventPageFactory(parent=home, slug="conference")
    tree.pages["story_index"] = StoryIndexPageFactory(parent=home, show_in_menus=True)
    tree.pages["story"] = StoryPageFactory(parent=tree.pages["story_index"], slug="amina")
    tree.pages["radio_index"] = RadioIndexPageFactory(parent=home, show_in_menus=True)
    tree.pages["show"] = ShowPageFactory(parent=tree.pages["radio_index"], slug="voices")
    tree.pages["episode"] = EpisodePageFactory(parent=tree.pages["show"], slug="first")
    tree.pages["campaign_index"] = CampaignIndexPageFactory(parent=home)
    tree.pages["campaign"] = CampaignPageFactory(parent=tree.pages["campaign_index"], slug="open-doors")

    for kind, page in tree.pages.items():
        page.save_revision().publish()
        tree.translations[kind] = {"en": page.specific_class.objects.get(pk=page.pk)}
    # Translate parents before children: dict order is tree order.
    for code, locale in locales.items():
        if code == "en":
            continue
        for kind, page in tree.pages.items():
            translated = page.copy_for_translation(locale)
            translated.title = f"{page.title} [{code}]"
            translated.save_revision().publish()
            tree.translations[kind][code] = translated.specific_class.objects.get(pk=translated.pk)
    return tree


@pytest.fixture(scope="module")
def site_tree(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        tree = build_site_tree()
        yield tree
        transaction.set_rollback(True)
