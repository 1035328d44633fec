"""What a newcomer sees first, in headless Chromium: the embed at the size oEmbed advertises,
the phone layout, Arabic pages, the translated site name, and no request to a third party.

Screenshots of the home page, an episode page and the admin's audio inspection are taken by these
tests; with HUB_UPDATE_SCREENSHOTS=1 they are written to docs/img/ (the README shows them).
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from PIL import Image

from tests.browser import browser, page  # noqa: F401 - fixtures
from tests.site.conftest import build_rich_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The README's screenshots are written again only when asked (HUB_UPDATE_SCREENSHOTS=1): a test run
# leaves the working tree as it found it.
SCREENSHOTS = (
    settings.BASE_DIR / "docs" / "img"
    if os.environ.get("HUB_UPDATE_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "hub-screenshots"
)
SITE_NAMES = {"en": "Volunteering Hub", "de": "Ehrenamts-Hub", "ar": "منصة التطوع"}


@pytest.fixture
def site(transactional_db, tmp_path):
    return build_rich_site(tmp_path, languages=("en", "de", "ar"))


def new_page(browser, width, height):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": height})
    return context, context.new_page()


def box(page, selector):  # noqa: F811
    return page.locator(selector).first.bounding_box()


def save_screenshot(page, name):  # noqa: F811
    """Take a screenshot; for the README (docs/img/) with HUB_UPDATE_SCREENSHOTS=1."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path))
    with Image.open(path) as image:
        image.convert("RGB").save(path, optimize=True)


def test_embed_shows_its_play_controls_at_the_size_oembed_advertises(site, site_server, browser, client):  # noqa: F811
    episode = site.page("episode")
    oembed = client.get(reverse("oembed"), {"url": f"http://localhost{episode.get_url()}", "format": "json"}).json()
    width, height = oembed["width"], oembed["height"]
    assert (width, height) == (640, 200)
    context, page = new_page(browser, width, height)  # noqa: F811
    try:
        page.goto(f"{site_server.url}/embed/episode/{episode.pk}/")
        page.wait_for_selector("[data-player].is-enhanced")
        for selector in (".embed-title", "[data-waveform]", "audio[data-audio]", ".embed-more a"):
            area = box(page, selector)
            assert area is not None and page.locator(selector).first.is_visible(), selector
            assert area["y"] >= 0 and area["y"] + area["height"] <= height + 0.5, f"{selector} is cut: {area}"
            assert area["x"] >= 0 and area["x"] + area["width"] <= width + 0.5, f"{selector} is cut: {area}"
        assert page.evaluate("document.scrollingElement.scrollHeight") <= height, "nothing below the frame"
        # Nothing covers the native controls: a click in them reaches the audio element.
        covered = page.evaluate(
            """() => {
              const audio = document.querySelector('audio[data-audio]');
              const r = audio.getBoundingClientRect();
              return [[0.1, 0.5], [0.5, 0.5], [0.9, 0.5]].filter(([fx, fy]) =>
                document.elementFromPoint(r.left + fx * r.width, r.top + fy * r.height) !== audio).length;
            }"""
        )
        assert covered == 0, "the play controls are covered"
    finally:
        context.close()


def test_phone_layout_collapses_the_menu_and_keeps_the_save_data_label_with_its_box(site, site_server, browser):  # noqa: F811
    context, page = new_page(browser, 375, 740)  # noqa: F811
    try:
        page.goto(site_server.url + site.page("episode").get_url())
        page.wait_for_selector("[data-player].is-enhanced")
        header = box(page, ".site-header")
        assert header["height"] <= 740 * 0.15, f"the header takes {header['height']}px of the first screen"
        toggle = page.locator("[data-nav-toggle]")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert not page.locator(".main-nav").is_visible()
        assert page.locator("h1").first.bounding_box()["y"] < 200, "the episode starts on the first screen"

        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator(".main-nav a", has_text="About").is_visible()
        assert page.locator(".language-switcher a[hreflang=de]").is_visible()
        page.keyboard.press("Escape")
        assert not page.locator(".main-nav").is_visible()

        checkbox, label = box(page, "[data-lowband]"), box(page, ".lowband-choice span")
        assert label["y"] <= checkbox["y"] + checkbox["height"] / 2 <= label["y"] + label["height"], "on one line"
        gap = label["x"] - (checkbox["x"] + checkbox["width"])
        assert 0 <= gap <= 16, f"the label is {gap}px from its checkbox"
        page.locator(".lowband-choice span").click()
        assert page.locator("[data-lowband]").is_checked(), "the label toggles its checkbox"
        save_screenshot(page, "episode-phone.png")

        page.set_viewport_size({"width": 1200, "height": 900})
        assert not toggle.is_visible() and page.locator(".main-nav").is_visible(), "wide screens show the menu"
    finally:
        context.close()


def test_arabic_pages_read_well(site, site_server, browser):  # noqa: F811
    context, page = new_page(browser, 1200, 900)  # noqa: F811
    try:
        size = {}
        for code in ("en", "ar"):
            page.goto(site_server.url + site.page("episode", code).get_url())
            size[code] = page.evaluate(
                "parseFloat(getComputedStyle(document.querySelector('.prose p, main p')).fontSize)"
            )
        assert size["ar"] >= 1.1 * size["en"], f"Arabic body text is {size['ar']}px against {size['en']}px"

        # The show page lists the show in other languages: "title (language) · feed", in that
        # reading order, right to left, although the German title and name are left-to-right text.
        page.goto(site_server.url + site.page("show", "ar").get_url())
        item = page.locator(".variants li", has=page.locator("a[hreflang=de]"))
        title, language, feed = (
            item.locator("a[hreflang=de]").bounding_box(),
            item.locator("bdi").bounding_box(),
            item.locator("a[type='application/rss+xml']").bounding_box(),
        )
        assert title["x"] > language["x"] > feed["x"], "title first (rightmost), then the language, then the feed"

        # "MP3 (761,5 ك.ب)": the size is an isolate, so its brackets enclose it in an Arabic line,
        # and it follows the format's name (to its left).
        page.goto(site_server.url + site.page("episode", "ar").get_url())
        for link in page.locator(".player a[download]").all():
            size = link.locator("bdi")
            assert size.evaluate("el => getComputedStyle(el).unicodeBidi") == "isolate"
            text = size.inner_text()
            assert text.startswith("(") and text.endswith(")"), text
            name = link.evaluate(
                "el => { const r = document.createRange(); r.selectNodeContents(el.firstChild);"
                " return r.getBoundingClientRect().x; }"
            )
            assert size.bounding_box()["x"] < name, "the size is left of the format's name"
    finally:
        context.close()


@pytest.mark.parametrize("code", sorted(SITE_NAMES))
def test_site_name_is_translated_in_the_header_and_the_title(site, site_server, page, code):  # noqa: F811
    page.goto(site_server.url + site.page("story", code).get_url())
    name = SITE_NAMES[code]
    assert page.locator(".brand").inner_text() == name
    assert page.title().endswith(f"· {name}")


def test_no_public_or_admin_page_asks_a_third_party_host(site, site_server, browser):  # noqa: F811
    get_user_model().objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    context, page = new_page(browser, 1200, 900)  # noqa: F811
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    own = urlsplit(site_server.url).netloc
    try:
        public = [site.page(kind, "en").get_url() for kind in ("home", "story_index", "story", "show", "episode")]
        public += [
            site.page("episode", "ar").get_url(),
            f"/embed/episode/{site.page('episode').pk}/",
            "/en/search/?q=caf",
        ]
        for path in public:
            page.goto(site_server.url + path)
            page.wait_for_load_state("networkidle")
        page.goto(site_server.url + "/admin/login/")
        page.fill("input[name=username]", "editor")
        page.fill("input[name=password]", "a-long-test-password")
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/")
        admin = [
            "/admin/",
            f"/admin/pages/{site.page('episode').pk}/edit/",
            reverse("wagtailsnippets_audio_audioasset:inspect", args=[site.audio.pk]),
            "/admin/users/",
        ]
        for path in admin:
            page.goto(site_server.url + path)
            page.wait_for_load_state("networkidle")
        page.goto(site_server.url + admin[2])
        save_screenshot(page, "admin-audio-inspect.png")
        page.goto(site_server.url + public[0])
        save_screenshot(page, "home.png")
        page.goto(site_server.url + site.page("episode").get_url())
        page.wait_for_selector("[data-player].is-enhanced")
        save_screenshot(page, "episode.png")
    finally:
        context.close()
    foreign = sorted(
        {url for url in requested if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != own}
    )
    assert foreign == [], "pages asked a third-party host"
    assert any("/admin/" in url for url in requested)
