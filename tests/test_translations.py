"""Every UI string is translated in every UI language, and the catalogues are up to date."""

import shutil

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

UI_CODES = [code for code, _name in settings.UI_LANGUAGES]
IGNORE = [".venv", "var", "node_modules", "tests", "bench", "media_pipeline"]


def catalogue(code):
    return polib.pofile(str(settings.BASE_DIR / "locale" / code / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("code", UI_CODES)
def test_catalogue_is_complete(code):
    po = catalogue(code)
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries() if entry.msgid]
    assert untranslated == []
    assert fuzzy == []
    assert len(po) > 100


@pytest.mark.parametrize("code", UI_CODES)
def test_catalogue_has_every_string_of_the_code(code, tmp_path, monkeypatch):
    """Extract the strings afresh: none may be missing from the shipped catalogue.

    makemessages writes to the ``locale`` folder next to the sources it reads, so it runs on a
    copy of the sources and of the catalogue: the shipped catalogue is only read.
    """
    source = tmp_path / "source"
    skip = {*IGNORE, ".git", "locale", "docs", "deploy", "static", "__pycache__"}
    for entry in settings.BASE_DIR.iterdir():
        if entry.name in skip or entry.name.startswith("."):
            continue
        if entry.is_dir():
            shutil.copytree(entry, source / entry.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif entry.suffix in (".py", ".html", ".txt"):
            shutil.copy2(entry, source / entry.name)
    shutil.copytree(settings.BASE_DIR / "locale" / code, source / "locale" / code)
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[source / "locale"]):
        call_command("makemessages", locale=[code], ignore_patterns=IGNORE, no_location=True, verbosity=0)
    fresh = polib.pofile(str(source / "locale" / code / "LC_MESSAGES" / "django.po"))
    shipped = {entry.msgid for entry in catalogue(code)}
    missing = sorted(entry.msgid for entry in fresh if entry.msgid not in shipped and not entry.obsolete)
    assert missing == [], "run makemessages and translate the new strings"


@pytest.mark.parametrize("code", [code for code in UI_CODES if code != "en"])
def test_compiled_catalogue_is_used(code):
    with translation.override(code):
        assert translation.gettext("Skip to main content") != "Skip to main content"
        assert translation.gettext("Greece") != "Greece"


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["de", "el", "it", "ar"])
def test_pages_show_translated_ui(site_tree, client, code):
    html = client.get(site_tree.page("story", code).get_url()).content.decode()
    with translation.override(code):
        assert translation.gettext("Skip to main content") in html
        assert translation.gettext("Storyteller") in html
    assert "Skip to main content" not in html
