"""Consent of the people portrayed: specific per channel, recorded, expiring, revocable.

A ``ConsentRecord`` is one person's consent. Pages about people (stories, episodes, campaigns)
link the records of everyone identifiable in them, or carry an editor's declaration that no
identifiable person appears. The gates in :mod:`hub.consent.gates` refuse to publish, list in a
feed or hand to a partner anything whose records do not cover the channel.
"""

import secrets
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

from .widgets import EvidenceInput

VIEW_PRIVATE = "consent.view_private_consent_fields"


def evidence_upload_to(instance, filename):
    """A random name (128 bits): the original may name the person, and no name may be guessed."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"consent/evidence/{secrets.token_hex(16)}{suffix}"


def private_storage():
    """Storage for consent evidence (the "private" alias): never at a public URL."""
    from hub.ops.storage import private_storage as private

    return private()


class Scope(models.TextChoices):
    WEBSITE = "website", _("Website")
    PODCAST = "podcast", _("Podcast feed")
    BROADCAST = "broadcast", _("Broadcast by partner radios")
    REDISTRIBUTION = "redistribution", _("Redistribution by partners")
    SOCIAL = "social", _("Social media")


class ConsentQuerySet(models.QuerySet):
    def valid_on(self, day=None):
        day = day or timezone.localdate()
        return self.filter(granted_on__lte=day, withdrawn_on__isnull=True).filter(
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=day)
        )

    def lapsed(self, day=None):
        """Withdrawn or expired records (they may still be linked to published pages)."""
        day = day or timezone.localdate()
        return self.filter(models.Q(withdrawn_on__isnull=False) | models.Q(expires_on__lt=day))

    def expiring_within(self, days: int, day=None):
        day = day or timezone.localdate()
        return self.valid_on(day).filter(expires_on__lte=day + timezone.timedelta(days=days))


class ConsentRecord(index.Indexed, models.Model):
    public_name = models.CharField(
        _("public name"), max_length=120, help_text=_("As the person appears in public: a pseudonym is allowed.")
    )
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    contact = models.TextField(_("contact"), blank=True, help_text=_("How to reach the person. Private."))
    scope_website = models.BooleanField(_("website"), default=False)
    scope_podcast = models.BooleanField(_("podcast feed"), default=False)
    scope_broadcast = models.BooleanField(_("broadcast by partner radios"), default=False)
    scope_redistribution = models.BooleanField(_("redistribution by partners"), default=False)
    scope_social = models.BooleanField(_("social media"), default=False)
    languages = models.ManyToManyField("core.Language", verbose_name=_("languages"), blank=True)
    granted_on = models.DateField(_("granted on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    redaction_allowed = models.BooleanField(
        _("redaction allowed"),
        default=False,
        help_text=_("On withdrawal, a story may be redacted (name and image removed) instead of unpublished."),
    )
    evidence = models.FileField(
        _("evidence"),
        storage=private_storage,
        upload_to=evidence_upload_to,
        blank=True,
        help_text=_("The signed form or recording. Stored privately; only consent officers can open it."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ConsentQuerySet.as_manager()

    panels = [
        FieldPanel("public_name"),
        MultiFieldPanel(
            [
                FieldPanel("legal_name"),
                FieldPanel("contact"),
                FieldPanel("evidence", widget=EvidenceInput),
                FieldPanel("notes"),
            ],
            heading=_("Private"),
            permission=VIEW_PRIVATE,
        ),
        MultiFieldPanel(
            [
                FieldPanel("scope_website"),
                FieldPanel("scope_podcast"),
                FieldPanel("scope_broadcast"),
                FieldPanel("scope_redistribution"),
                FieldPanel("scope_social"),
            ],
            heading=_("Scopes"),
        ),
        FieldPanel("languages"),
        MultiFieldPanel(
            [FieldPanel("granted_on"), FieldPanel("expires_on"), FieldPanel("redaction_allowed")], heading=_("Validity")
        ),
        MultiFieldPanel(
            [FieldPanel("withdrawn_on"), FieldPanel("withdrawal_reason")],
            heading=_("Withdrawal"),
            permission=VIEW_PRIVATE,
        ),
    ]
    search_fields = [index.SearchField("public_name"), index.AutocompleteField("public_name")]

    class Meta:
        ordering = ["public_name"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        permissions = [("view_private_consent_fields", _("Can see private fields and evidence of consent records"))]

    def __str__(self):
        return self.public_name

    def clean(self):
        super().clean()
        if self.expires_on and self.granted_on and self.expires_on < self.granted_on:
            raise ValidationError({"expires_on": _("Consent cannot expire before it is granted.")})
        if self.withdrawn_on and not self.withdrawal_reason.strip():
            raise ValidationError({"withdrawal_reason": _("Record why the consent was withdrawn.")})

    def covers(self, scope: str, day=None) -> bool:
        day = day or timezone.localdate()
        if self.withdrawn_on is not None or self.granted_on > day:
            return False
        if self.expires_on is not None and self.expires_on < day:
            return False
        return bool(getattr(self, f"scope_{scope}"))

    @property
    def is_lapsed(self) -> bool:
        day = timezone.localdate()
        return self.withdrawn_on is not None or (self.expires_on is not None and self.expires_on < day)


class ConsentLinkedPage(models.Model):
    """Mixin for pages that portray people: the records of everyone identifiable in them."""

    consents = ParentalManyToManyField(
        "consent.ConsentRecord",
        verbose_name=_("consent of the people portrayed"),
        blank=True,
        related_name="+",
        help_text=_("Everyone who can be identified in this page, its images or its audio."),
    )
    no_identifiable_person = models.BooleanField(
        _("no identifiable person appears"),
        default=False,
        help_text=_("Declare this only if nobody in the text, images or audio can be identified."),
    )

    consent_panels = [FieldPanel("consents"), FieldPanel("no_identifiable_person")]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Publishing saves the whole page; saving a draft or a revision saves only some fields.
        if getattr(self, "live", False) and kwargs.get("update_fields") is None:
            from .gates import page_consent_problems

            problems = page_consent_problems(self, Scope.WEBSITE)
            if problems:
                raise ValidationError({"consents": problems})
        return super().save(*args, **kwargs)


class TakedownNotice(models.Model):
    """Tells a partner to delete what it pulled of a page whose consent lapsed."""

    partner = models.ForeignKey(
        "partners.PartnerOrganisation", verbose_name=_("partner"), on_delete=models.CASCADE, related_name="takedowns"
    )
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+")
    consent = models.ForeignKey(ConsentRecord, verbose_name=_("consent record"), on_delete=models.CASCADE)
    files = models.JSONField(_("files to delete"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_attempts = models.PositiveIntegerField(_("e-mail attempts"), default=0)
    email_error = models.TextField(_("last e-mail error"), blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("takedown notice")
        verbose_name_plural = _("takedown notices")
        constraints = [
            models.UniqueConstraint(fields=["partner", "page", "consent"], name="one_notice_per_partner_page")
        ]

    def __str__(self):
        return f"{self.partner} · {self.page}"

    def get_files_display(self):
        return format_html_join("", "<p>{}</p>", ((name,) for name in self.files)) or "-"


class TakedownReport(models.Model):
    """What one withdrawal or expiry took down, for the consent officer."""

    consent = models.ForeignKey(
        ConsentRecord, verbose_name=_("consent record"), on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(
        _("reason"), max_length=20, choices=[("withdrawn", _("Withdrawn")), ("expired", _("Expired"))]
    )
    actions = models.JSONField(_("actions"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_attempts = models.PositiveIntegerField(_("e-mail attempts"), default=0)
    email_error = models.TextField(_("last e-mail error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("takedown report")
        verbose_name_plural = _("takedown reports")

    def __str__(self):
        return f"{self.consent} · {self.get_reason_display()}"

    def get_actions_display(self):
        """Each page: its title and language, what was done, and the partners told to delete it."""
        return (
            format_html_join(
                "",
                "<p>{} [{}]: {}{}</p>",
                (
                    (
                        action.get("title", ""),
                        action.get("locale", ""),
                        action.get("action", ""),
                        " · " + ", ".join(action["partners"]) if action.get("partners") else "",
                    )
                    for action in self.actions
                ),
            )
            or "-"
        )


from .workflow import OrganisationApprovalTask  # noqa: E402, F401 - the review task model lives beside its rules
