"""Shows (podcasts) and their episodes, and the people who make them."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager, TranslatableMixin
from wagtail.query import PageQuerySet
from wagtail.search import index

from hub.consent.forms import ConsentGatedPageForm, OrganisationPageForm
from hub.consent.models import ConsentLinkedPage
from hub.consent.scoping import OrganisationScopedPage
from hub.core.blocks import RICH_TEXT_FEATURES
from hub.core.countries import COUNTRIES
from hub.feeds.forms import TranscriptTextField
from hub.feeds.guid import podcast_guid
from hub.feeds.transcripts import detect_format as detect_transcript_format

from .categories import APPLE_CATEGORY_CHOICES

LICENCES = [
    ("CC-BY-4.0", "CC BY 4.0"),
    ("CC-BY-SA-4.0", "CC BY-SA 4.0"),
    ("CC-BY-NC-4.0", "CC BY-NC 4.0"),
    ("CC-BY-NC-SA-4.0", "CC BY-NC-SA 4.0"),
    ("CC-BY-NC-ND-4.0", "CC BY-NC-ND 4.0"),
    ("all-rights-reserved", _("All rights reserved")),
]


class ContributorRole(models.TextChoices):
    HOST = "host", _("Host")
    GUEST = "guest", _("Guest")
    PRODUCER = "producer", _("Producer")
    INTERPRETER = "interpreter", _("Interpreter")
    REPORTER = "reporter", _("Reporter")


class Contributor(TranslatableMixin, index.Indexed, models.Model):
    """A person or organisation heard in episodes. Public name; a pseudonym is allowed."""

    name = models.CharField(_("name or pseudonym"), max_length=120)
    role = models.CharField(_("usual role"), max_length=20, choices=ContributorRole.choices)
    bio = models.TextField(_("short biography"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    link = models.URLField(_("link"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("bio"), FieldPanel("image"), FieldPanel("link")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("locale_id")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")

    def __str__(self):
        return self.name


class RadioIndexPage(OrganisationScopedPage, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["radio.ShowPage"]
    max_count_per_parent = 1
    template = "pages/radio_index_page.html"

    class Meta:
        verbose_name = _("radio index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from hub.access.policy import Viewer, listed

        context["shows"] = listed(ShowPage.objects.child_of(self), Viewer.of(request)).select_related("artwork")
        return context


class PodcastMedium(models.TextChoices):
    PODCAST = "podcast", _("Podcast")
    MUSIC = "music", _("Music")
    AUDIOBOOK = "audiobook", _("Audiobook")
    NEWSLETTER = "newsletter", _("Newsletter")
    BLOG = "blog", _("Blog")


class ShowType(models.TextChoices):
    EPISODIC = "episodic", _("Episodic (newest first)")
    SERIAL = "serial", _("Serial (oldest first)")


class ShowPage(OrganisationScopedPage, Page):
    """A podcast. Its feed, artwork and owner are what podcast apps show."""

    base_form_class = OrganisationPageForm

    description = models.TextField(_("description"), max_length=4000)
    artwork = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("artwork"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Square, 1400 to 3000 pixels, JPEG or PNG."),
    )
    podcast_language = models.CharField(
        _("podcast language"), max_length=12, help_text=_("ISO 639 code of the spoken language, e.g. ar")
    )
    apple_category = models.CharField(_("Apple Podcasts category"), max_length=80, choices=APPLE_CATEGORY_CHOICES)
    explicit = models.BooleanField(_("explicit"), default=False)
    show_type = models.CharField(_("show type"), max_length=10, choices=ShowType.choices, default=ShowType.EPISODIC)
    owner_name = models.CharField(_("owner name"), max_length=120)
    owner_email = models.EmailField(_("owner e-mail"))
    copyright = models.CharField(_("copyright"), max_length=255, blank=True)
    licence = models.CharField(_("licence"), max_length=32, choices=LICENCES, default="CC-BY-4.0")
    funding_url = models.URLField(_("funding link"), blank=True)
    funding_text = models.CharField(_("funding link text"), max_length=128, blank=True)
    # Feed identity and moves (see hub/feeds). The GUID is assigned once and never changes.
    podcast_guid = models.UUIDField(_("podcast GUID"), null=True, blank=True, editable=False)
    podcast_locked = models.BooleanField(
        _("locked"),
        default=True,
        help_text=_("Other podcast platforms may not import this show (podcast:locked)."),
    )
    medium = models.CharField(_("medium"), max_length=12, choices=PodcastMedium.choices, default=PodcastMedium.PODCAST)
    new_feed_url = models.URLField(
        _("new feed address"),
        blank=True,
        help_text=_(
            "Only when this show's feed has moved to another address: the hub's feed then answers "
            "with a permanent redirect (301) to it."
        ),
    )
    previous_feed_url = models.URLField(
        _("previous feed address"),
        blank=True,
        help_text=_(
            "When this show moved here from another host, its old feed address. The hub's feed then "
            "carries itunes:new-feed-url so that apps update their subscriptions."
        ),
    )

    partners = ParentalManyToManyField(
        "partners.PartnerOrganisation",
        verbose_name=_("produced by"),
        blank=True,
        related_name="+",
        help_text=_("The partner organisations that make this show: their editors edit its episodes."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("description"),
        FieldPanel("artwork"),
        FieldPanel("partners"),
        MultiFieldPanel(
            [
                FieldPanel("podcast_language"),
                FieldPanel("apple_category"),
                FieldRowPanel([FieldPanel("explicit"), FieldPanel("show_type")]),
            ],
            heading=_("Podcast directory"),
        ),
        MultiFieldPanel(
            [FieldPanel("owner_name"), FieldPanel("owner_email"), FieldPanel("copyright"), FieldPanel("licence")],
            heading=_("Ownership and licence"),
        ),
        MultiFieldPanel([FieldPanel("funding_url"), FieldPanel("funding_text")], heading=_("Funding")),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("podcast_locked"), FieldPanel("medium")]),
                FieldPanel("new_feed_url"),
                FieldPanel("previous_feed_url"),
            ],
            heading=_("Feed"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("description")]
    # A translation or copy is a show of its own, with its own feed and so its own GUID.
    exclude_fields_in_copy = ["podcast_guid"]

    parent_page_types = ["radio.RadioIndexPage"]
    subpage_types = ["radio.EpisodePage"]
    template = "pages/show_page.html"

    class Meta:
        verbose_name = _("show page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        order = ("publication_date", "pk") if self.show_type == ShowType.SERIAL else ("-publication_date", "-pk")
        from hub.access.policy import Viewer, listed

        context["episodes"] = listed(EpisodePage.objects.child_of(self), Viewer.of(request)).order_by(*order)
        return context

    # Podcast directories refuse artwork under 1400 pixels; the feed crops it square, never enlarges it.
    MIN_ARTWORK_SIDE = 1400

    def clean(self):
        super().clean()
        artwork = self.artwork
        if artwork is not None and min(artwork.width or 0, artwork.height or 0) < self.MIN_ARTWORK_SIDE:
            raise ValidationError(
                {
                    "artwork": _(
                        "Podcast apps need artwork of at least %(side)d by %(side)d pixels; this image is "
                        "%(width)d by %(height)d."
                    )
                    % {"side": self.MIN_ARTWORK_SIDE, "width": artwork.width or 0, "height": artwork.height or 0}
                }
            )

    @property
    def canonical_feed_url(self) -> str:
        """The feed's address on the hub's public base URL (HUB_BASE_URL)."""
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("show-feed", args=[self.pk])

    def save(self, *args, **kwargs):
        # A revision saved before the GUID was assigned must not erase it when it is published.
        if self.pk and self.podcast_guid is None:
            self.podcast_guid = ShowPage.objects.filter(pk=self.pk).values_list("podcast_guid", flat=True).first()
        result = super().save(*args, **kwargs)
        if self.podcast_guid is None and self.pk:
            self.ensure_podcast_guid()
        return result

    def ensure_podcast_guid(self):
        """Assign the podcast GUID from the current feed address, once; afterwards it never changes."""
        if self.podcast_guid is None:
            guid = podcast_guid(self.canonical_feed_url)
            ShowPage.objects.filter(pk=self.pk, podcast_guid__isnull=True).update(podcast_guid=guid)
            self.podcast_guid = ShowPage.objects.filter(pk=self.pk).values_list("podcast_guid", flat=True).first()
        return self.podcast_guid


class EpisodeType(models.TextChoices):
    FULL = "full", _("Full episode")
    TRAILER = "trailer", _("Trailer")
    BONUS = "bonus", _("Bonus")


def audio_publish_problem(audio) -> str | None:
    """Why an episode with this audio cannot be published, or None."""
    if audio is None:
        return _("An episode needs its audio before it can be published.")
    if audio.status == "withdrawn":
        return _(
            "The audio “%(title)s” was taken offline because a consent of someone heard in it ended. "
            "It cannot be published with this episode; choose another recording or ask a consent officer."
        ) % {"title": audio.title}
    if audio.status == "failed":
        return _("The audio “%(title)s” could not be processed: %(error)s") % {
            "title": audio.title,
            "error": audio.error_message or audio.get_status_display(),
        }
    if audio.status != "ready":
        return _("The audio “%(title)s” is not ready (%(status)s). Publish once processing has finished.") % {
            "title": audio.title,
            "status": audio.get_status_display(),
        }
    return None


class EpisodePageQuerySet(PageQuerySet):
    def publicly_released(self, at=None):
        """Episodes whose public release time (if any) has come."""
        at = at or timezone.now()
        return self.filter(models.Q(public_release_at__isnull=True) | models.Q(public_release_at__lte=at))


EpisodePageManager = PageManager.from_queryset(EpisodePageQuerySet)


class EpisodePageForm(ConsentGatedPageForm):
    """Refuses to publish without ready audio, or without the consent of the people heard."""

    def clean(self):
        cleaned_data = super().clean()
        if "action-publish" in self.data:
            problem = audio_publish_problem(cleaned_data.get("audio"))
            if problem:
                self.add_error("audio", problem)
        return cleaned_data


class EpisodePage(OrganisationScopedPage, ConsentLinkedPage, Page):
    summary = models.TextField(_("summary"), max_length=400)
    show_notes = RichTextField(_("show notes"), features=RICH_TEXT_FEATURES)
    audio = models.ForeignKey(
        "audio.AudioAsset",
        verbose_name=_("audio"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="episodes",
    )
    season_number = models.PositiveIntegerField(_("season"), null=True, blank=True)
    episode_number = models.PositiveIntegerField(_("episode number"), null=True, blank=True)
    episode_type = models.CharField(
        _("episode type"), max_length=10, choices=EpisodeType.choices, default=EpisodeType.FULL
    )
    explicit = models.BooleanField(_("explicit"), default=False)
    location = models.CharField(_("location"), max_length=120, blank=True, help_text=_("City level at most."))
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES, blank=True)
    publication_date = models.DateField(_("publication date"))
    # Release windows: partners may get an episode before the public does (an embargo).
    public_release_at = models.DateTimeField(
        _("public release"),
        null=True,
        blank=True,
        help_text=_("Listeners and the public site get the episode from this time. Empty: as soon as it is published."),
    )
    partner_release_at = models.DateTimeField(
        _("partner release"),
        null=True,
        blank=True,
        help_text=_(
            "Partner radios get the episode from this time, which may be before the public release. "
            "Empty: at the public release."
        ),
    )
    broadcast_rights_until = models.DateField(
        _("broadcast rights until"),
        null=True,
        blank=True,
        help_text=_("Last day partners may broadcast the episode; it then leaves the partner feeds. Empty: no end."),
    )
    licence = models.CharField(
        _("licence"), max_length=32, choices=LICENCES, blank=True, help_text=_("Empty: the show's licence.")
    )
    soundbite_start = models.DurationField(
        _("soundbite start"),
        null=True,
        blank=True,
        validators=[MinValueValidator(timedelta(0))],
        help_text=_("A short highlight for apps to preview, e.g. 12:30."),
    )
    soundbite_duration = models.DurationField(
        _("soundbite length"),
        null=True,
        blank=True,
        validators=[MinValueValidator(timedelta(seconds=1))],
        help_text=_("15 to 120 seconds work best, e.g. 0:45."),
    )
    soundbite_title = models.CharField(_("soundbite title"), max_length=128, blank=True)

    objects = EpisodePageManager()

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("audio"),
        FieldPanel("show_notes"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("season_number"), FieldPanel("episode_number")]),
                FieldRowPanel([FieldPanel("episode_type"), FieldPanel("explicit")]),
                FieldPanel("publication_date"),
            ],
            heading=_("Numbering and type"),
        ),
        InlinePanel("contributors", label=_("Contributors")),
        MultiFieldPanel([FieldPanel("location"), FieldPanel("country")], heading=_("Recorded in")),
        InlinePanel("chapters", label=_("Chapters")),
        InlinePanel("transcripts", label=_("Transcripts")),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("soundbite_start"), FieldPanel("soundbite_duration")]),
                FieldPanel("soundbite_title"),
            ],
            heading=_("Soundbite"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("public_release_at"), FieldPanel("partner_release_at")]),
                FieldRowPanel([FieldPanel("broadcast_rights_until"), FieldPanel("licence")]),
            ],
            heading=_("Release and rights"),
        ),
        MultiFieldPanel(ConsentLinkedPage.consent_panels, heading=_("Consent")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("show_notes"),
        index.FilterField("publication_date"),
        index.FilterField("country"),
    ]

    parent_page_types = ["radio.ShowPage"]
    subpage_types = []
    template = "pages/episode_page.html"
    base_form_class = EpisodePageForm

    class Meta:
        verbose_name = _("episode page")

    @property
    def show(self):
        return self.get_parent().specific

    def save(self, *args, **kwargs):
        # Publishing saves the whole page; drafts save only some fields and are not gated.
        if self.live and kwargs.get("update_fields") is None:
            problem = audio_publish_problem(self.audio)
            if problem:
                raise ValidationError({"audio": problem})
        return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.episode_type == EpisodeType.FULL and self.episode_number is None:
            parent = self.get_parent() if self.pk else None
            if parent is not None and getattr(parent.specific, "show_type", None) == ShowType.SERIAL:
                raise ValidationError({"episode_number": _("Episodes of a serial show need a number.")})
        if self.partner_release_at and self.public_release_at and self.partner_release_at > self.public_release_at:
            raise ValidationError(
                {"partner_release_at": _("Partners cannot get an episode later than the public does.")}
            )
        if (self.soundbite_start is None) != (self.soundbite_duration is None):
            raise ValidationError({"soundbite_duration": _("A soundbite needs both a start and a length.")})

    @property
    def is_publicly_released(self) -> bool:
        return self.public_release_at is None or self.public_release_at <= timezone.now()

    def serve(self, request, *args, **kwargs):
        # Before its public release an episode exists only for partners (and for editors' previews).
        if not self.is_publicly_released and not getattr(request, "is_preview", False):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        return super().get_sitemap_urls(request) if self.is_publicly_released else []


class EpisodeContributor(Orderable):
    episode = ParentalKey(EpisodePage, on_delete=models.CASCADE, related_name="contributors")
    contributor = models.ForeignKey(
        Contributor, verbose_name=_("contributor"), on_delete=models.CASCADE, related_name="episode_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=ContributorRole.choices)

    panels = [FieldPanel("contributor"), FieldPanel("role")]

    class Meta(Orderable.Meta):
        verbose_name = _("episode contributor")
        verbose_name_plural = _("episode contributors")


class EpisodeChapter(Orderable):
    """A chapter, served as JSON chapters (podcast:chapters) and Podlove Simple Chapters."""

    episode = ParentalKey(EpisodePage, on_delete=models.CASCADE, related_name="chapters")
    start = models.DurationField(
        _("start"),
        validators=[MinValueValidator(timedelta(0))],
        help_text=_("From the beginning, e.g. 4:05 or 1:02:30."),
    )
    title = models.CharField(_("title"), max_length=255)
    url = models.URLField(_("link"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    toc = models.BooleanField(
        _("in the table of contents"), default=True, help_text=_("Untick for a silent marker, e.g. an image change.")
    )

    panels = [
        FieldRowPanel([FieldPanel("start"), FieldPanel("title")]),
        FieldRowPanel([FieldPanel("url"), FieldPanel("toc")]),
        FieldPanel("image"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")


class TranscriptFormat(models.TextChoices):
    VTT = "vtt", "WebVTT"
    SRT = "srt", "SRT"


class EpisodeTranscript(Orderable):
    """A transcript as the editor uploaded it (WebVTT or SRT), validated on upload.

    The file's text is kept in the row (and so in page revisions, which files in inline panels
    would not survive); the hub serves it as uploaded, converted to the other format and as JSON.
    """

    episode = ParentalKey(EpisodePage, on_delete=models.CASCADE, related_name="transcripts")
    language = models.CharField(
        _("language"),
        max_length=12,
        blank=True,
        help_text=_("ISO 639 code, e.g. ar. Empty: the language of the show."),
    )
    content = TranscriptTextField(_("transcript file"), help_text=_("WebVTT (.vtt) or SRT (.srt), UTF-8."))
    format = models.CharField(_("format"), max_length=3, choices=TranscriptFormat.choices, editable=False)

    panels = [FieldRowPanel([FieldPanel("content"), FieldPanel("language")])]

    class Meta(Orderable.Meta):
        verbose_name = _("transcript")
        verbose_name_plural = _("transcripts")

    def clean(self):
        super().clean()
        self.format = detect_transcript_format(self.content)

    def save(self, *args, **kwargs):
        self.format = detect_transcript_format(self.content)
        return super().save(*args, **kwargs)
