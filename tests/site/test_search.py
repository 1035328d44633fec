"""Search: stories, episodes, campaigns and standard pages in the current language, with marked
excerpts and the story filters."""

import re

import pytest

from hub.search.highlight import excerpt, mark, query_terms

pytestmark = pytest.mark.django_db


def results(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    items = re.findall(
        r'<li class="search-result result-(\w+)">\s*<p class="result-kind">([^<]+)</p>\s*'
        r'<h3><a href="([^"]+)">(.*?)</a></h3>\s*(?:<p class="excerpt">(.*?)</p>)?',
        html,
        re.S,
    )
    return [
        {"kind": kind, "label": label, "url": url, "title": title, "excerpt": text}
        for kind, label, url, title, text in items
    ]


def test_finds_stories_and_episodes_with_marked_titles(rich_site, client):
    found = results(client, "/en/search/?q=café")
    urls = {item["url"] for item in found}
    assert rich_site.page("story").get_url() in urls
    assert rich_site.page("episode").get_url() in urls
    story = next(item for item in found if item["url"] == rich_site.page("story").get_url())
    assert story["kind"] == "storypage" and story["label"] == "Story"
    assert "<mark>café</mark>" in story["title"]


def test_excerpts_mark_the_words_found(rich_site, client):
    found = results(client, "/en/search/?q=meals")
    assert [item["url"] for item in found] == [rich_site.extra_stories["sara"].get_url()]
    assert "Three hundred <mark>meals</mark> a week" in found[0]["excerpt"]


def test_campaigns_and_standard_pages_are_found(rich_site, client):
    kinds = {item["kind"] for item in results(client, "/en/search/?q=campaign")}
    assert "campaignpage" in kinds
    about = results(client, "/en/search/?q=body")
    assert [item["url"] for item in about] == [rich_site.page("standard").get_url()]
    assert "<mark>Body</mark> text." in about[0]["excerpt"]


def test_results_are_in_the_current_language_only(rich_site, client):
    arabic = results(client, "/ar/search/?q=café")
    assert arabic, "the Arabic translations are found"
    assert all(item["url"].startswith("/ar/") for item in arabic)
    assert rich_site.page("story", "ar").get_url() in {item["url"] for item in arabic}


def test_filters_apply_to_search(rich_site, client):
    story, episode = rich_site.page("story").get_url(), rich_site.page("episode").get_url()
    greek = {item["url"] for item in results(client, "/en/search/?q=café&country=GR")}
    assert {story, episode} <= greek
    themed = {item["url"] for item in results(client, "/en/search/?q=café&country=GR&theme=language-cafe")}
    assert story in themed and episode not in themed, "episodes carry no theme"
    assert results(client, "/en/search/?q=café&country=AT") == []
    partner = {item["url"] for item in results(client, "/en/search/?q=café&partner=red-cross")}
    assert partner == {story, episode, rich_site.extra_stories["sara"].get_url()}
    assert rich_site.extra_stories["sara"].get_url() not in greek, "Sara volunteers in Italy"
    assert results(client, "/en/search/?q=body&country=GR") == [], "standard pages have no facets"


def test_filter_links_keep_the_query(rich_site, client):
    html = client.get("/en/search/?q=café&country=GR").content.decode()
    assert "Remove filter Country: Greece" in html
    assert 'href="/en/search/?q=caf%C3%A9"' in html
    assert '<input type="hidden" name="q" value="café">' in html


def test_query_is_escaped(rich_site, client):
    html = client.get("/en/search/?q=%3Cscript%3Ealert(1)%3C/script%3E").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_search_pages_are_not_indexed_by_robots(rich_site, client):
    html = client.get("/en/search/?q=café").content.decode()
    assert '<meta name="robots" content="noindex, follow">' in html


def test_mark_escapes_everything_else():
    assert mark("<b>Café</b> & café", ["café"]) == "&lt;b&gt;<mark>Café</mark>&lt;/b&gt; &amp; <mark>café</mark>"
    assert query_terms("the volunteering volunteer") == ["volunteering", "volunteer", "the"]


def test_excerpt_is_a_window_around_the_first_match():
    text = " ".join(f"word{n}" for n in range(200)) + " needle " + " ".join(f"tail{n}" for n in range(200))
    cut = excerpt(text, ["needle"])
    assert "<mark>needle</mark>" in cut
    assert cut.startswith("… ") and cut.endswith(" …")
    assert len(cut) < 320
    assert excerpt("<p>Arabic: مقهى اللغات في بيرايوس</p>", ["اللغات"]) == "Arabic: مقهى <mark>اللغات</mark> في بيرايوس"
