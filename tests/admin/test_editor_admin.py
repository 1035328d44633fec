"""An editor's day in the admin: audio shown for people, consent easy to do right, messages that
say what happened, choosers in the page's language. Real requests to the admin (Django's test
client), the real database, the tasks of a withdrawal run when its transaction commits."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Locale, PageLogEntry
from wagtail.users.models import UserProfile

from hub.audio.factories import AudioAssetFactory
from hub.audio.models import AudioStatus
from hub.consent.models import ConsentRecord, TakedownReport
from hub.consent.roles import CONSENT_OFFICERS
from hub.partners.factories import PartnerOrganisationFactory
from hub.radio.models import Contributor, audio_publish_problem
from hub.stories.models import Theme

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def record(name, **fields):
    values = {"public_name": name, "granted_on": TODAY - datetime.timedelta(days=10), "scope_website": True}
    values.update(fields)
    return ConsentRecord.objects.create(**values)


def fresh(page):
    return type(page).objects.get(pk=page.pk)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- audio ------------------------------------------------------------------------------------


def test_audio_durations_status_and_upload_form(admin_client):
    asset = AudioAssetFactory(title="Kitchen talk", duration_seconds=68.461451)
    asset.loudness_before = {"integrated_lufs": -20.1, "true_peak_dbtp": None, "loudness_range_lu": 5.2}
    asset.save()

    listing = text(admin_client.get(reverse("wagtailsnippets_audio_audioasset:list")))
    assert "0:01:08" in listing
    assert "68.46" not in listing and "68,46" not in listing
    assert 'data-status="ready"' in listing and ">Ready<" in listing, "the status label, not its code"

    inspect = text(admin_client.get(reverse("wagtailsnippets_audio_audioasset:inspect", args=[asset.pk])))
    assert "0:01:08" in inspect
    assert "dBTP" not in inspect.split("Loudness over time")[0].split("Loudness before")[1].split("SHA-256")[0], (
        "no empty true peak for the source"
    )

    status = admin_client.get(reverse("hub_audio_status"), {"id": asset.pk}).json()
    assert status[str(asset.pk)]["duration"] == "0:01:08"

    chooser = admin_client.get(reverse("wagtailsnippetchoosers_audio_audioasset:choose"))
    html = chooser.json()["html"]
    assert "Kitchen talk" in html and "Ready" in html and "0:01:08" in html

    form = text(admin_client.get(reverse("wagtailsnippets_audio_audioasset:add")))
    assert "WAV, FLAC, MP3" in form and "Largest file: 2.0 GB" in form
    assert 'accept="audio/*' in form


def test_withdrawn_audio_is_explained_not_offered_for_reprocessing(admin_client):
    asset = AudioAssetFactory(title="Taken down", status=AudioStatus.WITHDRAWN)
    inspect = text(admin_client.get(reverse("wagtailsnippets_audio_audioasset:inspect", args=[asset.pk])))
    assert "its public files were deleted" in inspect
    assert "Process again" not in inspect
    problem = audio_publish_problem(asset)
    assert "taken offline because a consent" in problem and "not ready" not in problem


# --- consent ------------------------------------------------------------------------------------


def test_new_consent_record_for_a_page_is_linked_and_returns_to_it(site_tree, admin_client):
    story = fresh(site_tree.page("story", "en"))
    edit_url = reverse("wagtailadmin_pages:edit", args=[story.pk])
    add_url = reverse("wagtailsnippets_consent_consentrecord:add")
    query = f"?for_page={story.pk}&next={edit_url}"
    form = admin_client.get(add_url + query)
    html = text(form)
    assert story.storyteller_name in html, "the name is prefilled from the story"
    assert "this record is linked to the draft of" in html
    response = admin_client.post(
        add_url + query,
        {"public_name": "Amina", "legal_name": "Amina Haddad", "granted_on": TODAY.isoformat(), "scope_website": "on"},
    )
    assert response.status_code == 302 and response["Location"] == edit_url
    created = ConsentRecord.objects.get(legal_name="Amina Haddad")
    draft = fresh(story).get_latest_revision_as_object()
    assert created in list(draft.consents.all())


def test_records_with_the_same_name_are_told_apart(site_tree, admin_client):
    partner = PartnerOrganisationFactory(name="Quokka University", locale=Locale.objects.get(language_code="en"))
    story = fresh(site_tree.page("story", "en"))
    story.partners.set([partner])
    first = record("Grace", legal_name="Grace Mensah", granted_on=datetime.date(2026, 3, 1), scope_podcast=True)
    record("Grace", legal_name="Grace Okafor", granted_on=datetime.date(2026, 5, 2))
    story.consents.set([first])
    story.save_revision().publish()

    listing = text(admin_client.get(reverse("wagtailsnippets_consent_consentrecord:list")))
    assert "Grace (Grace Mensah)" in listing and "Grace (Grace Okafor)" in listing
    assert "Quokka University" in listing
    assert "Website, Podcast feed" in listing

    chooser = admin_client.get(
        reverse("wagtailsnippetchoosers_consent_consentrecord:choose"), {"multiple": 1, "locale_first": "en"}
    )
    html = chooser.json()["html"]
    assert "Grace Mensah" in html and "Quokka University" in html
    results = admin_client.get(
        reverse("wagtailsnippetchoosers_consent_consentrecord:choose_results"), {"q": "Grace", "locale_first": "en"}
    )
    assert results.status_code == 200 and "Grace Okafor" in results.content.decode()

    editor = text(admin_client.get(reverse("wagtailadmin_pages:edit", args=[story.pk])))
    assert "data-hub-consent-chooser" in editor
    described = r"Grace \(Grace Mensah\) · granted [^<]+ · Website, Podcast feed · Quokka University · 1 page"
    assert re.search(described, editor)


def test_withdrawal_lists_what_goes_offline_and_reports_reason_time_and_actor(
    site_tree, client, django_user_model, django_capture_on_commit_callbacks
):
    officer = django_user_model.objects.create_superuser("officer", "officer@example.org", "x")
    officer.first_name, officer.last_name = "Olga", "Officer"
    officer.save()
    officer.groups.add(Group.objects.get_or_create(name=CONSENT_OFFICERS)[0])
    client.force_login(officer)
    person = record("Samir")
    story = fresh(site_tree.page("story", "en"))
    story.consents.set([person])
    story.save_revision().publish()

    url = reverse("hub_consent_withdraw", args=[person.pk])
    preview = text(client.get(url))
    assert story.title in preview and "Published: will be unpublished" in preview

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Moved abroad, asked by phone"})
    assert response.status_code == 302
    assert not fresh(story).live

    report = TakedownReport.objects.get(consent=person)
    listing = text(client.get(reverse("takedown-reports:index")))
    assert "Withdrawn: Moved abroad, asked by phone" in listing
    detail = text(client.get(reverse("takedown-reports:inspect", args=[report.pk])))
    assert "Withdrawn: Moved abroad, asked by phone" in detail and "Olga Officer" in detail
    times = re.findall(r"\d{1,2}:\d{2}", listing)
    assert times and times[0] in detail, "the list and the detail show the same local time"

    entries = PageLogEntry.objects.filter(page=story)
    unpublished = entries.get(action="wagtail.unpublish")
    assert unpublished.user == officer, "not 'System'"
    history = text(client.get(reverse("wagtailadmin_pages:history", args=[story.pk])))
    assert "Samir withdrew their consent. Reason given: Moved abroad, asked by phone" in history


# --- choosers in the page's language --------------------------------------------------------------


def test_choosers_list_the_pages_language_first_and_mark_the_others(site_tree, admin_client):
    locales = {code: Locale.objects.get(language_code=code) for code in ("en", "de", "ar")}
    for locale in locales.values():
        Theme.objects.create(name="4Elements", slug="4elements", locale=locale)
    arabic_story = fresh(site_tree.page("story", "ar"))
    html = text(admin_client.get(reverse("wagtailadmin_pages:edit", args=[arabic_story.pk])))
    own_group = html.index("In the language of this page (العربية)")
    assert own_group < html.index("In other languages", own_group) < html.index("4Elements (Deutsch)", own_group)
    assert "4Elements (Deutsch)" in html and "4Elements (English)" in html
    assert "4Elements (العربية)" not in html, "the page's own language is not marked"

    Contributor.objects.create(name="Zed English", role="host", locale=locales["en"])
    Contributor.objects.create(name="Zaid Arabic", role="host", locale=locales["ar"])
    episode = fresh(site_tree.page("episode", "ar"))
    chooser = admin_client.get(
        reverse("wagtailsnippetchoosers_radio_contributor:choose"),
        HTTP_REFERER="http://testserver" + reverse("wagtailadmin_pages:edit", args=[episode.pk]),
    )
    listed = chooser.json()["html"]
    assert listed.index("Zaid Arabic") < listed.index("Zed English"), "the episode's language first"
    created = admin_client.post(
        reverse("wagtailsnippetchoosers_radio_contributor:create"),
        {"name": "New voice", "role": "guest"},
        HTTP_REFERER="http://testserver" + reverse("wagtailadmin_pages:edit", args=[episode.pk]),
    )
    assert created.status_code == 200 and created.json()["step"] == "chosen"
    assert Contributor.objects.get(name="New voice").locale.language_code == "ar"


# --- account --------------------------------------------------------------------------------------


def test_admin_language_changes_without_names_and_confirms_in_the_new_language(client, django_user_model):
    user = django_user_model.objects.create_superuser("nameless", "nameless@example.org", "x")
    client.force_login(user)
    url = reverse("wagtailadmin_account")
    page = client.get(url)
    data = {}  # what the browser would send: every panel's current values
    for panels in page.context["panels_by_tab"].values():
        for panel in panels:
            form = panel.get_form()
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if value is None or name in ("avatar", "clear_avatar"):
                    continue
                if value is False:
                    continue
                data[form.add_prefix(name)] = value
    assert data["name_email-first_name"] == "" and data["name_email-last_name"] == ""
    data["locale-preferred_language"] = "de"
    response = client.post(url, data, follow=True)
    assert UserProfile.get_for_user(user).preferred_language == "de"
    assert "Ihre Kontoeinstellungen sind gespeichert." in response.content.decode()
