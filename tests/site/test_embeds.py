"""Embeds: the iframe player page (the only framable page) and the oEmbed endpoint."""

import re
from urllib.parse import quote
from xml.etree import ElementTree as ET

import pytest

from hub.access.views import audio_url

pytestmark = pytest.mark.django_db
BASE = "http://testserver"


def test_embed_page_may_be_framed_and_plays_the_episode(rich_site, client):
    episode = rich_site.page("episode")
    response = client.get(f"/embed/episode/{episode.pk}/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response, "other sites may frame the embed player"
    assert response["X-Robots-Tag"] == "noindex"
    html = response.content.decode()
    assert f'<source src="{audio_url(rich_site.audio.podcast_rendition)}" type="audio/mpeg">' in html
    assert f'href="{BASE}{episode.get_url()}" target="_blank"' in html
    assert 'data-peaks="' in html and "wavesurfer" in html

    ordinary = client.get(episode.get_url())
    assert ordinary["X-Frame-Options"] in ("SAMEORIGIN", "DENY"), "every other page refuses framing"


def test_embed_speaks_the_episodes_language(rich_site, client):
    episode = rich_site.page("episode", "ar")
    html = client.get(f"/embed/episode/{episode.pk}/", headers={"Accept-Language": "de"}).content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_embed_of_an_unpublished_episode_is_not_found(rich_site, client):
    episode = rich_site.page("episode", "el")
    episode.unpublish()
    assert client.get(f"/embed/episode/{episode.pk}/").status_code == 404
    assert client.get("/embed/episode/999999/").status_code == 404


def test_oembed_json(rich_site, client):
    episode = rich_site.page("episode")
    url = BASE + episode.get_url()
    response = client.get(f"/oembed/?url={quote(url)}&maxwidth=500")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["version"] == "1.0" and data["type"] == "rich"
    assert data["title"] == episode.title
    assert data["author_name"] == rich_site.page("show").title
    assert data["width"] == 500 and data["height"] == 200
    src = re.search(r'<iframe src="([^"]+)" width="500" height="200" title="([^"]+)"', data["html"])
    assert src.group(1) == f"{BASE}/embed/episode/{episode.pk}/"
    assert src.group(2) == episode.title


def test_oembed_xml_and_unsupported_formats(rich_site, client):
    url = quote(BASE + rich_site.page("episode", "it").get_url())
    xml = client.get(f"/oembed/?url={url}&format=xml")
    assert xml.status_code == 200 and xml["Content-Type"].startswith("text/xml")
    root = ET.fromstring(xml.content)  # noqa: S314 - the hub's own output
    assert root.tag == "oembed" and root.findtext("type") == "rich"
    assert root.findtext("title") == rich_site.page("episode", "it").title
    assert client.get(f"/oembed/?url={url}&format=yaml").status_code == 501


def test_oembed_only_answers_for_our_episodes(rich_site, client, settings):
    assert client.get(f"/oembed/?url={quote(BASE + rich_site.page('story').get_url())}").status_code == 404
    assert client.get("/oembed/?url=" + quote(BASE + "/en/no/such/page/")).status_code == 404
    assert client.get("/oembed/").status_code == 404
    settings.ALLOWED_HOSTS = ["testserver"]
    other = "https://elsewhere.example" + rich_site.page("episode").get_url()
    assert client.get(f"/oembed/?url={quote(other)}").status_code == 404
    embed_url = f"{BASE}/embed/episode/{rich_site.page('episode').pk}/"
    assert client.get(f"/oembed/?url={quote(embed_url)}").status_code == 200


def test_episode_page_advertises_its_oembed(rich_site, client):
    episode = rich_site.page("episode")
    html = client.get(episode.get_url()).content.decode()
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html).group(1)
    response = client.get(link.replace("&amp;", "&").removeprefix(BASE))
    assert response.status_code == 200 and response.json()["title"] == episode.title
