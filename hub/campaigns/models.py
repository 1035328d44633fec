"""Pilot campaigns and their media kits."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from hub.consent.forms import ConsentGatedPageForm
from hub.consent.models import ConsentLinkedPage
from hub.consent.scoping import OrganisationScopedPage
from hub.core.blocks import RICH_TEXT_FEATURES
from hub.core.countries import COUNTRIES, COUNTRY_NAMES


class CampaignIndexPage(OrganisationScopedPage, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["campaigns.CampaignPage"]
    max_count_per_parent = 1
    template = "pages/campaign_index_page.html"

    class Meta:
        verbose_name = _("campaign index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from hub.access.policy import Viewer, listed

        context["campaigns"] = listed(CampaignPage.objects.child_of(self), Viewer.of(request)).order_by("-start_date")
        return context


class CampaignPage(OrganisationScopedPage, ConsentLinkedPage, Page):
    intro = models.TextField(_("introduction"))
    aims = RichTextField(_("aims"), features=RICH_TEXT_FEATURES)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    partners = ParentalManyToManyField(
        "partners.PartnerOrganisation", verbose_name=_("partner organisations"), blank=True, related_name="campaigns"
    )
    related_stories = ParentalManyToManyField(
        "stories.StoryPage", verbose_name=_("related stories"), blank=True, related_name="campaigns"
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("aims"),
        MultiFieldPanel([FieldPanel("start_date"), FieldPanel("end_date")], heading=_("Dates")),
        InlinePanel("places", label=_("Places")),
        FieldPanel("partners"),
        InlinePanel("images", label=_("Images")),
        InlinePanel("audio_spots", label=_("Audio spots")),
        InlinePanel("documents", label=_("Documents")),
        FieldPanel("related_stories"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("aims"),
        index.FilterField("start_date"),
    ]

    parent_page_types = ["campaigns.CampaignIndexPage"]
    subpage_types = []
    template = "pages/campaign_page.html"
    base_form_class = ConsentGatedPageForm
    content_panels = content_panels + [MultiFieldPanel(ConsentLinkedPage.consent_panels, heading=_("Consent"))]

    class Meta:
        verbose_name = _("campaign page")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("A campaign cannot end before it starts.")})


class CampaignPlace(Orderable):
    page = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="places")
    city = models.CharField(_("city"), max_length=120)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES)

    panels = [FieldPanel("city"), FieldPanel("country")]

    class Meta(Orderable.Meta):
        verbose_name = _("place")

    @property
    def country_name(self):
        return COUNTRY_NAMES.get(self.country, self.country)


class CampaignImage(Orderable):
    page = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    alt_text = models.CharField(_("alternative text"), max_length=255)
    caption = models.CharField(_("caption"), max_length=255, blank=True)

    panels = [FieldPanel("image"), FieldPanel("alt_text"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("campaign image")


class CampaignAudioSpot(Orderable):
    page = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="audio_spots")
    audio = models.ForeignKey("audio.AudioAsset", verbose_name=_("audio"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=255)

    panels = [FieldPanel("audio"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("audio spot")


class CampaignDocument(Orderable):
    page = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255)
    summary = models.CharField(_("summary"), max_length=255, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title"), FieldPanel("summary")]

    class Meta(Orderable.Meta):
        verbose_name = _("campaign document")
