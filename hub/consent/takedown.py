"""What happens when a consent is withdrawn or expires: take the content down everywhere.

Within one task run: every live page that links the record is unpublished (or redacted, when
the officer asks for it and the record allows it); unpublishing takes it out of the site, the
search results, the sitemap and the feeds, whose caches listen to Wagtail's page_unpublished
signal; partners who pulled affected episodes get a takedown notice and an e-mail; the consent
officers get a report of what was taken down where.
"""

import logging

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log
from wagtail.models import Page
from wagtail.search import index

from .models import ConsentLinkedPage, ConsentRecord, TakedownNotice, TakedownReport
from .roles import consent_officers

logger = logging.getLogger(__name__)

# Sent after a record's pages were taken down; receivers purge whatever they cache.
consent_lapsed = Signal()


def linked_pages(record: ConsentRecord) -> list[Page]:
    pages: list[Page] = []
    for model in apps.get_models():
        if issubclass(model, ConsentLinkedPage) and issubclass(model, Page):
            pages.extend(model.objects.filter(consents=record))
    return pages


def withdraw(record: ConsentRecord, *, reason: str, user=None, redact: bool = False, day=None) -> None:
    """Record a withdrawal and queue the takedown (it runs once the withdrawal is committed)."""
    from .tasks import apply_consent_lapse_task

    record.withdrawn_on = day or timezone.localdate()
    record.withdrawal_reason = reason
    record.full_clean()
    record.save()
    log(record, "hub.consent.withdraw", user=user, data={"reason": reason, "redact": redact})
    record_id = record.pk
    transaction.on_commit(lambda: apply_consent_lapse_task.enqueue(record_id, "withdrawn", redact))


def _redact(page, record: ConsentRecord) -> bool:
    redact = getattr(page, "redact_for_consent", None)
    if redact is None or not record.redaction_allowed:
        return False
    redact(record)
    page.save_revision(log_action=True).publish()
    return True


def _partner_pulls(page) -> dict:
    """Partners who downloaded this page's audio, and which files they have (from the pull receipts).

    A file is named by the name it was delivered under and its SHA-256, which stay true after the
    hub re-renders or deletes its own copy.
    """
    try:
        receipt_model = apps.get_model("partners", "PullReceipt")
    except LookupError:
        return {}
    pulls: dict = {}
    receipts = (
        receipt_model.objects.filter(episode_id=page.pk, partner__isnull=False)
        .select_related("partner", "rendition")
        .order_by("created_at")
    )
    for receipt in receipts:
        files = pulls.setdefault(receipt.partner, [])
        # The name the partner download gave the file (hub.partners.views.partner_download).
        name = f"{page.slug}{receipt.rendition.extension}" if receipt.rendition_id else page.slug
        described = f"{name} ({receipt.preset}, sha256 {receipt.sha256})" if receipt.sha256 else name
        if described not in files:
            files.append(described)
    return pulls


def _actor(record: ConsentRecord, reason: str):
    """Who recorded the withdrawal (the takedown acts on their behalf); None for an expiry."""
    if reason != "withdrawn":
        return None
    from wagtail.models import ModelLogEntry

    entry = (
        ModelLogEntry.objects.for_instance(record)
        .filter(action="hub.consent.withdraw")
        .select_related("user")
        .order_by("-timestamp")
        .first()
    )
    return entry.user if entry is not None else None


def apply_lapse(record: ConsentRecord, reason: str, redact: bool = False) -> TakedownReport:
    actions: list[dict] = []
    actor = _actor(record, reason)
    # The page history names the person, the reason and who recorded it, not "System".
    page_log = {"consent": record.public_name, "reason": reason, "text": record.withdrawal_reason}
    for page in linked_pages(record):
        entry = {"page": page.pk, "title": page.title, "locale": page.locale.language_code, "url": page.url_path}
        if not page.live:
            entry["action"] = "already offline"
        elif redact and _redact(page, record):
            entry["action"] = "redacted"
        else:
            # On the officer's behalf, whatever their page permissions: the consent decides.
            UnpublishPageAction(page, user=actor, log_action=True).execute(skip_permission_checks=True)
            index.remove_object(page)
            entry["action"] = "unpublished"
            log(page, "hub.consent.page_takedown", user=actor, data=page_log)
        for partner, files in _partner_pulls(page).items():
            # get_or_create, then deliver whatever is still undelivered: when a run is retried after
            # a crash, the notice exists already and its e-mail still goes out (at least once).
            notice, _created = TakedownNotice.objects.get_or_create(
                partner=partner, page=page, consent=record, defaults={"files": files}
            )
            deliver_notice(notice)
            entry.setdefault("partners", []).append(partner.name)
        actions.append(entry)
    _withdraw_audio(actions)
    report = TakedownReport.objects.create(consent=record, reason=reason, actions=actions)
    log(record, "hub.consent.takedown", user=actor, data={"reason": reason, "pages": len(actions)})
    consent_lapsed.send(sender=ConsentRecord, record=record, pages=[a["page"] for a in actions])
    deliver_report(report)
    return report


def _withdraw_audio(actions: list[dict]) -> None:
    """Delete the public audio files of taken-down pages that no live page uses any more."""
    from hub.audio.withdrawal import in_live_use, withdraw_public_files

    for entry in actions:
        if entry["action"] != "unpublished":
            continue
        page = Page.objects.get(pk=entry["page"]).specific
        assets = [page.audio] if getattr(page, "audio", None) is not None else []
        if hasattr(page, "audio_spots"):
            assets += [spot.audio for spot in page.audio_spots.all()]
        for asset in assets:
            if asset.status != "withdrawn" and not in_live_use(asset):
                entry.setdefault("audio_removed", []).extend(withdraw_public_files(asset))


def _record_delivery(model, pk: int, error: Exception | str | None) -> None:
    """Count an attempt; on success stamp ``emailed_at``, on failure keep the error for the admin."""
    changes = {"email_attempts": F("email_attempts") + 1}
    if error is None:
        changes.update(emailed_at=timezone.now(), email_error="")
    else:
        changes["email_error"] = str(error)[:1000] or type(error).__name__
    model.objects.filter(pk=pk).update(**changes)


def deliver_notice(notice: TakedownNotice) -> bool:
    """E-mail a notice to its partner unless that happened already; True when it went out now.

    A failure (the mail server refused or could not be reached) is recorded on the notice, shown
    in the takedown admin, and tried again by the next sweep (``deliver_pending``).
    """
    address = notice.partner.contact_email
    if notice.emailed_at is not None or not address:
        return False
    title = notice.page.title
    try:
        send_mail(
            _("Takedown: please delete “%(title)s”") % {"title": title},
            _(
                "The consent of a person heard in “%(title)s” has ended. Please delete these files "
                "and stop broadcasting it:\n\n%(files)s\n"
            )
            % {"title": title, "files": "\n".join(notice.files)},
            settings.DEFAULT_FROM_EMAIL,
            [address],
        )
    except Exception as error:  # whatever the mail backend raises: keep it, try again later
        logger.warning("Takedown notice %s could not be e-mailed: %s", notice.pk, error)
        _record_delivery(TakedownNotice, notice.pk, error)
        return False
    _record_delivery(TakedownNotice, notice.pk, None)
    return True


def deliver_report(report: TakedownReport) -> bool:
    """E-mail a takedown report to the consent officers, once; failures are kept and retried."""
    if report.emailed_at is not None:
        return False
    addresses = sorted({user.email for user in consent_officers().exclude(email="")})
    if not addresses:
        _record_delivery(TakedownReport, report.pk, "No active consent officer has an e-mail address.")
        return False
    lines = [f"- {action['title']} [{action['locale']}]: {action['action']}" for action in report.actions]
    try:
        send_mail(
            _("Consent of %(name)s ended: takedown report") % {"name": report.consent.public_name},
            "\n".join(lines) or _("No page linked this record."),
            settings.DEFAULT_FROM_EMAIL,
            addresses,
        )
    except Exception as error:
        logger.warning("Takedown report %s could not be e-mailed: %s", report.pk, error)
        _record_delivery(TakedownReport, report.pk, error)
        return False
    _record_delivery(TakedownReport, report.pk, None)
    return True


def deliver_pending() -> int:
    """Send every notice and report whose e-mail has not gone out yet; returns how many went out."""
    sent = 0
    notices = TakedownNotice.objects.filter(emailed_at__isnull=True).exclude(partner__contact_email="")
    for notice in notices.select_related("partner", "page").order_by("pk"):
        sent += deliver_notice(notice)
    for report in TakedownReport.objects.filter(emailed_at__isnull=True).select_related("consent").order_by("pk"):
        sent += deliver_report(report)
    return sent


def sweep_expired(day=None) -> list[TakedownReport]:
    """Take down everything whose consent has expired and was not yet taken down; then send the
    notices and reports whose e-mail failed before."""
    day = day or timezone.localdate()
    expired = ConsentRecord.objects.filter(expires_on__lt=day, withdrawn_on__isnull=True).exclude(
        reports__reason="expired"
    )
    reports = [apply_lapse(record, "expired") for record in expired]
    deliver_pending()  # e-mails that failed before, whatever lapse they belong to
    from hub.ops.deletions import retry_pending_deletions

    retry_pending_deletions()  # files whose deletion failed before
    return reports
