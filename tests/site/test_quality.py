"""Page hygiene without a browser: alternative text is required where editors add images, and
pages load nothing from other hosts and nothing that blocks rendering but the one stylesheet."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import wagtail_factories
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import nested_form_data, streamfield

from hub.campaigns.models import CampaignImage
from hub.core.blocks import ImageBlock
from hub.stories.models import StoryPage

pytestmark = pytest.mark.django_db

PAGES = ["home", "story_index", "story", "radio_index", "show", "episode", "campaign_index", "campaign", "standard"]


class Resources(HTMLParser):
    """Every resource a page makes the browser fetch, and how its scripts load."""

    def __init__(self):
        super().__init__()
        self.fetched: list[str] = []
        self.blocking_scripts: list[str] = []
        self.stylesheets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" in attributes:
            self.fetched.append(attributes["src"])
            if "defer" not in attributes and "async" not in attributes and attributes.get("type") != "module":
                self.blocking_scripts.append(attributes["src"])
        elif tag == "link" and attributes.get("rel") in ("stylesheet", "preload", "modulepreload", "icon"):
            self.fetched.append(attributes["href"])
            if attributes["rel"] == "stylesheet":
                self.stylesheets.append(attributes["href"])
        elif tag in ("img", "source", "iframe", "audio", "video") and attributes.get("src"):
            self.fetched.append(attributes["src"])
        if attributes.get("srcset"):
            self.fetched.extend(part.strip().split(" ")[0] for part in attributes["srcset"].split(","))


def resources(html: str) -> Resources:
    parser = Resources()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("language", ["en", "ar"])
def test_pages_fetch_nothing_from_other_hosts_and_nothing_blocking(rich_site, client, language):
    urls = [rich_site.page(kind, language).get_url() for kind in PAGES]
    urls += [f"/{language}/search/?q=café", f"/{language}/partners/", f"/{language}/partners/red-cross/"]
    urls.append(f"/embed/episode/{rich_site.page('episode', language).pk}/")
    for url in urls:
        page = resources(client.get(url).content.decode())
        for resource in page.fetched:
            assert resource.startswith("/") and not resource.startswith("//"), f"{url} fetches {resource}"
        assert page.blocking_scripts == [], f"{url}: scripts must not block rendering"
        assert page.stylesheets == ["/static/css/hub.css"], url


def test_stylesheet_and_script_import_nothing(client):
    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/hub.css")).read_text(encoding="utf-8")
    js = Path(finders.find("js/hub.js")).read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
    assert not re.search(r"https?://", js), "the hub's script calls no other host"


def test_episode_page_loads_the_waveform_library_from_the_hub(rich_site, client):
    page = resources(client.get(rich_site.page("episode").get_url()).content.decode())
    scripts = [item for item in page.fetched if item.endswith(".js")]
    # The phone menu's script, then the waveform library before the player that uses it; all the hub's own.
    assert scripts == ["/static/js/menu.js", "/static/vendor/wavesurfer/wavesurfer.min.js", "/static/js/hub.js"]
    from django.contrib.staticfiles import finders

    library = finders.find("vendor/wavesurfer/wavesurfer.min.js")
    assert library, "scripts/setup.sh installs wavesurfer.js from npm and copies it to static_src/vendor/"
    assert "WaveSurfer" in Path(library).read_text(encoding="utf-8")[:2000]


def test_story_hero_alt_text_is_required_in_the_admin(rich_site, admin_user):
    story = rich_site.page("story")
    form_class = StoryPage.get_edit_handler().get_form_class()
    data = {"title": story.title, "slug": story.slug, "body": streamfield([]), "hero_alt": ""}
    without = form_class(data=nested_form_data(data), instance=story, for_user=admin_user)
    assert not without.is_valid()
    assert "hero_alt" in without.errors
    data["hero_alt"] = "Two people at a table"
    with_alt = form_class(data=nested_form_data(data), instance=story, for_user=admin_user)
    with_alt.is_valid()
    assert "hero_alt" not in with_alt.errors


def test_image_blocks_and_campaign_images_require_alternative_text():
    image = wagtail_factories.ImageFactory()
    block = ImageBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"image": image.pk, "alt_text": "", "caption": ""}))
    assert (
        block.clean(block.to_python({"image": image.pk, "alt_text": "A mural", "caption": ""}))["alt_text"] == "A mural"
    )
    assert CampaignImage._meta.get_field("alt_text").blank is False


def test_language_switcher_names_each_language_in_itself(rich_site, client):
    html = client.get(rich_site.page("home").get_url()).content.decode()
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    assert re.search(r'hreflang="ar" lang="ar" dir="rtl">العربي', switcher)
    assert 'lang="el" dir="ltr"' in switcher and "Ελληνικά" in switcher
    assert html.index('class="skip-link"') < html.index("<header"), "the skip link comes first"
