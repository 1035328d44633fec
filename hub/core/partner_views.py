"""Public pages of the partner organisations: a list and one page per partner.

Partners are translatable snippets (``hub.partners``), not pages, so these are plain views under
the language prefix: ``/<lang>/partners/`` and ``/<lang>/partners/<slug>/``.

What a partner page lists, in the page's language:

- stories that name the partner (``StoryPage.partners``);
- campaigns that name the partner (``CampaignPage.partners``);
- episodes related to those stories (``StoryPage.related_episodes``). Episodes have no partner
  field of their own; the story an episode accompanies is what ties it to the organisation that
  worked with the storyteller.

Links between pages and partners are matched by the partner's translation key, so a German
story linked to the English record of a partner still shows on the German partner page.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe
from wagtail.images import get_image_model

from hub.access.policy import Viewer, listed
from hub.campaigns.models import CampaignPage
from hub.core.locale import active_locale
from hub.partners.models import PartnerOrganisation
from hub.radio.listings import attach_shows, episode_cards
from hub.radio.models import EpisodePage
from hub.stories.filters import card_queryset
from hub.stories.models import StoryPage

LOGO_RENDITIONS = ("max-240x120|format-webp",)


def partner_queryset(locale):
    return PartnerOrganisation.objects.filter(locale=locale).prefetch_related(
        Prefetch("logo", queryset=get_image_model().objects.prefetch_renditions(*LOGO_RENDITIONS))
    )


def partner_content(partner: PartnerOrganisation, locale, viewer: Viewer | None = None) -> dict:
    """Stories, episodes and campaigns of one partner in one language that ``viewer`` may see (five queries)."""
    stories = listed(StoryPage.objects.filter(locale=locale, partners__translation_key=partner.translation_key), viewer)
    episodes = (
        listed(EpisodePage.objects.filter(locale=locale, related_stories__in=stories.values("pk")), viewer)
        .distinct()
        .order_by("-publication_date", "-pk")
    )
    campaigns = (
        listed(CampaignPage.objects.filter(locale=locale, partners__translation_key=partner.translation_key), viewer)
        .distinct()
        .order_by("-start_date", "-pk")
    )
    return {
        "stories": list(card_queryset(stories.distinct()).order_by("-publication_date", "-pk")),
        "episodes": attach_shows(episode_cards(episodes)),
        "campaigns": list(campaigns),
    }


def _alternate_urls(name: str, kwargs_by_language: dict[str, dict]) -> dict[str, str]:
    urls = {}
    for code, kwargs in kwargs_by_language.items():
        with translation.override(code):
            urls[code] = reverse(name, kwargs=kwargs)
    return urls


@require_safe
def partner_list(request):
    locale = active_locale()
    partners = list(partner_queryset(locale).order_by("-is_coordinator", "name"))
    languages = [code for code, _name in settings.LANGUAGES]
    context = {
        "partners": partners,
        "alternate_urls": _alternate_urls("partner-list", {code: {} for code in languages}),
    }
    return render(request, "pages/partner_list_page.html", context)


@require_safe
def partner_detail(request, slug):
    locale = active_locale()
    partner = partner_queryset(locale).filter(slug=slug).first()
    if partner is None:
        raise Http404
    translations = PartnerOrganisation.objects.filter(translation_key=partner.translation_key).select_related("locale")
    known = {code for code, _name in settings.LANGUAGES}
    alternates = _alternate_urls(
        "partner-detail",
        {item.locale.language_code: {"slug": item.slug} for item in translations if item.locale.language_code in known},
    )
    context = {"partner": partner, "alternate_urls": alternates, **partner_content(partner, locale, Viewer.of(request))}
    return render(request, "pages/partner_page.html", context)
