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
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log
from wagtail.models import Page
from wagtail.search import index

from .models import ConsentLinkedPage, ConsentRecord, TakedownNotice, TakedownReport

logger = logging.getLogger(__name__)

CONSENT_OFFICERS = "Consent officers"

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
            notice, created = TakedownNotice.objects.get_or_create(
                partner=partner, page=page, consent=record, defaults={"files": files}
            )
            if created and (address := getattr(partner, "contact_email", "")):
                send_mail(
                    _("Takedown: please delete “%(title)s”") % {"title": page.title},
                    _(
                        "The consent of a person heard in “%(title)s” has ended. Please delete these files "
                        "and stop broadcasting it:\n\n%(files)s\n"
                    )
                    % {"title": page.title, "files": "\n".join(files)},
                    settings.DEFAULT_FROM_EMAIL,
                    [address],
                )
                TakedownNotice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
            entry.setdefault("partners", []).append(partner.name)
        actions.append(entry)
    _withdraw_audio(actions)
    report = TakedownReport.objects.create(consent=record, reason=reason, actions=actions)
    log(record, "hub.consent.takedown", user=actor, data={"reason": reason, "pages": len(actions)})
    consent_lapsed.send(sender=ConsentRecord, record=record, pages=[a["page"] for a in actions])
    _tell_officers(record, report)
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


def _tell_officers(record: ConsentRecord, report: TakedownReport) -> None:
    officers = get_user_model().objects.filter(groups__name=CONSENT_OFFICERS, is_active=True).exclude(email="")
    addresses = sorted({user.email for user in officers})
    if not addresses:
        return
    lines = [f"- {action['title']} [{action['locale']}]: {action['action']}" for action in report.actions]
    send_mail(
        _("Consent of %(name)s ended: takedown report") % {"name": record.public_name},
        "\n".join(lines) or _("No page linked this record."),
        settings.DEFAULT_FROM_EMAIL,
        addresses,
    )


def sweep_expired(day=None) -> list[TakedownReport]:
    """Take down everything whose consent has expired and was not yet taken down."""
    day = day or timezone.localdate()
    expired = ConsentRecord.objects.filter(expires_on__lt=day, withdrawn_on__isnull=True).exclude(
        reports__reason="expired"
    )
    return [apply_lapse(record, "expired") for record in expired]
