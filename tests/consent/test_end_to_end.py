"""End to end: consent decides what reaches the site, the feeds, search, the sitemap and partners;
a withdrawal takes it down everywhere in one task run and tells the partners who pulled it.

Everything goes through real HTTP requests to the hub (Django's test client), the real task
backend of the tests (tasks run when the withdrawal's transaction commits) and the real caches.
"""

import datetime
import io
import json
from datetime import timedelta

import feedparser
import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry

from hub.audio.models import AudioAsset
from hub.consent.models import ConsentRecord, TakedownNotice, TakedownReport
from hub.consent.takedown import apply_lapse
from hub.consent.tasks import consent_expiry_sweep_task, publish_scheduled_task
from hub.ops.storage import private_storage
from hub.partners.factories import PartnerOrganisationFactory
from hub.partners.models import PartnerFeedToken, PartnerShowSubscription, PullReceipt
from hub.radio.factories import EpisodePageFactory
from hub.radio.models import EpisodePage, ShowPage
from tests.feeds.conftest import add_renditions

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
ALL_SCOPES = {
    "scope_website": True,
    "scope_podcast": True,
    "scope_broadcast": True,
    "scope_redistribution": True,
}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def record(name="Amina", **overrides) -> ConsentRecord:
    fields = {"public_name": name, "granted_on": TODAY - timedelta(days=30), **ALL_SCOPES, **overrides}
    return ConsentRecord.objects.create(**fields)


def fresh(page):
    return type(page).objects.get(pk=page.pk)


@pytest.fixture
def show(site_tree):
    return ShowPage.objects.get(pk=site_tree.page("show", "en").pk)


def episode_draft(show, consents=(), declared=False, **fields) -> EpisodePage:
    episode = EpisodePageFactory(parent=show, live=False, no_identifiable_person=declared, **fields)
    add_renditions(episode.audio)
    episode.consents.set(list(consents))
    return episode


def publish(page):
    page.save_revision().publish()
    return fresh(page)


@pytest.fixture
def radio_partner(show):
    partner = PartnerOrganisationFactory(
        name="Radio Quokka", is_broadcast_partner=True, contact_email="playout@radio-quokka.example"
    )
    PartnerShowSubscription.objects.create(partner=partner, show=show)
    token = PartnerFeedToken(partner=partner, label="Playout")
    raw = token.set_new_token()
    token.save()
    return partner, raw


def public_titles(client, show) -> set[str]:
    response = client.get(f"/feeds/shows/{show.pk}.xml")
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return {entry.title for entry in parsed.entries}


def partner_titles(client, raw) -> set[str]:
    response = client.get(f"/feeds/partners/{raw}/feed.xml")
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return {entry.title for entry in parsed.entries}


def search_titles(client, query) -> list[str]:
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200
    return [page.title for page in response.context["search_results"].object_list]


def sitemap(client) -> str:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return response.content.decode()


# --- the whole path ---------------------------------------------------------------------------


def test_publish_then_withdraw_takes_everything_down_and_tells_the_partner(
    site_tree, show, radio_partner, client, admin_client, settings, django_capture_on_commit_callbacks
):
    settings.HUB_PAGE_CACHE_SECONDS = 600  # anonymous pages are cached, as in production
    partner, raw = radio_partner
    amina, farid = record("Amina"), record("Farid")
    episode = publish(episode_draft(show, [amina, farid], title="Quokkafest kitchen"))
    story = fresh(site_tree.page("story", "en"))
    story.title = "Quokkafest volunteers"
    story.no_identifiable_person = False
    story.consents.set([amina])
    story = publish(story)
    other = publish(episode_draft(show, [farid], title="Another evening"))

    # Published with consent: everywhere.
    for page in (episode, story):
        response = client.get(page.url)
        assert response.status_code == 200
        assert page.title in response.content.decode()
    assert {"Quokkafest kitchen", "Another evening"} <= public_titles(client, show)
    assert {"Quokkafest kitchen", "Another evening"} <= partner_titles(client, raw)
    assert set(search_titles(client, "Quokkafest")) == {"Quokkafest kitchen", "Quokkafest volunteers"}
    locations = [f"{page.get_url_parts()[2]}</loc>" for page in (episode, story)]
    assert all(location in sitemap(client) for location in locations)
    # The partner pulls the broadcast file: a pull receipt.
    download = client.get(f"/feeds/partners/{raw}/episodes/{episode.pk}.wav")
    assert download.status_code == 200
    assert len(b"".join(download.streaming_content)) == episode.audio.rendition("broadcast-wav").size_bytes
    assert PullReceipt.objects.filter(partner=partner, episode=episode).count() == 1

    public_files = [rendition.file.name for rendition in episode.audio.renditions.all()]
    assert public_files and all(private_storage().exists(name) for name in public_files)

    # Amina withdraws, through the consent officers' admin view.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/consent/{amina.pk}/withdraw/", {"reason": "Asked by phone"})
    assert response.status_code == 302

    # The pages are gone: 404 (not a stale copy from the page cache).
    assert client.get(episode.url).status_code == 404
    assert client.get(story.url).status_code == 404
    assert not fresh(episode).live and not fresh(story).live
    # Out of the public and partner feeds (whose caches were filled above), search and sitemap.
    assert "Quokkafest kitchen" not in public_titles(client, show)
    assert "Another evening" in public_titles(client, show)
    assert partner_titles(client, raw) >= {"Another evening"}
    assert "Quokkafest kitchen" not in partner_titles(client, raw)
    assert search_titles(client, "Quokkafest") == []
    assert not any(location in sitemap(client) for location in locations)
    assert client.get(f"/feeds/partners/{raw}/episodes/{episode.pk}.wav").status_code == 404
    assert client.get(other.url).status_code == 200  # Farid's other episode stays
    # The audio's public files are gone too (no live page uses them); Farid's episode keeps its own.
    asset = AudioAsset.objects.get(pk=episode.audio_id)
    assert asset.status == "withdrawn" and asset.renditions.count() == 0
    assert not any(private_storage().exists(name) for name in public_files)
    assert all(private_storage().exists(r.file.name) for r in other.audio.renditions.all())

    # A takedown notice for the partner who pulled it, by e-mail and in its feed area.
    notice = TakedownNotice.objects.get(partner=partner)
    assert notice.page_id == episode.pk and notice.emailed_at is not None
    assert len(notice.files) == 1 and notice.files[0].startswith(f"{episode.slug}.wav")
    takedown_mail = [m for m in mail.outbox if m.to == ["playout@radio-quokka.example"]]
    assert len(takedown_mail) == 1 and notice.files[0] in takedown_mail[0].body
    listing = client.get(f"/feeds/partners/{raw}/takedowns.json")
    assert listing.status_code == 200 and listing["Cache-Control"] == "private, no-store"
    entries = json.loads(listing.content)["takedowns"]
    assert [(e["id"], e["title"], e["files"]) for e in entries] == [(notice.pk, episode.title, notice.files)]
    assert entries[0]["guid"].startswith("urn:hub:episode:") and entries[0]["acknowledged_at"] is None
    # The pull receipts still show who must delete what.
    receipt = PullReceipt.objects.get(partner=partner, episode=episode)
    assert receipt.partner_name == "Radio Quokka" and receipt.preset == "broadcast-wav"

    # The officer's report names every page and what was done; the audit log records it all.
    report = TakedownReport.objects.get(consent=amina)
    assert report.reason == "withdrawn"
    by_page = {action["page"]: action for action in report.actions}
    assert by_page[episode.pk]["action"] == "unpublished" and by_page[episode.pk]["partners"] == ["Radio Quokka"]
    assert by_page[story.pk]["action"] == "unpublished"
    actions = set(ModelLogEntry.objects.filter(object_id=str(amina.pk)).values_list("action", flat=True))
    assert {"hub.consent.withdraw", "hub.consent.takedown"} <= actions
    for page in (episode, story):
        assert PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.unpublish").exists()

    # Officers and radio managers see it all in the admin (read only).
    notices = admin_client.get("/admin/takedown-notices/")
    assert notices.status_code == 200 and "Radio Quokka" in notices.content.decode()
    inspect = admin_client.get(f"/admin/takedown-reports/inspect/{report.pk}/").content.decode()
    assert "Quokkafest kitchen" in inspect and "unpublished" in inspect
    assert admin_client.get("/admin/takedown-notices/add/").status_code in (302, 403, 404)

    # The partner acknowledges once its playout system deleted the file.
    ack = client.post(f"/feeds/partners/{raw}/takedowns/{notice.pk}/acknowledge")
    assert ack.status_code == 204
    assert ack["Referrer-Policy"] == "no-referrer" and ack["X-Robots-Tag"] == "noindex, nofollow"
    assert TakedownNotice.objects.get(pk=notice.pk).acknowledged_at is not None


def test_audio_still_used_by_a_live_page_keeps_its_files(show):
    amina, farid = record("Amina"), record("Farid")
    withdrawn = publish(episode_draft(show, [amina], title="Withdrawn"))
    sharing = episode_draft(show, [farid], title="Sharing the audio")
    sharing.audio = withdrawn.audio
    sharing = publish(sharing)
    names = [rendition.file.name for rendition in withdrawn.audio.renditions.all()]
    apply_lapse(amina, "withdrawn")
    assert not fresh(withdrawn).live and fresh(sharing).live
    assert AudioAsset.objects.get(pk=withdrawn.audio_id).status == "ready"
    assert all(private_storage().exists(name) for name in names)


def test_takedown_list_reveals_nothing_to_a_bad_token(client, radio_partner):
    _partner, raw = radio_partner
    assert client.get("/feeds/partners/not-a-token/takedowns.json").status_code == 404
    assert client.post("/feeds/partners/not-a-token/takedowns/1/acknowledge").status_code == 404
    assert client.post(f"/feeds/partners/{raw}/takedowns/999999/acknowledge").status_code == 404


def test_a_partner_sees_only_its_own_takedowns(show, client, radio_partner):
    _partner, raw = radio_partner
    other_partner = PartnerOrganisationFactory(name="Other radio", is_broadcast_partner=True)
    amina = record()
    episode = publish(episode_draft(show, [amina]))
    notice = TakedownNotice.objects.create(partner=other_partner, page=episode, consent=amina, files=["x.wav"])
    assert json.loads(client.get(f"/feeds/partners/{raw}/takedowns.json").content)["takedowns"] == []
    assert client.post(f"/feeds/partners/{raw}/takedowns/{notice.pk}/acknowledge").status_code == 404
    assert TakedownNotice.objects.get(pk=notice.pk).acknowledged_at is None


# --- the gates, for episodes --------------------------------------------------------------------


def test_an_episode_without_consent_or_declaration_cannot_be_published(show):
    episode = episode_draft(show)
    with pytest.raises(ValidationError, match="Link the consent record"):
        episode.save_revision().publish()
    assert not fresh(episode).live


def test_an_episode_names_the_person_without_website_consent(show):
    episode = episode_draft(show, [record("Farid"), record("Lina", scope_website=False)])
    with pytest.raises(ValidationError) as refused:
        episode.save_revision().publish()
    text = " ".join(refused.value.messages)
    assert "Lina" in text and "Website" in text and "Farid" not in text


def test_the_shell_cannot_bypass_the_gate(show):
    episode = episode_draft(show)
    episode.live = True
    with pytest.raises(ValidationError):
        episode.save()
    assert not fresh(episode).live


def test_scheduled_publishing_is_gated_too_and_other_pages_still_go_live(show):
    yusuf = record("Yusuf", expires_on=TODAY + timedelta(days=1))
    refused = episode_draft(show, [yusuf], title="Refused")
    refused_revision = refused.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=2))
    waiting = episode_draft(show, [record("Amina")], title="Waiting")
    waiting.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    # Yusuf's consent expires before the scheduled time comes.
    ConsentRecord.objects.filter(pk=yusuf.pk).update(expires_on=TODAY - timedelta(days=1))
    errors = io.StringIO()
    call_command("publish_scheduled", stdout=io.StringIO(), stderr=errors)
    assert not fresh(refused).live
    assert fresh(waiting).live
    assert "Yusuf" in errors.getvalue()
    refused_revision.refresh_from_db()
    assert refused_revision.approved_go_live_at is None  # off the schedule, not retried every minute
    entry = PageLogEntry.objects.get(page_id=refused.pk, action="hub.consent.publish_refused")
    assert "Yusuf" in " ".join(entry.data["reasons"])


def test_the_model_gate_stands_behind_scheduled_publishing(show):
    episode = episode_draft(show)  # neither consent nor a declaration
    revision = episode.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError):
        revision.publish()
    assert not fresh(episode).live


@pytest.mark.parametrize(
    ("missing", "public", "partners"),
    [
        ("scope_podcast", False, True),
        ("scope_broadcast", True, False),
        ("scope_redistribution", True, False),
    ],
)
def test_each_channel_needs_its_own_scope(show, client, radio_partner, missing, public, partners):
    _partner, raw = radio_partner
    publish(episode_draft(show, [record("Amina"), record("Lina", **{missing: False})], title="Scoped"))
    assert ("Scoped" in public_titles(client, show)) is public
    assert ("Scoped" in partner_titles(client, raw)) is partners


def test_a_declared_episode_without_people_goes_everywhere(show, client, radio_partner):
    _partner, raw = radio_partner
    publish(episode_draft(show, declared=True, title="Sound of the market"))
    assert "Sound of the market" in public_titles(client, show)
    assert "Sound of the market" in partner_titles(client, raw)


def test_expiry_leaves_the_feeds_before_the_sweep_and_the_sweep_takes_the_page_down(show, client, radio_partner):
    _partner, raw = radio_partner
    amina = record("Amina", expires_on=TODAY + timedelta(days=5))
    episode = publish(episode_draft(show, [amina], title="Short-lived"))
    assert "Short-lived" in public_titles(client, show)
    ConsentRecord.objects.filter(pk=amina.pk).update(expires_on=TODAY - timedelta(days=1))
    cache.clear()  # a rendered feed is invalidated by the sweep; the filter itself checks the date
    assert "Short-lived" not in public_titles(client, show)
    assert "Short-lived" not in partner_titles(client, raw)
    call_command("consent_sweep")
    assert not fresh(episode).live
    assert client.get(episode.url).status_code == 404
    assert TakedownReport.objects.get(consent=amina).reason == "expired"


def test_the_admin_form_refuses_to_publish_an_episode_without_consent(show, admin_user):
    from hub.radio.models import EpisodePageForm

    lina = record("Lina", scope_website=False)
    form_class = EpisodePage.get_edit_handler().get_form_class()
    assert issubclass(form_class, EpisodePageForm)
    episode = episode_draft(show)
    form = form_class(
        {"consents": [lina.pk], "action-publish": "1"}, instance=episode, parent_page=show, for_user=admin_user
    )
    form.is_valid()
    assert any("Lina" in str(error) for error in form.errors.get("consents", []))


def test_the_periodic_tasks_are_queued_once_and_requeue_themselves(settings, show):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "audio"]},
    }
    paths = ["hub.consent.tasks.consent_expiry_sweep_task", "hub.consent.tasks.publish_scheduled_task"]
    call_command("schedule_periodic_tasks", stdout=io.StringIO())
    call_command("schedule_periodic_tasks", stdout=io.StringIO())
    queued = DBTaskResult.objects.filter(task_path__in=paths)
    assert sorted(queued.values_list("task_path", flat=True)) == paths
    assert set(queued.values_list("status", flat=True)) == {"READY"}

    # Each run does its work and queues the next one (a worker would mark the run it took as done).
    episode = episode_draft(show, [record("Amina")], title="Due now")
    episode.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    queued.update(status="RUNNING")  # as a worker takes them (or a killed worker left them)
    publish_scheduled_task.call(True)
    consent_expiry_sweep_task.call(True)
    publish_scheduled_task.call(True)  # a second chain would queue a second run: it does not
    assert fresh(episode).live
    waiting = DBTaskResult.objects.filter(task_path__in=paths, status="READY")
    assert sorted(waiting.values_list("task_path", flat=True)) == paths
    assert all(result.run_after > timezone.now() for result in waiting)


def test_without_the_database_task_backend_the_command_says_to_use_timers():
    with pytest.raises(CommandError, match="timers"):
        call_command("schedule_periodic_tasks", stdout=io.StringIO())
