"""Sharing and discovery: sitemap with hreflang alternates, robots.txt, canonical URLs,
Open Graph, Twitter cards and JSON-LD."""

import json
import re
from xml.etree import ElementTree as ET

import pytest

from hub.access.views import audio_url
from tests.conftest import LANGUAGE_CODES

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
BASE = "http://testserver"


def sitemap(client) -> dict[str, dict[str, str]]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - the hub's own output
    entries = {}
    for url in root.findall("s:url", NS):
        loc = url.find("s:loc", NS).text
        entries[loc] = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)}
    return entries


def head(client, url) -> str:
    html = client.get(url).content.decode()
    return html.split("</head>")[0]


def json_ld(html: str) -> list[dict]:
    return [
        json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def meta(html: str, attribute: str, name: str) -> list[str]:
    return re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)


def test_sitemap_lists_every_page_in_every_language_with_its_alternates(rich_site, client):
    entries = sitemap(client)
    for kind in ("home", "story_index", "story", "show", "episode", "campaign", "standard"):
        urls = {code: BASE + rich_site.page(kind, code).get_url() for code in LANGUAGE_CODES}
        for url in urls.values():
            assert url in entries, url
            alternates = entries[url]
            assert {lang: href for lang, href in alternates.items() if lang != "x-default"} == urls
            assert alternates["x-default"] == urls["en"]


def test_sitemap_lists_partner_pages_and_leaves_out_what_is_not_public(rich_site, client):
    from datetime import timedelta

    from django.utils import timezone

    from hub.radio.factories import EpisodePageFactory

    embargoed = EpisodePageFactory(parent=rich_site.page("show"), slug="embargoed")
    embargoed.public_release_at = timezone.now() + timedelta(days=1)
    embargoed.save_revision().publish()
    rich_site.page("campaign", "el").unpublish()
    entries = sitemap(client)
    assert f"{BASE}/ar/partners/red-cross/" in entries
    assert entries[f"{BASE}/de/partners/"]["ar"] == f"{BASE}/ar/partners/"
    assert BASE + embargoed.get_url() not in entries
    assert BASE + rich_site.page("campaign", "el").get_url() not in entries
    assert "el" not in entries[BASE + rich_site.page("campaign", "en").get_url()]
    assert entries[BASE + rich_site.extra_stories["jonas"].get_url()] == {}, "no translation: no alternates"


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "User-agent: *" in text
    assert "Disallow: /admin/" in text and "Disallow: /ar/search/" in text
    assert f"Sitemap: {BASE}/sitemap.xml" in text


def test_canonical_and_hreflang_on_pages(rich_site, client):
    url = rich_site.page("story", "ar").get_url()
    html = head(client, url + "?utm_source=newsletter")
    assert f'<link rel="canonical" href="{BASE}{url}">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{BASE}{rich_site.page("story").get_url()}">' in html
    index = rich_site.page("story_index").get_url()
    filtered = head(client, index + "?theme=sports&country=AT&utm_medium=x")
    assert f'<link rel="canonical" href="{BASE}{index}?country=AT&amp;theme=sports">' in filtered


def test_story_has_open_graph_twitter_card_and_article_json_ld(rich_site, client):
    story = rich_site.page("story")
    html = head(client, story.get_url())
    assert meta(html, "property", "og:type") == ["article"]
    assert meta(html, "property", "og:title") == [story.title.replace("'", "&#x27;")]
    assert meta(html, "property", "og:url") == [BASE + story.get_url()]
    assert meta(html, "property", "og:locale") == ["en_GB"]
    assert set(meta(html, "property", "og:locale:alternate")) == {"de_DE", "el_GR", "it_IT", "ar_AR"}
    image = meta(html, "property", "og:image")[0]
    assert image.startswith(BASE + "/media/images/") and image.endswith(".jpg")
    assert meta(html, "property", "og:image:alt") == [story.hero_alt]
    assert meta(html, "name", "twitter:image") == [image]
    assert meta(html, "name", "twitter:card")[0] in ("summary", "summary_large_image")
    (article,) = json_ld(html)
    assert article["@type"] == "Article"
    assert article["headline"] == story.title
    assert article["author"] == {"@type": "Person", "name": story.storyteller_name}
    assert article["inLanguage"] == "en"
    assert article["datePublished"] == story.publication_date.isoformat()
    assert article["image"] == [image]
    assert article["contentLocation"]["address"]["addressCountry"] == "GR"


def test_show_and_episode_json_ld(rich_site, client):
    show, episode = rich_site.page("show", "de"), rich_site.page("episode", "de")
    (series,) = json_ld(head(client, show.get_url()))
    assert series["@type"] == "PodcastSeries"
    assert series["name"] == show.title
    assert series["webFeed"] == f"{BASE}/feeds/shows/{show.pk}.xml"
    assert series["url"] == BASE + show.get_url()

    html = head(client, episode.get_url())
    (data,) = json_ld(html)
    assert data["@type"] == "PodcastEpisode"
    assert data["name"] == episode.title
    assert data["partOfSeries"]["webFeed"] == series["webFeed"]
    assert data["duration"] == "PT9S"
    media = data["associatedMedia"]
    assert media["contentUrl"] == BASE + audio_url(rich_site.audio.podcast_rendition)
    assert media["encodingFormat"] == "audio/mpeg"
    assert meta(html, "property", "og:audio") == [media["contentUrl"]]


def test_json_ld_cannot_break_out_of_its_script(rich_site, client):
    story = rich_site.page("story", "it")
    story.title = "</script><script>alert(1)</script>"
    story.save_revision().publish()
    html = head(client, story.get_url())
    (article,) = json_ld(html)
    assert article["headline"] == "</script><script>alert(1)</script>"
    assert "<script>alert(1)" not in html


def test_home_page_declares_the_site_search(rich_site, client):
    (website,) = json_ld(head(client, rich_site.page("home", "el").get_url()))
    assert website["@type"] == "WebSite"
    assert website["potentialAction"]["target"]["urlTemplate"] == f"{BASE}/el/search/?q={{search_term_string}}"
