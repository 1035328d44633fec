"""What a visitor sees, in headless Chromium: direction, the language switcher, the skip link."""

import pytest

from tests.browser import browser, page  # noqa: F401 - fixtures
from tests.conftest import build_site_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tree(transactional_db):
    return build_site_tree()


def test_arabic_lays_out_right_to_left(tree, live_server, page):  # noqa: F811
    page.goto(live_server.url + tree.page("story", "ar").get_url())
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('main h1')).direction") == "rtl"
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > 600, "the brand sits at the right-hand side in Arabic"

    page.goto(live_server.url + tree.page("story", "en").get_url())
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "ltr"
    assert page.locator(".brand").bounding_box()["x"] < 600


def test_language_switcher_keeps_you_on_the_same_page(tree, live_server, page):  # noqa: F811
    page.goto(live_server.url + tree.page("episode", "en").get_url())
    page.locator(".language-switcher a[hreflang=de]").click()
    page.wait_for_load_state()
    assert page.url == live_server.url + tree.page("episode", "de").get_url()
    assert page.locator("html").get_attribute("lang") == "de"
    page.locator(".language-switcher a[hreflang=ar]").click()
    page.wait_for_load_state()
    assert page.url == live_server.url + tree.page("episode", "ar").get_url()
    assert page.locator("h1").inner_text() == tree.page("episode", "ar").title


def test_skip_link_is_the_first_stop_for_the_keyboard(tree, live_server, page):  # noqa: F811
    page.goto(live_server.url + tree.page("home", "en").get_url())
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0, "visible when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
