"""Shows (podcasts) and their episodes, and the people who make them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from hub.core.blocks import RICH_TEXT_FEATURES
from hub.core.countries import COUNTRIES

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


class RadioIndexPage(Page):
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
        context["shows"] = ShowPage.objects.live().child_of(self).select_related("artwork")
        return context


class ShowType(models.TextChoices):
    EPISODIC = "episodic", _("Episodic (newest first)")
    SERIAL = "serial", _("Serial (oldest first)")


class ShowPage(Page):
    """A podcast. Its feed, artwork and owner are what podcast apps show."""

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

    content_panels = Page.content_panels + [
        FieldPanel("description"),
        FieldPanel("artwork"),
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
    ]
    search_fields = Page.search_fields + [index.SearchField("description")]

    parent_page_types = ["radio.RadioIndexPage"]
    subpage_types = ["radio.EpisodePage"]
    template = "pages/show_page.html"

    class Meta:
        verbose_name = _("show page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        order = ("publication_date", "pk") if self.show_type == ShowType.SERIAL else ("-publication_date", "-pk")
        context["episodes"] = EpisodePage.objects.live().child_of(self).order_by(*order)
        return context


class EpisodeType(models.TextChoices):
    FULL = "full", _("Full episode")
    TRAILER = "trailer", _("Trailer")
    BONUS = "bonus", _("Bonus")


def audio_publish_problem(audio) -> str | None:
    """Why an episode with this audio cannot be published, or None."""
    if audio is None:
        return _("An episode needs its audio before it can be published.")
    if audio.status != "ready":
        return _("The audio “%(title)s” is not ready (%(status)s). Publish once processing has finished.") % {
            "title": audio.title,
            "status": audio.get_status_display(),
        }
    return None


class EpisodePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        if "action-publish" in self.data:
            problem = audio_publish_problem(cleaned_data.get("audio"))
            if problem:
                self.add_error("audio", problem)
        return cleaned_data


class EpisodePage(Page):
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
