"""An editor's day through the real admin in headless Chromium, in German.

A partner editor writes a story, illustrates it (uploads the hero image from the chooser), links
the consent of the person portrayed with the consent chooser and submits it for review; a
moderator of the same organisation approves and publishes it; a consent officer withdraws the
consent, sees beforehand which page will go offline, and reads the report with the typed reason.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from PIL import Image
from wagtail.models import Page, Site
from wagtail.users.models import UserProfile

from hub.consent.models import ConsentRecord, TakedownReport
from hub.consent.roles import CONSENT_OFFICERS, EDITORS, MODERATORS, set_user_organisation, setup_roles
from hub.core.factories import HomePageFactory
from hub.partners.factories import PartnerOrganisationFactory
from hub.radio.factories import RadioIndexPageFactory, ShowPageFactory
from hub.radio.models import EpisodePage
from hub.stories.factories import StoryIndexPageFactory
from hub.stories.models import StoryPage
from tests.audio_fixtures import make_tone
from tests.browser import browser, page  # noqa: F401 - fixtures
from tests.conftest import ensure_locales
from tests.site.conftest import site_server  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "an-editors-day"


def _user(django_user_model, name, group, organisation):
    user = django_user_model.objects.create_user(name, f"{name}@example.org", PASSWORD)
    user.groups.add(Group.objects.get(name=group))
    if organisation is not None:
        set_user_organisation(user, organisation)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "de"
    profile.save()
    return user


@pytest.fixture
def day(transactional_db, django_user_model):
    locales = ensure_locales()
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root", locale=locales["en"]))
    for stale in root.get_children():
        stale.delete()
    home = HomePageFactory(parent=root, slug="home", locale=locales["en"])
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "127.0.0.1", "root_page": home})
    stories = StoryIndexPageFactory(parent=home)
    radio = RadioIndexPageFactory(parent=home)
    for section in (home, stories, radio):
        section.save_revision().publish()
    german = {}
    for name, section in (("home", home), ("stories", stories), ("radio", radio)):
        translated = section.copy_for_translation(locales["de"])
        translated.save_revision().publish()
        german[name] = translated
    partner = PartnerOrganisationFactory(name="Universität Quokka", locale=locales["en"])
    show = ShowPageFactory(parent=radio, title="Stimmen", slug="stimmen")
    show.partners.set([partner])
    show.save_revision().publish()
    show_de = show.copy_for_translation(locales["de"])
    show_de.partners.set([partner])
    show_de.save_revision().publish()
    setup_roles()
    amina = ConsentRecord.objects.create(
        public_name="Amina",
        legal_name="Amina Haddad",
        granted_on=datetime.date.today() - datetime.timedelta(days=3),
        scope_website=True,
        scope_podcast=True,
    )
    ConsentRecord.objects.create(public_name="Amina", legal_name="Amina Berger", granted_on=datetime.date(2025, 5, 1))
    return {
        "stories_de": german["stories"],
        "show_de": show_de,
        "partner": partner,
        "amina": amina,
        "editor": _user(django_user_model, "redakteurin", EDITORS, partner),
        "moderator": _user(django_user_model, "moderatorin", MODERATORS, partner),
        "officer": _user(django_user_model, "einwilligung", CONSENT_OFFICERS, None),
    }


def log_in(page, server, username):  # noqa: F811
    page.context.clear_cookies()
    page.goto(server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/admin/")


def approve_as_moderator(page, server, submitted):  # noqa: F811
    """The organisation's moderator approves the submitted page, which is then live and public."""
    log_in(page, server, "moderatorin")
    page.goto(f"{server.url}/admin/pages/{submitted.pk}/edit/")
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.locator("button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])").first.click()
    page.wait_for_selector(".messages")
    submitted.refresh_from_db()
    assert submitted.live
    assert page.request.get(server.url + submitted.get_url()).status == 200


def test_a_story_from_writing_to_withdrawal(day, site_server, page, tmp_path):  # noqa: F811
    hero = tmp_path / "kueche.png"
    Image.new("RGB", (1200, 800), (200, 120, 40)).save(hero)
    page.set_default_timeout(45000)

    # The partner editor writes, illustrates and submits a story in German.
    log_in(page, site_server, "redakteurin")
    menu = page.locator("#wagtail-sidebar").inner_text()
    assert "Bilder" in menu and "Mitwirkende" in menu, "Images and Contributors are in the editor's menu"
    page.goto(f"{site_server.url}/admin/pages/add/stories/storypage/{day['stories_de'].pk}/")
    page.fill("#id_title", "Die Suppenküche")
    page.fill("#id_summary", "Amina kocht jeden Freitag für sechzig Gäste.")
    page.fill("#id_storyteller_name", "Amina")
    page.select_option("#id_country", "AT")
    page.fill("#id_city", "Wien")
    page.fill("#id_publication_date", datetime.date.today().isoformat())
    page.fill("#id_hero_alt", "Töpfe auf einem großen Herd")

    page.wait_for_load_state("load")
    page.locator("#id_hero_image-chooser [data-chooser-action-choose]").click()
    modal = page.locator(".modal-content")
    modal.get_by_role("tab", name="Hochladen").click(timeout=60000)
    modal.locator("input[type=file]").set_input_files(str(hero))
    modal.locator("input[name$='title']").fill("Küche")
    modal.locator("form[data-chooser-modal-creation-form] button[type=submit]").last.click()
    page.wait_for_function("() => document.querySelector('#id_hero_image').value !== ''")

    body = page.locator("[data-contentpath='body']")
    body.locator("button.c-sf-add-button").first.click()
    page.get_by_role("option", name="Absatz").first.click()
    page.locator("[data-contentpath='body'] [contenteditable=true]").first.fill("Jeden Freitag riecht es nach Linsen.")

    page.locator("[data-hub-consent-chooser] [data-add]").click()
    with page.expect_response(lambda response: "/results/" in response.url):
        modal.locator("input[name='q']").fill("Amina")  # the results reload after a short pause
    rows = modal.locator("tbody tr", has_text="Amina")
    rows.nth(1).wait_for()
    # Two people called Amina: told apart by date and channels (legal names are for officers only).
    listed = modal.locator("tbody").inner_text()
    assert "Amina Haddad" not in listed and "Podcast-Feed" in listed and "kein Kanal" in listed
    modal.locator("tbody tr", has_text="Podcast-Feed").locator("input[type=checkbox]").check()
    confirm = modal.locator("[data-multiple-choice-submit]")
    page.wait_for_function("(el) => !el.disabled", arg=confirm.element_handle())
    confirm.click()
    chosen = page.locator("[data-hub-consent-chooser] li[data-id]")
    chosen.wait_for()
    assert chosen.count() == 1 and "Website, Podcast-Feed" in chosen.inner_text()

    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    submit = page.locator("button[name='action-submit']")
    assert "Redaktionelle Prüfung" in submit.inner_text(), "the workflow is named in German"
    submit.click()
    page.wait_for_selector(".messages")
    story = StoryPage.objects.get(title="Die Suppenküche")
    assert story.workflow_in_progress
    assert not story.live

    # The moderator of the same organisation approves and publishes it.
    approve_as_moderator(page, site_server, story)

    # The consent officer withdraws the consent and sees what goes offline.
    log_in(page, site_server, "einwilligung")
    page.goto(f"{site_server.url}/admin/consent/{day['amina'].pk}/withdraw/")
    preview = page.locator(".hub-withdraw-preview").inner_text()
    assert "Die Suppenküche" in preview and "wird depubliziert" in preview
    page.fill("#id_reason", "Hat am Telefon widerrufen")
    page.get_by_role("button", name="Widerrufen und entfernen").click()
    page.wait_for_selector(".messages")
    story.refresh_from_db()
    assert not story.live
    report = TakedownReport.objects.get(consent=day["amina"])
    page.goto(f"{site_server.url}/admin/takedown-reports/inspect/{report.pk}/")
    text = page.locator("main").inner_text()
    assert "Widerrufen: Hat am Telefon widerrufen" in text
    assert "Die Suppenküche" in text


def test_an_episode_from_upload_to_review(day, site_server, page, tmp_path):  # noqa: F811
    """The partner editor uploads a recording, writes an episode of the organisation's show in
    German with it and submits it; the moderator of the organisation approves and publishes it."""
    recording = make_tone(tmp_path / "interview.mp3", seconds=3.0)
    page.set_default_timeout(45000)
    log_in(page, site_server, "redakteurin")

    # Audio → add: the form names the formats and the limit; processing runs and ends ready.
    page.goto(f"{site_server.url}/admin/snippets/audio/audioasset/add/")
    assert "Größte Datei" in page.locator("main").inner_text()
    page.fill("#id_title", "Interview Küche")
    page.set_input_files("#id_source", str(recording))
    page.locator("main button[type=submit]").first.click()
    page.wait_for_selector(".messages")

    # The episode, in German, with the recording from the audio chooser and Amina's consent.
    page.goto(f"{site_server.url}/admin/pages/add/radio/episodepage/{day['show_de'].pk}/")
    page.fill("#id_title", "Folge eins: Die Küche")
    page.fill("#id_summary", "Amina erzählt von der Suppenküche.")
    page.locator("[data-contentpath='show_notes'] [contenteditable=true]").first.fill("Mit Rezept für Linsensuppe.")
    page.fill("#id_publication_date", datetime.date.today().isoformat())
    page.locator("#id_audio-chooser [data-chooser-action-choose]").click()
    modal = page.locator(".modal-content")
    modal.get_by_role("link", name="Interview Küche").click()
    page.wait_for_function("() => document.querySelector('#id_audio').value !== ''")

    page.locator("[data-hub-consent-chooser] [data-add]").click()
    with page.expect_response(lambda response: "/results/" in response.url):
        modal.locator("input[name='q']").fill("Amina")
    modal.locator("tbody tr", has_text="Podcast-Feed").locator("input[type=checkbox]").check()
    confirm = modal.locator("[data-multiple-choice-submit]")
    page.wait_for_function("(el) => !el.disabled", arg=confirm.element_handle())
    confirm.click()
    page.locator("[data-hub-consent-chooser] li[data-id]").wait_for()

    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.locator("button[name='action-submit']").click()
    page.wait_for_selector(".messages")
    episode = EpisodePage.objects.get(title="Folge eins: Die Küche")
    errors = " | ".join(page.locator(".error-message, .w-field__errors").all_inner_texts())
    assert episode.workflow_in_progress and not episode.live, errors
    assert episode.audio.title == "Interview Küche"

    approve_as_moderator(page, site_server, episode)
