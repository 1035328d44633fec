"""Headless Chromium (Debian's package) driven by Playwright, for tests of what people see."""

import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("HUB_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is not installed: scripts/test installs Debian's chromium package.")
    return path


_RUNNING: dict = {}


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls made by the
    # tests around it are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Each test module that imports this fixture registers its own copy; a second Playwright in
    # the same thread would fail, so every copy shares the first one's browser.
    if "browser" in _RUNNING:
        yield _RUNNING["browser"]
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        _RUNNING["browser"] = browser
        try:
            yield browser
        finally:
            _RUNNING.pop("browser", None)
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    yield page
    context.close()
