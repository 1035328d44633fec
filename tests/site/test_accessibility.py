"""WCAG 2.1 AA: axe-core (installed from npm by scripts/setup.sh) run in headless Chromium finds
no serious or critical violation on the public pages, in English and in Arabic."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser import browser, page  # noqa: F401 - fixtures
from tests.site.conftest import build_rich_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
PAGES = ["home", "story_index", "story", "show", "episode", "campaign"]


def axe_script() -> str:
    if not AXE.exists():
        pytest.fail("axe-core is missing: scripts/test installs the npm packages (npm ci).")
    return AXE.read_text(encoding="utf-8")


def violations(page, url: str) -> list[str]:  # noqa: F811
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(content=axe_script())
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    assert result["passes"], "axe ran its checks"
    return [
        f"{item['impact']}: {item['id']} ({item['help']}) at {[node['target'] for node in item['nodes']][:3]}"
        for item in result["violations"]
        if item["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_public_pages_have_no_serious_accessibility_violation(transactional_db, tmp_path, site_server, page, language):  # noqa: F811
    site = build_rich_site(tmp_path, languages=("en", "ar"))
    urls = [site.page(kind, language).get_url() for kind in PAGES]
    urls.append(f"/{language}/search/?q=caf%C3%A9&country=GR")
    urls.append(f"/{language}/partners/red-cross/")
    urls.append(f"/{language}/partners/")
    urls.append(f"/embed/episode/{site.page('episode', language).pk}/")
    found = {}
    for url in urls:
        problems = violations(page, site_server.url + url)
        if problems:
            found[url] = problems
    assert found == {}


def test_axe_does_find_violations(transactional_db, tmp_path, site_server, page):  # noqa: F811
    """The check can fail: a page with an unlabelled form field and an image without alt fails it."""
    site = build_rich_site(tmp_path, languages=("en",))
    page.goto(site_server.url + site.page("home").get_url())
    page.evaluate(
        "() => { const main = document.querySelector('main');"
        " main.insertAdjacentHTML('beforeend', '<input type=text><img src=/static/css/hub.css>'); }"
    )
    page.add_script_tag(content=axe_script())
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    ids = {item["id"] for item in result["violations"] if item["impact"] in BLOCKING}
    assert {"label", "image-alt"} <= ids
