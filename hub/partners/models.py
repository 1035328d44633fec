"""Partner organisations of the network (translatable snippets), and what broadcast partners get.

A broadcast partner (a radio station) subscribes to shows and pulls their episodes through a
private feed. It authenticates with feed tokens: random, 256 bits, shown once, stored only as a
SHA-256 hash. Every download leaves a pull receipt.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index

from hub.core.countries import COUNTRIES


class PartnerKind(models.TextChoices):
    ACADEMIC = "academic", _("Academic")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    MEDIA = "media", _("Media")


class DeliveryFormat(models.TextChoices):
    """The rendition a broadcast partner receives (rendition presets of hub.audio)."""

    BROADCAST_WAV = "broadcast-wav", _("Broadcast WAV (48 kHz, EBU R128)")
    PODCAST_MP3 = "podcast-mp3", _("Podcast MP3")


def delivery_rendition(partner, find, *, size_of, extension_of=None, ext: str | None = None):
    """The rendition a partner gets, for its feed and its downloads alike (the one home of this rule).

    Its preferred format (broadcast WAV unless it chose otherwise) first, then the other delivery
    formats; only a rendition that exists and has bytes. ``find(preset)`` gives an episode's
    rendition of a preset or None, ``size_of`` its size in bytes. A download passes the extension
    of its URL (``ext``, with ``extension_of`` to read a rendition's): then only a rendition of
    that extension counts, so a partner fetches either format by its URL but never an empty file.
    """
    preferred = partner.preferred_format or DeliveryFormat.BROADCAST_WAV
    for preset in [preferred, *(p for p in DeliveryFormat.values if p != preferred)]:
        rendition = find(preset)
        if rendition is None or not size_of(rendition):
            continue
        if ext is not None and extension_of(rendition).lstrip(".") != ext:
            continue
        return rendition
    return None


class PartnerOrganisation(TranslatableMixin, index.Indexed, ClusterableModel):
    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=80, allow_unicode=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES)
    city = models.CharField(_("city"), max_length=120)
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = RichTextField(_("description"), features=["bold", "italic", "link"], blank=True)
    is_coordinator = models.BooleanField(_("project coordinator"), default=False)
    is_broadcast_partner = models.BooleanField(
        _("broadcast partner"),
        default=False,
        help_text=_("A radio station that pulls episodes through a private partner feed."),
    )
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Where notices go, e.g. when a person withdraws consent and a pulled episode must be deleted."),
    )
    preferred_format = models.CharField(
        _("preferred format"),
        max_length=20,
        choices=DeliveryFormat.choices,
        default=DeliveryFormat.BROADCAST_WAV,
        help_text=_("The file the partner feed offers. When an episode lacks it, the other format is offered."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        MultiFieldPanel([FieldPanel("country"), FieldPanel("city")], heading=_("Location")),
        FieldPanel("website"),
        FieldPanel("logo"),
        FieldPanel("description"),
        FieldPanel("is_coordinator"),
        MultiFieldPanel(
            [
                FieldPanel("is_broadcast_partner"),
                FieldPanel("contact_email"),
                FieldPanel("preferred_format"),
                InlinePanel("show_subscriptions", label=_("Subscribed shows")),
            ],
            heading=_("Broadcast partner"),
        ),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
        index.FilterField("country"),
        index.FilterField("kind"),
        index.FilterField("locale_id"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        unique_together = [("translation_key", "locale"), ("slug", "locale")]

    def __str__(self):
        return self.name


class OrganisationMembership(models.Model):
    """The partner organisation an admin user works for: what their editorial permissions reach.

    Editors and moderators act only on pages that name their organisation (hub.consent.roles);
    a user without a membership acts on no page at all, whatever their groups grant.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="organisation_membership",
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )

    class Meta:
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")

    def __str__(self):
        return f"{self.user} · {self.organisation}"


class OrganisationMedia(models.Model):
    """An organisation's own image and document collection, and the group that may use it.

    Wagtail grants images and documents per collection and group; the hub keeps one collection and
    one group per organisation (all its translations: one translation key) and puts the
    organisation's editors and moderators in that group (hub.consent.editor_permissions).
    """

    translation_key = models.UUIDField(_("organisation"), unique=True)
    collection = models.OneToOneField(
        "wagtailcore.Collection", verbose_name=_("collection"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.OneToOneField("auth.Group", verbose_name=_("group"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("organisation media")
        verbose_name_plural = _("organisation media")

    def __str__(self):
        return self.collection.name


class PartnerShowSubscription(Orderable):
    """A show whose episodes a broadcast partner receives in its partner feed."""

    partner = ParentalKey(PartnerOrganisation, on_delete=models.CASCADE, related_name="show_subscriptions")
    show = models.ForeignKey(
        "radio.ShowPage", verbose_name=_("show"), on_delete=models.CASCADE, related_name="partner_subscriptions"
    )

    panels = [FieldPanel("show")]

    class Meta(Orderable.Meta):
        verbose_name = _("show subscription")
        verbose_name_plural = _("show subscriptions")

    def __str__(self):
        return f"{self.partner} · {self.show}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def default_token_expiry():
    return timezone.now() + timedelta(days=365)


class PartnerFeedTokenQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=at)
        )


class PartnerFeedToken(models.Model):
    """A secret that opens one broadcast partner's private feed. Only its hash is stored."""

    TOKEN_BYTES = 32  # 256 bits
    TOUCH_EVERY = timedelta(minutes=1)

    partner = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="feed_tokens",
        limit_choices_to={"is_broadcast_partner": True},
    )
    label = models.CharField(
        _("label"), max_length=120, help_text=_("What the token is for, e.g. “playout server, studio 2”.")
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    hint = models.CharField(_("starts with"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, default=default_token_expiry, help_text=_("Empty: never expires.")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    objects = PartnerFeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("partner feed token")
        verbose_name_plural = _("partner feed tokens")

    def __str__(self):
        return f"{self.partner} · {self.label}"

    def set_new_token(self) -> str:
        """Give this row a fresh secret and return it: the only moment it exists in clear."""
        raw = secrets.token_urlsafe(self.TOKEN_BYTES)
        self.token_hash = hash_token(raw)
        self.hint = raw[:6]
        return raw

    @classmethod
    def authenticate(cls, raw: str):
        """The active token of a broadcast partner for ``raw``, or None (unknown, expired, revoked and
        no longer a broadcast partner look the same, and none of them counts as "last used")."""
        if not raw or len(raw) > 128:
            return None
        tokens = cls.objects.active().filter(partner__is_broadcast_partner=True).select_related("partner")
        token = tokens.filter(token_hash=hash_token(raw)).first()
        if token is not None:
            token.touch()
        return token

    def touch(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > self.TOUCH_EVERY:
            PartnerFeedToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            PartnerFeedToken.objects.filter(pk=self.pk).update(revoked_at=self.revoked_at)

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= timezone.now():
            return "expired"
        return "active"

    def get_status_display(self) -> str:
        return {"revoked": _("Revoked"), "expired": _("Expired"), "active": _("Active")}[self.status]


class PullReceipt(models.Model):
    """One download by a partner: who, with which token, what, when, how many bytes, with what client.

    Names are copied so the record stays readable after a token, episode or rendition is gone.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    partner = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partner"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="pull_receipts",
    )
    partner_name = models.CharField(_("partner name"), max_length=255)
    token = models.ForeignKey(
        PartnerFeedToken, verbose_name=_("token"), null=True, on_delete=models.SET_NULL, related_name="pull_receipts"
    )
    token_label = models.CharField(_("token label"), max_length=120)
    episode = models.ForeignKey(
        "radio.EpisodePage",
        verbose_name=_("episode"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="pull_receipts",
    )
    episode_title = models.CharField(_("episode title"), max_length=255)
    rendition = models.ForeignKey(
        "audio.Rendition", verbose_name=_("rendition"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    preset = models.CharField(_("format"), max_length=40)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    file_size = models.BigIntegerField(_("file size"), null=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"))
    range_requested = models.CharField(_("range requested"), max_length=100, blank=True)
    bytes_sent = models.BigIntegerField(
        _("bytes sent"), null=True, blank=True, help_text=_("Empty when the file was handed over by redirect.")
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pull receipt")
        verbose_name_plural = _("pull receipts")
        indexes = [models.Index(fields=["partner", "-created_at"]), models.Index(fields=["episode", "-created_at"])]

    def __str__(self):
        return f"{self.partner_name} · {self.episode_title} · {self.created_at:%Y-%m-%d %H:%M}"
