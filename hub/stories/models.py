"""Volunteer stories: the people of the network, told in their own languages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index

from hub.consent.forms import ConsentGatedPageForm
from hub.consent.models import ConsentLinkedPage
from hub.consent.scoping import OrganisationScopedPage
from hub.core.blocks import BodyBlock
from hub.core.countries import COUNTRIES, COUNTRY_NAMES


class Theme(TranslatableMixin, models.Model):
    """A volunteering theme (food aid, language café, first aid...), translatable."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, allow_unicode=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        unique_together = [("translation_key", "locale"), ("slug", "locale")]

    def __str__(self):
        return self.name


class StoryIndexPage(OrganisationScopedPage, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["core.HomePage"]
    subpage_types = ["stories.StoryPage"]
    max_count_per_parent = 1
    template = "pages/story_index_page.html"

    class Meta:
        verbose_name = _("story index page")

    PAGE_SIZE = 12

    def get_context(self, request, *args, **kwargs):
        """The index's stories, narrowed by the filters in the URL and paginated."""
        from django.core.paginator import Paginator

        from hub.access.policy import Viewer, listed

        from .filters import card_queryset, filtered_stories

        context = super().get_context(request, *args, **kwargs)
        all_stories = listed(StoryPage.objects.child_of(self), Viewer.of(request))
        story_filter, stories = filtered_stories(request.GET, self.locale, all_stories)
        page = Paginator(card_queryset(stories).order_by("-publication_date", "-pk"), self.PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context.update({"stories": page, "story_filter": story_filter, "paginator_page": page})
        return context


class StoryPage(OrganisationScopedPage, ConsentLinkedPage, Page):
    storyteller_name = models.CharField(
        _("storyteller's public name"),
        max_length=120,
        help_text=_("The name shown to the public. A pseudonym is allowed and often wiser."),
    )
    country = models.CharField(_("country of volunteering"), max_length=2, choices=COUNTRIES)
    city = models.CharField(_("city of volunteering"), max_length=120, help_text=_("City level at most."))
    themes = ParentalManyToManyField("stories.Theme", verbose_name=_("themes"), blank=True, related_name="stories")
    languages = ParentalManyToManyField(
        "core.Language", verbose_name=_("languages spoken"), blank=True, related_name="stories"
    )
    partners = ParentalManyToManyField(
        "partners.PartnerOrganisation", verbose_name=_("partner organisations"), blank=True, related_name="stories"
    )
    publication_date = models.DateField(_("publication date"))
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_alt = models.CharField(
        _("hero image alternative text"),
        max_length=255,
        help_text=_("Describe the image for people who cannot see it."),
    )
    summary = models.TextField(_("summary"), max_length=400)
    body = StreamField(BodyBlock(), verbose_name=_("body"))
    related_episodes = ParentalManyToManyField(
        "radio.EpisodePage", verbose_name=_("related episodes"), blank=True, related_name="related_stories"
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("storyteller_name"), FieldPanel("country"), FieldPanel("city"), FieldPanel("languages")],
            heading=_("Storyteller"),
        ),
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("hero_alt")], heading=_("Hero image")),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("publication_date"),
                FieldPanel("themes"),
                FieldPanel("partners"),
                FieldPanel("related_episodes"),
            ],
            heading=_("Classification"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("storyteller_name"),
        index.AutocompleteField("storyteller_name"),
        index.SearchField("city"),
        index.FilterField("country"),
        index.FilterField("publication_date"),
        index.RelatedFields("themes", [index.SearchField("name")]),
    ]

    parent_page_types = ["stories.StoryIndexPage"]
    subpage_types = []
    template = "pages/story_page.html"
    base_form_class = ConsentGatedPageForm
    content_panels = content_panels + [MultiFieldPanel(ConsentLinkedPage.consent_panels, heading=_("Consent"))]

    class Meta:
        verbose_name = _("story page")

    @property
    def country_name(self):
        return COUNTRY_NAMES.get(self.country, self.country)
