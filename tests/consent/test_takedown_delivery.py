"""Takedown e-mails are delivered at least once: a failed send is kept, shown and tried again."""

import datetime
import socket

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import override_settings
from wagtail.models import Locale, Page

from hub.consent.models import ConsentRecord, TakedownNotice, TakedownReport
from hub.consent.roles import CONSENT_OFFICERS, setup_roles
from hub.consent.takedown import apply_lapse, deliver_pending, sweep_expired
from hub.core.factories import HomePageFactory
from hub.partners.factories import PartnerOrganisationFactory
from hub.partners.models import PullReceipt
from hub.radio.factories import EpisodePageFactory, RadioIndexPageFactory, ShowPageFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused, like a mail server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mail_server_down():
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=closed_port(),
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=5,
    )


@pytest.fixture
def pulled_episode(django_user_model):
    english, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root", locale=english))
    home = HomePageFactory(parent=root, slug="delivery-home", locale=english)
    show = ShowPageFactory(parent=RadioIndexPageFactory(parent=home, slug="radio"), slug="show")
    record = ConsentRecord.objects.create(
        public_name="Yusuf", granted_on=TODAY - datetime.timedelta(days=30), scope_website=True
    )
    episode = EpisodePageFactory(parent=show, slug="pulled", title="Pulled episode")
    episode.consents.set([record])
    episode.no_identifiable_person = False
    episode.save()
    partner = PartnerOrganisationFactory(name="Radio Pull", locale=english, contact_email="studio@example.org")
    PullReceipt.objects.create(
        partner=partner,
        partner_name=partner.name,
        token_label="playout",
        episode=episode,
        episode_title=episode.title,
        preset="broadcast-wav",
        sha256="a" * 64,
        status_code=200,
    )
    setup_roles()
    officer = django_user_model.objects.create_user("officer", "officer@example.org", "x")
    officer.groups.add(Group.objects.get(name=CONSENT_OFFICERS))
    return record, episode, partner


def test_a_failed_send_is_recorded_and_the_next_sweep_delivers_it(pulled_episode, admin_client):
    record, episode, partner = pulled_episode
    with mail_server_down():
        apply_lapse(record, "withdrawn")
    notice = TakedownNotice.objects.get(partner=partner, page=episode)
    report = TakedownReport.objects.get(consent=record)
    assert notice.emailed_at is None and notice.email_attempts == 1 and notice.email_error
    assert report.emailed_at is None and report.email_attempts == 1
    assert mail.outbox == []

    # The takedown admin shows that the e-mail did not go out, and why.
    listing = admin_client.get("/admin/takedown-notices/").content.decode()
    assert "Not sent after 1 attempts" in listing

    # Retrying the same takedown (a task run retried after a crash) still sends: not "if created".
    apply_lapse(record, "withdrawn")
    notice.refresh_from_db()
    assert notice.emailed_at is not None and notice.email_error == ""
    assert [message.to for message in mail.outbox].count(["studio@example.org"]) == 1

    # The next sweep sends the report that failed; what went out is not sent twice.
    sweep_expired()
    report.refresh_from_db()
    assert report.emailed_at is not None
    recipients = [message.to for message in mail.outbox]
    assert recipients.count(["studio@example.org"]) == 1
    assert ["officer@example.org"] in recipients
    assert "Sent" in admin_client.get("/admin/takedown-notices/").content.decode()


def test_the_sweep_retries_until_the_mail_server_answers(pulled_episode):
    record, episode, partner = pulled_episode
    with mail_server_down():
        apply_lapse(record, "withdrawn")
        assert deliver_pending() == 0
    notice = TakedownNotice.objects.get(partner=partner, page=episode)
    assert notice.email_attempts == 2 and notice.emailed_at is None
    assert deliver_pending() == 2  # the notice and the report
    assert deliver_pending() == 0
    assert len(mail.outbox) == 2


def test_the_report_goes_to_the_consent_officers_and_no_one_else(pulled_episode, django_user_model):
    """One list of consent officers: active members of the group; the report's recipients are that list."""
    from hub.consent.roles import EDITORS, consent_officers

    record, _episode, _partner = pulled_episode
    officers = Group.objects.get(name=CONSENT_OFFICERS)
    away = django_user_model.objects.create_user("away", "away@example.org", "x", is_active=False)
    away.groups.add(officers)
    django_user_model.objects.create_superuser("root", "root@example.org", "x")
    editor = django_user_model.objects.create_user("editor", "editor@example.org", "x")
    editor.groups.add(Group.objects.get(name=EDITORS))
    assert [user.username for user in consent_officers()] == ["officer"]
    apply_lapse(record, "withdrawn")
    report_mails = [message.to for message in mail.outbox if "takedown report" in message.subject]
    assert report_mails == [["officer@example.org"]]
