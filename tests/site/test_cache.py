"""Anonymous pages are cached and cleared on publish; editors never get or fill the cache;
HTML is compressed, streamed media is not."""

import gzip

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.access.views import audio_url
from hub.core.pagecache import HEADER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.HUB_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_second_anonymous_request_is_served_from_the_cache(rich_site, client):
    url = rich_site.page("story").get_url()
    first = client.get(url)
    assert first[HEADER] == "miss"
    with CaptureQueriesContext(connection) as captured:
        second = client.get(url)
    assert second[HEADER] == "hit"
    assert len(captured) == 0, "a cached page needs no database"
    assert second.content == first.content
    assert "Cookie" in second["Vary"]


def test_publishing_clears_the_cache(rich_site, client):
    story = rich_site.page("story")
    index_url = rich_site.page("story_index").get_url()
    client.get(story.get_url())
    client.get(index_url)
    story.title = "A new title after review"
    story.save_revision().publish()
    response = client.get(story.get_url())
    assert response[HEADER] == "miss"
    assert "A new title after review" in response.content.decode()
    assert "A new title after review" in client.get(index_url).content.decode(), "lists showing it change too"


def test_unpublishing_removes_the_page_at_once(rich_site, client):
    story = rich_site.page("story", "it")
    assert client.get(story.get_url()).status_code == 200
    assert client.get(story.get_url())[HEADER] == "hit"
    story.unpublish()
    assert client.get(story.get_url()).status_code == 404


def test_snippet_changes_clear_the_cache(rich_site, client):
    partner = type(rich_site.partners["red-cross"]["en"]).objects.get(pk=rich_site.partners["red-cross"]["en"].pk)
    url = rich_site.page("home").get_url()
    client.get(url)
    partner.name = "Hellenic Red Cross, Piraeus branch"
    partner.save()
    assert "Hellenic Red Cross, Piraeus branch" in client.get(url).content.decode()


def test_each_language_and_query_is_cached_apart(rich_site, client):
    index = rich_site.page("story_index").get_url()
    all_stories = client.get(index).content.decode()
    austria = client.get(index + "?country=AT").content.decode()
    assert all_stories != austria
    assert client.get(index + "?country=AT")[HEADER] == "hit"
    assert client.get(rich_site.page("story_index", "ar").get_url())[HEADER] == "miss"


def test_editors_are_never_served_nor_cached(rich_site, client, admin_client):
    url = rich_site.page("episode").get_url()
    editor = admin_client.get(url)
    assert HEADER not in editor, "an editor's page is not stored"
    assert client.get(url)[HEADER] == "miss", "the editor's render did not fill the cache"
    assert client.get(url)[HEADER] == "hit"
    again = admin_client.get(url)
    assert HEADER not in again, "an editor never gets the anonymous copy"
    assert "Cookie" in again["Vary"]


def test_non_html_and_errors_are_not_cached(rich_site, client):
    assert HEADER not in client.get("/robots.txt")
    assert client.get("/en/no-such-page/").status_code == 404
    assert HEADER not in client.get("/en/no-such-page/")


def test_html_is_compressed_but_media_is_not(rich_site, client):
    response = client.get(rich_site.page("story").get_url(), headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(response.content)
    media = client.get(
        audio_url(rich_site.audio.podcast_rendition), headers={"Accept-Encoding": "gzip", "Range": "bytes=0-9"}
    )
    assert media.status_code == 206 and "Content-Encoding" not in media
    assert len(b"".join(media.streaming_content)) == 10
