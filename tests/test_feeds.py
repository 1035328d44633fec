"""The show feed is well-formed RSS with the tags podcast apps rely on."""

import pytest
from lxml import etree

from hub.audio.models import Rendition

pytestmark = pytest.mark.django_db

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"


def add_podcast_rendition(asset, size=123_456, duration=61.4):
    return Rendition.objects.create(
        asset=asset,
        preset="podcast-mp3",
        file="audio/renditions/test/podcast-mp3.mp3",
        mime_type="audio/mpeg",
        size_bytes=size,
        duration_seconds=duration,
        bitrate=128_000,
        sample_rate=44_100,
        channels=2,
        integrated_lufs=-16.0,
        true_peak_dbtp=-2.0,
        target_lufs=-16.0,
        sha256="0" * 64,
    )


def test_show_feed(site_tree, client):
    show = site_tree.page("show", "en")
    episode = site_tree.page("episode", "en")
    add_podcast_rendition(episode.audio)
    response = client.get(f"/feeds/shows/{show.pk}.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = etree.fromstring(response.content).find("channel")
    assert channel.findtext("title") == show.title
    assert channel.findtext("language") == "en"
    assert channel.findtext("link") == "http://testserver" + show.get_url()
    assert channel.findtext(f"{ITUNES}explicit") == "false"
    assert channel.find(f"{ITUNES}image").get("href").endswith(".jpg")
    category = channel.find(f"{ITUNES}category")
    assert category.get("text") == "Society & Culture"
    assert category.find(f"{ITUNES}category").get("text") == "Documentary"
    items = channel.findall("item")
    assert len(items) == 1
    enclosure = items[0].find("enclosure")
    assert enclosure.get("length") == "123456"
    assert enclosure.get("type") == "audio/mpeg"
    assert enclosure.get("url") == "http://testserver/media/audio/renditions/test/podcast-mp3.mp3"
    assert items[0].findtext(f"{ITUNES}duration") == "61"
    assert items[0].findtext(f"{ITUNES}explicit") == "false"


def test_episode_without_rendition_is_left_out(site_tree, client):
    show = site_tree.page("show", "it")
    channel = etree.fromstring(client.get(f"/feeds/shows/{show.pk}.xml").content).find("channel")
    assert channel.findall("item") == []


def test_unpublished_show_has_no_feed(site_tree, client):
    show = site_tree.page("show", "de")
    show.unpublish()
    assert client.get(f"/feeds/shows/{show.pk}.xml").status_code == 404


def test_feed_index_lists_every_language(site_tree, client):
    html = client.get("/en/feeds/").content.decode()
    for language in ["en", "de", "el", "it", "ar"]:
        assert f"/feeds/shows/{site_tree.page('show', language).pk}.xml" in html
