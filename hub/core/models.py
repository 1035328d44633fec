"""Pages every site section shares: home, standard pages, recommendations, the conference."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from hub.consent.scoping import OrganisationScopedPage

from .blocks import RICH_TEXT_FEATURES, BodyBlock
from .countries import COUNTRIES


class Language(models.Model):
    """A spoken language (ISO 639-1), used to describe storytellers and contributors.

    Reference data, not a content locale: a storyteller may speak Tigrinya although the site
    has no Tigrinya pages.
    """

    code = models.CharField(_("code"), max_length=12, unique=True, help_text=_("ISO 639-1, e.g. ar"))
    name = models.CharField(_("name"), max_length=80, help_text=_("The language's own name, e.g. العربية"))

    panels = [FieldPanel("code"), FieldPanel("name")]

    class Meta:
        ordering = ["code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        return f"{self.name} ({self.code})"


class HomePage(OrganisationScopedPage, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    # One home page per language, all directly under the tree's root.
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "core.StandardPage",
        "core.RecommendationsPage",
        "core.EventPage",
        "stories.StoryIndexPage",
        "radio.RadioIndexPage",
        "campaigns.CampaignIndexPage",
    ]
    template = "pages/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from hub.access.policy import Viewer, listed

        context = super().get_context(request, *args, **kwargs)
        story_model = apps.get_model("stories", "StoryPage")
        episode_model = apps.get_model("radio", "EpisodePage")
        viewer = Viewer.of(request)
        context["latest_stories"] = (
            listed(story_model.objects.filter(locale=self.locale), viewer)
            .select_related("hero_image")
            .order_by("-publication_date", "-pk")[:6]
        )
        context["latest_episodes"] = listed(episode_model.objects.filter(locale=self.locale), viewer).order_by(
            "-publication_date", "-pk"
        )[:4]
        return context


class StandardPage(OrganisationScopedPage, Page):
    """About, Guidelines and other plain pages."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["core.HomePage", "core.StandardPage"]
    subpage_types = ["core.StandardPage"]
    template = "pages/standard_page.html"

    class Meta:
        verbose_name = _("standard page")


class RecommendationLevel(models.TextChoices):
    EUROPEAN = "european", _("European")
    NATIONAL = "national", _("National")
    LOCAL = "local", _("Local")


class RecommendationsPage(OrganisationScopedPage, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("recommendations", label=_("Recommendations"), min_num=1),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.RelatedFields("recommendations", [index.SearchField("title"), index.SearchField("text")]),
    ]

    parent_page_types = ["core.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    template = "pages/recommendations_page.html"

    class Meta:
        verbose_name = _("recommendations page")

    def recommendations_by_level(self):
        items = list(self.recommendations.all())
        return [
            (level, label, [item for item in items if item.level == level])
            for level, label in RecommendationLevel.choices
        ]


class Recommendation(Orderable):
    page = ParentalKey(RecommendationsPage, on_delete=models.CASCADE, related_name="recommendations")
    level = models.CharField(_("level"), max_length=16, choices=RecommendationLevel.choices)
    title = models.CharField(_("title"), max_length=255)
    text = RichTextField(_("text"), features=RICH_TEXT_FEATURES)

    panels = [FieldPanel("level"), FieldPanel("title"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")


class EventPage(OrganisationScopedPage, Page):
    """The final international conference (or any other event of the network)."""

    intro = models.TextField(_("introduction"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=120)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES)
    outcome = RichTextField(_("outcome"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("start_date"),
                FieldPanel("end_date"),
                FieldPanel("venue"),
                FieldPanel("city"),
                FieldPanel("country"),
            ],
            heading=_("When and where"),
        ),
        InlinePanel("programme", label=_("Programme")),
        FieldPanel("outcome"),
        InlinePanel("outcome_documents", label=_("Outcome documents")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("outcome"),
        index.FilterField("start_date"),
    ]

    parent_page_types = ["core.HomePage"]
    subpage_types = []
    template = "pages/event_page.html"

    class Meta:
        verbose_name = _("event page")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The event cannot end before it starts.")})


class ProgrammeItem(Orderable):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="programme")
    starts_at = models.DateTimeField(_("starts at"))
    title = models.CharField(_("title"), max_length=255)
    speaker = models.CharField(_("speaker"), max_length=255, blank=True)

    panels = [FieldPanel("starts_at"), FieldPanel("title"), FieldPanel("speaker")]

    class Meta(Orderable.Meta):
        ordering = ["starts_at"]
        verbose_name = _("programme item")


class OutcomeDocument(Orderable):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="outcome_documents")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=255)

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("outcome document")
