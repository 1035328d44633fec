"""What a visitor does, in headless Chromium: listen with the waveform and the transcript
following along, seek by chapter and cue, filter stories, switch language, read Arabic."""

import time
from urllib.parse import urlsplit

import pytest

from hub.access.views import audio_url
from tests.browser import browser, page  # noqa: F401 - fixtures
from tests.site.conftest import build_rich_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CURSOR = """() => {
  const host = [...document.querySelectorAll('[data-waveform] *')].find((el) => el.shadowRoot);
  const cursor = host && host.shadowRoot.querySelector('[part="cursor"]');
  return cursor ? parseFloat(cursor.style.left || '0') : null;
}"""
CURRENT_TIME = "() => document.querySelector('[data-audio]').currentTime"


@pytest.fixture
def site(transactional_db, tmp_path):
    return build_rich_site(tmp_path, languages=("en", "de", "ar"))


def open_episode(page, site_server, site, language="en"):  # noqa: F811
    page.goto(site_server.url + site.page("episode", language).get_url())
    page.wait_for_selector("[data-player].is-enhanced")
    page.wait_for_function(f"({CURSOR})() !== null")  # the waveform is drawn


def test_play_moves_the_waveform_cursor_and_the_transcript_follows(site, site_server, page):  # noqa: F811
    open_episode(page, site_server, site)
    assert page.locator("[data-waveform]").is_visible(), "the waveform replaces nothing and is shown"
    assert page.evaluate(CURSOR) == 0
    assert page.evaluate("document.querySelector('[data-audio]').paused")

    # Keyboard only: focus the waveform (a slider) and press Space to play.
    page.locator("[data-waveform]").focus()
    page.keyboard.press("Space")
    page.wait_for_function(f"({CURRENT_TIME})() > 3.4", timeout=15000)

    assert page.evaluate(CURSOR) > 20, "the cursor moved along the waveform (percent of the width)"
    current = page.locator(".cue.is-current")
    assert current.count() == 1
    assert current.get_attribute("data-start") == "3"
    assert current.get_attribute("aria-current") == "true"
    assert page.locator(".chapters li.is-current").get_attribute("data-start") == "3"
    assert int(page.locator("[data-waveform]").get_attribute("aria-valuenow")) >= 3

    page.wait_for_function(f"({CURRENT_TIME})() > 6.3", timeout=15000)
    assert page.locator(".cue.is-current").get_attribute("data-start") == "6", "the highlight moved on"

    page.keyboard.press("Space")
    assert page.evaluate("document.querySelector('[data-audio]').paused")
    page.keyboard.press("Home")
    page.wait_for_function(f"({CURRENT_TIME})() < 0.5")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"Math.abs(({CURRENT_TIME})() - 5) < 0.5")


def test_clicking_a_chapter_or_a_cue_seeks(site, site_server, page):  # noqa: F811
    open_episode(page, site_server, site)
    page.locator(".chapters a", has_text="Saying goodbye").click()
    page.wait_for_function(f"({CURRENT_TIME})() >= 6")
    assert page.url.endswith(site.page("episode").get_url()), "the link to the media fragment was not followed"
    assert page.locator(".chapters li.is-current .chapter-title").inner_text() == "Saying goodbye"
    page.wait_for_function("!document.querySelector('[data-audio]').paused")

    page.locator(".cue-text", has_text="Every Tuesday").click()
    page.wait_for_function(f"(({CURRENT_TIME})() >= 3) && (({CURRENT_TIME})() < 5.5)")
    assert page.locator(".cue.is-current .cue-text").inner_text().startswith("Host: Every Tuesday")
    assert page.evaluate(CURSOR) > 30


SCROLL_TOP = "() => document.querySelector('[data-transcript-scroll]').scrollTop"


def test_transcript_box_follows_playback_but_not_while_the_listener_scrolls_it(site, site_server, page):  # noqa: F811
    open_episode(page, site_server, site)
    page.add_style_tag(content=".transcript-scroll { max-block-size: 4.5em; }")  # room for about one cue
    assert page.evaluate(SCROLL_TOP) == 0
    page.locator(".chapters a", has_text="Saying goodbye").click()
    page.wait_for_function(f"({SCROLL_TOP})() > 0")  # the current cue was scrolled into the box
    assert page.locator(".cue.is-current").get_attribute("data-start") == "6"
    page.locator("[data-waveform]").focus()
    page.keyboard.press("Space")  # pause
    page.wait_for_function("document.querySelector('[data-audio]').paused")

    page.locator("[data-transcript-scroll]").hover()
    page.mouse.wheel(0, -2000)  # the listener scrolls back up to read
    page.wait_for_function(f"({SCROLL_TOP})() === 0")
    page.locator(".chapters a", has_text="At the language café").click()
    page.wait_for_function("document.querySelector('.cue.is-current')?.dataset.start === '3'")
    page.wait_for_timeout(500)
    assert page.evaluate(SCROLL_TOP) == 0, "the box did not jump away from what the listener reads"


def test_speed_and_low_bandwidth_switch(site, site_server, page):  # noqa: F811
    open_episode(page, site_server, site)
    opus = audio_url(site.audio.opus_rendition)
    assert page.evaluate("document.querySelector('[data-audio]').src").endswith(audio_url(site.audio.podcast_rendition))
    assert page.locator("[data-lowband-submit]").is_hidden(), "with JavaScript the switch acts at once"

    page.select_option("[data-speed]", "1.5")
    assert page.evaluate("document.querySelector('[data-audio]').playbackRate") == 1.5

    page.locator(".chapters a", has_text="At the language café").click()
    page.wait_for_function(f"({CURRENT_TIME})() >= 3.2")
    page.locator("[data-lowband]").check()
    page.wait_for_function(f"document.querySelector('[data-audio]').currentSrc.endsWith('{opus}')")
    page.wait_for_function(f"({CURRENT_TIME})() >= 3", timeout=10000)
    assert page.evaluate("document.querySelector('[data-audio]').playbackRate") == 1.5
    assert page.evaluate("localStorage.getItem('hub-lowband')") == "1"
    assert page.locator("[data-lowband-status]").text_content() == "Now playing the low-bandwidth audio (Opus)."
    assert page.locator("[data-lowband-status]").get_attribute("role") == "status"

    page.reload()
    page.wait_for_selector("[data-player].is-enhanced")
    assert page.evaluate("document.querySelector('[data-audio]').src").endswith(opus), "the choice is remembered"
    assert page.locator("[data-lowband]").is_checked()


def test_filters_narrow_the_list(site, site_server, page):  # noqa: F811
    page.goto(site_server.url + site.page("story_index").get_url())
    cards = page.locator("[data-story-list] .card")
    assert cards.count() == 3
    page.select_option("#filter-language", "ar")
    page.get_by_role("button", name="Show stories").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).query == "language=ar", "unused filters stay out of the shared URL"
    assert cards.count() == 2
    page.select_option("#filter-theme", "food-aid")
    page.get_by_role("button", name="Show stories").click()
    page.wait_for_load_state()
    assert cards.count() == 1
    assert urlsplit(page.url).query == "language=ar&theme=food-aid"
    assert cards.first.locator(".card-title").inner_text() == "Sara cooks for the food bank"
    assert page.locator(".result-count").inner_text().startswith("1 story")

    shared = page.url  # a shared link shows the same list
    page.goto("about:blank")
    page.goto(shared)
    assert page.locator("[data-story-list] .card").count() == 1
    page.get_by_role("link", name="Remove filter Theme: Food aid").click()
    page.wait_for_load_state()
    assert page.locator("[data-story-list] .card").count() == 2


def test_language_switcher_keeps_you_on_the_same_page(site, site_server, page):  # noqa: F811
    for url, expected in (
        (site.page("story").get_url(), site.page("story", "ar").get_url()),
        ("/en/partners/red-cross/", "/ar/partners/red-cross/"),
        (site.page("story_index").get_url() + "?country=GR", site.page("story_index", "ar").get_url() + "?country=GR"),
        ("/en/search/?q=caf%C3%A9", "/ar/search/?q=caf%C3%A9"),
    ):
        page.goto(site_server.url + url)
        page.locator(".language-switcher a[hreflang=ar]").click()
        page.wait_for_load_state()
        assert page.url == site_server.url + expected
        assert page.locator("html").get_attribute("lang") == "ar"


def test_arabic_pages_lay_out_right_to_left(site, site_server, page):  # noqa: F811
    page.set_viewport_size({"width": 1200, "height": 900})
    open_episode(page, site_server, site, "ar")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('.transcript')).direction") == "rtl"
    player = page.locator(".listen-main").bounding_box()
    transcript = page.locator(".transcript").bounding_box()
    assert transcript["x"] + transcript["width"] <= player["x"] + 1, "the transcript sits to the left in Arabic"
    assert page.evaluate("getComputedStyle(document.querySelector('[data-waveform]')).direction") == "ltr"

    open_episode(page, site_server, site, "en")
    player = page.locator(".listen-main").bounding_box()
    transcript = page.locator(".transcript").bounding_box()
    assert transcript["x"] >= player["x"] + player["width"] - 1, "and to the right in English"


def test_nothing_is_fetched_from_other_hosts_and_focus_is_visible(site, site_server, page):  # noqa: F811
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    for kind in ("home", "story", "episode", "show"):
        page.goto(site_server.url + site.page(kind).get_url())
        page.wait_for_load_state("networkidle")
    assert hosts == {urlsplit(site_server.url).netloc}

    page.goto(site_server.url + site.page("story_index").get_url())
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; })()"
    )
    assert style[0] != "none" and float(style[1].removesuffix("px")) >= 2


AUDIO_STATE = """() => { const a = document.querySelector('video, audio'); return {currentTime: a.currentTime,
  paused: a.paused, readyState: a.readyState, networkState: a.networkState, error: a.error && a.error.code,
  buffered: a.buffered.length ? a.buffered.end(0) : null, played: a.played.length ? a.played.start(0) : null,
  src: a.currentSrc}; }"""


def wait_for_audio(page, condition: str, seconds: float = 20) -> None:  # noqa: F811
    """Wait until the page's media element meets ``condition``; say where it stood if it never does.

    Polled from here: Playwright's ``wait_for_function`` polls in requestAnimationFrame callbacks,
    which a page without JavaScript never runs (only its first check would be made).
    """
    check = f"(a => !!(a.{condition}))(document.querySelector('video, audio'))"
    deadline = time.monotonic() + seconds
    while not page.evaluate(check):
        if time.monotonic() > deadline:
            pytest.fail(f"the audio never met {condition}: {page.evaluate(AUDIO_STATE)}")
        page.wait_for_timeout(100)


@pytest.fixture
def plain_page(browser):  # noqa: F811
    """A visitor whose browser runs no JavaScript (or whose hub.js failed to arrive)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_the_player_chapters_and_transcript_still_work(site, site_server, plain_page):
    page = plain_page  # noqa: F811
    mp3 = audio_url(site.audio.podcast_rendition)
    opus = audio_url(site.audio.opus_rendition)
    page.goto(site_server.url + site.page("episode").get_url())
    assert page.evaluate("document.documentElement.classList.contains('js')") is False
    assert page.locator("[data-waveform]").is_hidden() and page.locator("[data-speed-field]").is_hidden()
    assert page.locator(".cue").count() == 3 and page.locator(".cue").nth(1).is_visible(), "the transcript is there"

    # The native controls play the audio: press their play button (at the start of the bar).
    audio = page.locator("audio[data-audio]")
    box = audio.bounding_box()
    audio.click(position={"x": 20, "y": box["height"] / 2})
    wait_for_audio(page, "paused === false")
    wait_for_audio(page, "currentTime > 1")
    assert page.evaluate("document.querySelector('audio').currentSrc").endswith(mp3)

    # The low-bandwidth form reloads the page with the Opus rendition first.
    page.locator("[data-lowband]").check()
    page.locator("[data-lowband-submit]").click()
    page.wait_for_load_state()
    assert "audio=low" in page.url
    assert page.evaluate("document.querySelector('audio').currentSrc").endswith(opus)

    # A chapter is a link to a media fragment: the browser's own player starts there.
    page.locator(".chapters a", has_text="Saying goodbye").click()
    page.wait_for_load_state()
    assert page.url.endswith("#t=6")
    wait_for_audio(page, "played.length && a.played.start(0) > 5.9")  # it started there, not at 0
    page.go_back()
    page.locator(".cue a.time").nth(1).click()  # so is each cue's time
    page.wait_for_load_state()
    assert page.url.endswith("#t=3")
    wait_for_audio(page, "played.length && a.played.start(0) > 2.9")
