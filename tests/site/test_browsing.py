"""Browsing: story filters in shareable URLs, pagination, and the listings of shows, episodes,
campaigns and partners."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from hub.stories.factories import StoryPageFactory

pytestmark = pytest.mark.django_db


def story_titles(html: str) -> list[str]:
    grid = re.search(r"<div class=\"card-grid\" data-story-list>(.*?)</div>\s*(?:<nav|</section>)", html, re.S)
    if not grid:
        return []
    return re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', grid.group(1))


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_index_lists_every_story_without_filters(rich_site, client):
    titles = story_titles(get(client, rich_site.page("story_index").get_url()))
    assert sorted(titles) == sorted(
        ["Amina&#x27;s language café", "Jonas coaches football", "Sara cooks for the food bank"]
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?country=AT", ["Jonas coaches football"]),
        ("?country=gr", ["Amina&#x27;s language café"]),
        ("?language=ar", ["Amina&#x27;s language café", "Sara cooks for the food bank"]),
        ("?language=ar&theme=food-aid", ["Sara cooks for the food bank"]),
        ("?partner=red-cross", ["Amina&#x27;s language café", "Sara cooks for the food bank"]),
        ("?partner=red-cross&country=IT", ["Sara cooks for the food bank"]),
        ("?partner=freirad&country=IT", []),
        ("?theme=sports&language=de&partner=freirad&country=AT", ["Jonas coaches football"]),
    ],
)
def test_filters_combine(rich_site, client, query, expected):
    html = get(client, rich_site.page("story_index").get_url() + query)
    assert sorted(story_titles(html)) == sorted(expected)
    count = re.search(r'<p class="result-count" role="status">(\d+) stor', html).group(1)
    assert int(count) == len(expected)


def test_filter_form_shows_the_url_state_and_offers_what_exists(rich_site, client):
    html = get(client, rich_site.page("story_index").get_url() + "?country=IT&theme=food-aid")
    assert '<option value="IT" selected>Italy</option>' in html
    assert '<option value="food-aid" selected>Food aid</option>' in html
    assert '<option value="AT">Austria</option>' in html
    assert '<option value="FR"' not in html, "only countries that have stories are offered"
    for name in ("country", "language", "theme", "partner"):
        assert f'<label for="filter-{name}">' in html and f'name="{name}"' in html
    assert "Remove filter Country: Italy" in html


def test_unknown_filter_values_are_ignored(rich_site, client):
    html = get(client, rich_site.page("story_index").get_url() + "?country=XX&theme=no-such&partner=nobody&language=zz")
    assert len(story_titles(html)) == 3


def test_filters_work_in_every_language_with_the_same_parameters(rich_site, client):
    german_index = rich_site.page("story_index", "de").get_url()
    html = get(client, german_index + "?theme=language-cafe&partner=red-cross")
    assert story_titles(html) == [rich_site.page("story", "de").title.replace("'", "&#x27;")]
    assert '<option value="language-cafe" selected>Language café [de]</option>' in html
    assert story_titles(get(client, german_index + "?theme=sports")) == []


def test_language_switcher_keeps_the_filters(rich_site, client):
    html = get(client, rich_site.page("story_index").get_url() + "?country=GR&theme=language-cafe")
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    arabic = rich_site.page("story_index", "ar").get_url()
    assert f'href="{arabic}?country=GR&amp;theme=language-cafe"' in switcher


def test_pagination_keeps_the_filters(rich_site, client):
    index = rich_site.page("story_index")
    for number in range(14):
        StoryPageFactory(parent=index, title=f"Greek story {number:02d}", slug=f"greek-{number}", country="GR")
    html = get(client, index.get_url() + "?country=GR")
    assert len(story_titles(html)) == 12
    assert re.search(r'<p class="result-count" role="status">15 stories', html)
    assert 'href="?country=GR&amp;page=2" rel="next"' in html
    second = get(client, index.get_url() + "?country=GR&page=2")
    assert len(story_titles(second)) == 3
    assert 'href="?country=GR&amp;page=1" rel="prev"' in second
    assert set(story_titles(html)).isdisjoint(story_titles(second))


def test_show_page_lists_released_episodes_only(rich_site, client):
    show = rich_site.page("show")
    from hub.radio.factories import EpisodePageFactory

    embargoed = EpisodePageFactory(parent=show, title="Not yet for the public", slug="later")
    embargoed.public_release_at = timezone.now() + timedelta(days=3)
    embargoed.save_revision().publish()
    html = get(client, show.get_url())
    assert rich_site.page("episode").title in html
    assert "Not yet for the public" not in html
    assert client.get(embargoed.get_url()).status_code == 404
    assert "Not yet for the public" not in get(client, rich_site.page("home").get_url())


def test_radio_and_campaign_listings(rich_site, client):
    radio = get(client, rich_site.page("radio_index", "el").get_url())
    assert rich_site.page("show", "el").title in radio
    campaigns = get(client, rich_site.page("campaign_index", "it").get_url())
    assert rich_site.page("campaign", "it").title in campaigns
    assert rich_site.page("campaign", "en").title + "<" not in campaigns


def test_partner_list_and_pages(rich_site, client):
    listing = get(client, "/en/partners/")
    assert "Red Cross Piraeus" in listing and "FREIRAD community radio" in listing
    assert 'href="/en/partners/red-cross/"' in listing

    page = get(client, "/en/partners/red-cross/")
    assert "<h1>Red Cross Piraeus</h1>" in page
    stories = page.split('id="partner-stories"')[1].split("</section>")[0]
    assert "language café" in stories and "Sara cooks" in stories and "Jonas" not in stories
    episodes = page.split('id="partner-episodes"')[1].split("</section>")[0]
    assert rich_site.page("episode").title in episodes, "episodes related to the partner's stories"
    campaigns = page.split('id="partner-campaigns"')[1].split("</section>")[0]
    assert rich_site.page("campaign").title in campaigns

    freirad = get(client, "/en/partners/freirad/")
    assert "Jonas coaches football" in freirad
    assert rich_site.page("campaign").title not in freirad


def test_partner_page_in_another_language_and_its_switcher(rich_site, client):
    page = get(client, "/de/partners/red-cross/")
    assert "Red Cross Piraeus [de]" in page
    assert rich_site.page("story", "de").title.replace("'", "&#x27;") in page
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', page, re.S).group(0)
    for code in ("en", "el", "it", "ar"):
        assert f'href="/{code}/partners/red-cross/"' in switcher
    assert client.get("/en/partners/no-such-partner/").status_code == 404


def test_story_page_links_its_facets_to_filtered_lists(rich_site, client):
    html = get(client, rich_site.page("story").get_url())
    index = rich_site.page("story_index").get_url()
    assert f'href="{index}?country=GR"' in html
    assert f'href="{index}?theme=language-cafe"' in html
    assert f'href="{index}?language=ar"' in html
    assert 'href="/en/partners/red-cross/"' in html
    assert rich_site.page("episode").title in html.split('id="related-episodes"')[1]
