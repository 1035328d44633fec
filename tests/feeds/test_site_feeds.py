"""Atom and RSS of the latest stories per language, OPML of the shows, and the page listing all feeds."""

import feedparser
import pytest
from lxml import etree

from .conftest import fresh, publish

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["atom", "rss"])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_stories_feed(client, site_tree, kind, language):
    story = site_tree.page("story", language)
    response = client.get(f"/{language}/feeds/stories.{kind}")
    assert response.status_code == 200
    expected = "application/atom+xml" if kind == "atom" else "application/rss+xml"
    assert response["Content-Type"] == f"{expected}; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.language == language if kind == "rss" else True
    assert [entry.title for entry in parsed.entries] == [story.title]
    entry = parsed.entries[0]
    assert entry.link == "http://testserver" + story.get_url()
    assert entry.id == f"urn:hub:story:{story.translation_key}:{language}"
    assert client.get(response.request["PATH_INFO"], headers={"If-None-Match": response["ETag"]}).status_code == 304


def test_stories_feed_follows_publishing(client, site_tree):
    story = fresh(site_tree.page("story", "it"))
    assert story.title.encode() in client.get("/it/feeds/stories.atom").content
    story.unpublish()
    assert story.title.encode() not in client.get("/it/feeds/stories.atom").content
    story = fresh(story)
    story.title = "Una nuova storia"
    publish(story)
    assert b"Una nuova storia" in client.get("/it/feeds/stories.atom").content


def test_opml(client, site_tree):
    response = client.get("/de/feeds/shows.opml")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/x-opml; charset=utf-8"
    root = etree.fromstring(response.content)
    assert root.get("version") == "2.0"
    outlines = root.find("body").findall("outline")
    show = site_tree.page("show", "de")
    assert [(o.get("type"), o.get("text"), o.get("xmlUrl"), o.get("htmlUrl")) for o in outlines] == [
        ("rss", show.title, f"http://testserver/feeds/shows/{show.pk}.xml", "http://testserver" + show.get_url())
    ]


def test_feed_index_lists_every_feed(client, site_tree):
    html = client.get("/en/feeds/").content.decode()
    for language in ["en", "de", "el", "it", "ar"]:
        assert f"/feeds/shows/{site_tree.page('show', language).pk}.xml" in html
        assert f"/{language}/feeds/stories.atom" in html
        assert f"/{language}/feeds/stories.rss" in html
        assert f"/{language}/feeds/shows.opml" in html
    assert html.index(f"/feeds/shows/{site_tree.page('show', 'en').pk}.xml") < html.index(
        f"/feeds/shows/{site_tree.page('show', 'de').pk}.xml"
    ), "the current language's feeds come first"


def test_feed_index_in_arabic(client, site_tree):
    html = client.get("/ar/feeds/").content.decode()
    assert html.index(f"/feeds/shows/{site_tree.page('show', 'ar').pk}.xml") < html.index(
        f"/feeds/shows/{site_tree.page('show', 'en').pk}.xml"
    )


def test_stories_feed_carries_only_stories_whose_people_consented(client, site_tree):
    """Even before the takedown task has run, a lapsed consent keeps the story out of the feed."""
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    from hub.consent.models import ConsentRecord
    from hub.stories.models import StoryPage

    story = fresh(site_tree.page("story", "el"))
    record = ConsentRecord.objects.create(
        public_name="Amina", scope_website=True, granted_on=timezone.localdate() - timedelta(days=10)
    )
    story.consents.add(record)
    story.no_identifiable_person = False
    story.save()
    assert story.title.encode() in client.get("/el/feeds/stories.rss").content
    ConsentRecord.objects.filter(pk=record.pk).update(withdrawn_on=timezone.localdate())
    cache.clear()
    assert StoryPage.objects.get(pk=story.pk).live
    assert story.title.encode() not in client.get("/el/feeds/stories.rss").content
