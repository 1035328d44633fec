"""Nothing about a person goes out without their consent; a withdrawal takes it down."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.models import ModelLogEntry, Page
from wagtail.search import index

from hub.consent.gates import cleared_for, page_consent_problems
from hub.consent.models import ConsentRecord, Scope, TakedownReport
from hub.consent.roles import CONSENT_OFFICERS
from hub.consent.takedown import sweep_expired, withdraw
from hub.stories.models import StoryPage

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def record(name="Amina", **overrides):
    fields = {"public_name": name, "granted_on": TODAY - datetime.timedelta(days=10), "scope_website": True}
    fields.update(overrides)
    return ConsentRecord.objects.create(**fields)


def fresh(page):
    return type(page).objects.get(pk=page.pk)


def story_draft(site_tree, consents=(), declared=False):
    story = fresh(site_tree.page("story", "en"))
    story.no_identifiable_person = declared
    story.consents.set(list(consents))
    return story


def test_publishing_without_any_consent_or_declaration_is_refused(site_tree):
    story = story_draft(site_tree)
    with pytest.raises(ValidationError, match="Link the consent record"):
        story.save_revision().publish()


def test_publishing_with_valid_consent_works(site_tree):
    story = story_draft(site_tree, [record()])
    story.save_revision().publish()
    assert fresh(story).live


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"scope_website": False}, "has not consented to: Website"),
        ({"expires_on": TODAY - datetime.timedelta(days=1)}, "expired on"),
        ({"withdrawn_on": TODAY, "withdrawal_reason": "moved away"}, "withdrew their consent"),
        ({"granted_on": TODAY + datetime.timedelta(days=5)}, "only starts on"),
    ],
)
def test_each_refusal_names_the_person_and_the_reason(site_tree, overrides, message):
    story = story_draft(site_tree, [record("Farid"), record("Lina", **overrides)])
    with pytest.raises(ValidationError) as refused:
        story.save_revision().publish()
    text = " ".join(refused.value.messages)
    assert "Lina" in text and message in text
    assert "Farid" not in text


def test_admin_publish_shows_the_refusal(site_tree, admin_client):
    story = story_draft(site_tree, [record("Yonas", scope_website=False)])
    story.save_revision()
    response = admin_client.get(f"/admin/pages/{story.pk}/edit/")
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(field.widget, "format_value") and name in ("summary", "title", "slug", "storyteller_name", "city"):
            data[name] = value
    data.update(
        {
            "title": story.title,
            "slug": story.slug,
            "summary": story.summary,
            "storyteller_name": story.storyteller_name,
            "country": story.country,
            "city": story.city,
            "publication_date": story.publication_date.isoformat(),
            "hero_image": story.hero_image_id,
            "hero_alt": story.hero_alt,
            "body-count": 0,
            "consents": [c.pk for c in story.consents.all()],
            "action-publish": "action-publish",
        }
    )
    revisions = story.revisions.count()
    response = admin_client.post(f"/admin/pages/{story.pk}/edit/", data, follow=True)
    html = response.content.decode()
    assert "Yonas has not consented to: Website." in html
    assert "saved as a draft, but the page was not published" in html
    assert "could not be saved" not in html
    assert story.revisions.count() == revisions + 1, "the edits are kept as a draft"


def test_draft_saves_are_not_gated(site_tree):
    story = story_draft(site_tree)
    story.title = "Draft title"
    story.save_revision()  # saving a draft never raises
    assert fresh(story).latest_revision.as_object().title == "Draft title"


def test_feed_filter_needs_every_record_to_cover_the_scope(site_tree):
    story = fresh(site_tree.page("story", "de"))
    ok = record("Grace", scope_podcast=True, scope_broadcast=True, scope_redistribution=True)
    website_only = record("Mei")
    story.no_identifiable_person = False
    story.consents.set([ok])
    story.save_revision().publish()
    pages = StoryPage.objects.filter(pk=story.pk)
    assert list(cleared_for(pages, Scope.PODCAST)) == [fresh(story)]
    assert list(cleared_for(pages, Scope.BROADCAST, Scope.REDISTRIBUTION)) == [fresh(story)]
    story = fresh(story)
    story.consents.set([ok, website_only])
    story.save_revision().publish()
    assert list(cleared_for(pages, Scope.PODCAST)) == []
    assert list(cleared_for(pages, Scope.WEBSITE)) == [fresh(story)]


def test_feed_filter_runs_a_constant_number_of_queries(site_tree, django_assert_num_queries):
    pages = StoryPage.objects.all()
    with django_assert_num_queries(1):
        list(cleared_for(pages, Scope.PODCAST, Scope.BROADCAST))


def test_withdrawal_takes_the_page_down_and_reports(site_tree, client, django_capture_on_commit_callbacks):
    officer_group, _ = Group.objects.get_or_create(name=CONSENT_OFFICERS)
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.create_user("officer", "officer@example.org", "x")
    officer.groups.add(officer_group)
    person = record("Tariq")
    story = story_draft(site_tree, [person])
    story.save_revision().publish()
    url = story.get_url()
    assert client.get(url).status_code == 200
    index.insert_or_update_object(fresh(story))  # the index task runs on commit, which tests never reach
    assert story.pk in [page.pk for page in Page.objects.live().search(story.title)]

    with django_capture_on_commit_callbacks(execute=True):
        withdraw(person, reason="Asked us by phone", user=officer)

    assert not fresh(story).live
    assert client.get(url).status_code == 404
    assert story.pk not in [page.pk for page in Page.objects.live().search(story.title)]
    assert story.title not in client.get("/en/search/?q=" + story.title.split()[0]).content.decode()
    report = TakedownReport.objects.get(consent=person)
    assert report.reason == "withdrawn"
    assert {"page": story.pk, "action": "unpublished"}.items() <= report.actions[0].items()
    actions = set(ModelLogEntry.objects.filter(object_id=str(person.pk)).values_list("action", flat=True))
    assert {"hub.consent.withdraw", "hub.consent.takedown"} <= actions
    assert Page.objects.get(pk=story.pk).live is False
    assert any("officer@example.org" in message.to for message in mail.outbox)
    with pytest.raises(ValidationError):
        fresh(story).save_revision().publish()


def test_expiry_sweep_takes_down_once(site_tree):
    person = record("Samir", expires_on=TODAY + datetime.timedelta(days=2))
    story = story_draft(site_tree, [person])
    story.save_revision().publish()
    assert sweep_expired() == []
    assert fresh(story).live
    later = TODAY + datetime.timedelta(days=3)
    reports = sweep_expired(day=later)
    assert len(reports) == 1 and reports[0].reason == "expired"
    assert not fresh(story).live
    assert sweep_expired(day=later) == [], "a second sweep does nothing more"


def test_evidence_is_private(admin_client, client, django_user_model):
    person = record("Lina")
    person.evidence.save("form.pdf", ContentFile(b"%PDF-1.4 signed"), save=True)
    with pytest.raises(ValueError, match="no URL"):
        person.evidence.url  # noqa: B018
    response = admin_client.get(f"/admin/consent/{person.pk}/evidence/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 signed"
    editor = django_user_model.objects.create_user("editor", password="x")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    denied = client.get(f"/admin/consent/{person.pk}/evidence/")
    assert denied.status_code in (302, 403), "Wagtail turns PermissionDenied into a redirect with a message"
    assert not hasattr(denied, "streaming_content")


def test_private_fields_are_hidden_from_editors(client, django_user_model):
    person = record("Grace", legal_name="Grace Secret-Surname")
    editor = django_user_model.objects.create_user("editor2", password="x")
    for codename in ("access_admin", "change_consentrecord", "view_consentrecord"):
        editor.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(editor)
    html = client.get(f"/admin/snippets/consent/consentrecord/edit/{person.pk}/").content.decode()
    assert "Grace" in html
    assert "Secret-Surname" not in html


def test_problems_helper_ignores_pages_without_people(site_tree):
    assert page_consent_problems(site_tree.page("standard", "en")) == []
