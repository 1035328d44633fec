"""The hub's own error pages: what a visitor meets when something is missing or fails.

Each page is in the language of its address, right-to-left in Arabic, and carries no Django
debug page (the main command serves with DEBUG off, as production does).
"""

import os
import subprocess
import sys

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.site.error_urls")]

# (language, path prefix, expected heading of each page)
HEADINGS = {
    "en": {404: "Page not found", 500: "Server error", 403: "Access denied", 400: "Bad request",
           "csrf": "The form has expired"},
    "de": {404: "Seite nicht gefunden", 500: "Serverfehler", 403: "Zugriff verweigert", 400: "Fehlerhafte Anfrage",
           "csrf": "Das Formular ist abgelaufen"},
    "ar": {404: "الصفحة غير موجودة", 500: "خطأ في الخادم", 403: "الوصول مرفوض", 400: "طلب غير صالح",
           "csrf": "انتهت صلاحية النموذج"},
}  # fmt: skip


def fetch(language: str, kind) -> tuple[int, str]:
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    if kind == "csrf":
        response = client.post(f"/{language}/test-errors/form/", {"name": "x"})
    elif kind == 404:
        response = client.get(f"/{language}/no-such-page/")
    else:
        response = client.get(f"/{language}/test-errors/{kind}/")
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("language", sorted(HEADINGS))
@pytest.mark.parametrize("kind", [404, 500, 403, 400, "csrf"])
def test_error_pages_are_the_hubs_own_translated_and_directed(site_tree, language, kind):
    status, html = fetch(language, kind)
    assert status == (403 if kind == "csrf" else kind)
    assert f"<h1>{HEADINGS[language][kind]}</h1>" in html
    direction = "rtl" if language == "ar" else "ltr"
    assert f'lang="{language}" dir="{direction}"' in html
    assert "Traceback" not in html and "URLconf" not in html and "DEBUG = True" not in html
    assert "/static/css/hub.css" in html, "the error page is styled like the rest of the hub"


def test_favicon_is_served_at_the_root():
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].startswith("/static/img/favicon") and response["Location"].endswith(".ico")
    found = finders.find("img/favicon.ico")
    assert found, "the icon is a static file, served by WhiteNoise like the others"
    with Image.open(found) as icon:
        assert icon.format == "ICO" and icon.size[0] >= 32


def settings_of_the_run_command(**env) -> str:
    """DEBUG as the profile that scripts/run uses sees it, in a fresh interpreter."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "hub.settings.dev", **env}
    environment.pop("HUB_DEBUG", None) if "HUB_DEBUG" not in env else None
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        capture_output=True, text=True, env=environment, check=True, timeout=60,
    )  # fmt: skip
    return result.stdout.strip()


def test_the_run_command_serves_with_debug_off_unless_asked():
    assert settings_of_the_run_command() == "False"
    assert settings_of_the_run_command(HUB_DEBUG="1") == "True"
