"""Partner organisations of the network (translatable snippets)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import TranslatableMixin
from wagtail.search import index

from hub.core.countries import COUNTRIES


class PartnerKind(models.TextChoices):
    ACADEMIC = "academic", _("Academic")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    MEDIA = "media", _("Media")


class PartnerOrganisation(TranslatableMixin, index.Indexed, models.Model):
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

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        MultiFieldPanel([FieldPanel("country"), FieldPanel("city")], heading=_("Location")),
        FieldPanel("website"),
        FieldPanel("logo"),
        FieldPanel("description"),
        FieldPanel("is_coordinator"),
        FieldPanel("is_broadcast_partner"),
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
