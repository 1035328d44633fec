"""Story filters by country, spoken language, theme and partner, read from shareable GET URLs.

``?country=GR&theme=food-aid`` narrows the list to stories matching every given filter. The
same parameters work in every language: themes and partners are translatable snippets, so a
slug is resolved to its translation key and matched in any locale. Unknown values are ignored
rather than answered with an error, so an old shared link still shows a page.

Every filter costs a fixed number of queries, however many stories or options there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model

from hub.core.countries import COUNTRY_NAMES
from hub.core.models import Language
from hub.partners.models import PartnerOrganisation

from .models import Theme

PARAMS = ("country", "language", "theme", "partner")
# The renditions a story card shows (components/cards/story_card.html), prefetched with the list.
CARD_RENDITIONS = ("fill-480x270|format-webp",)


@dataclass
class Facet:
    """One filter: its parameter, label, options ``[(value, label)]`` and selected value."""

    param: str
    label: str
    options: list[tuple[str, str]]
    selected: str = ""
    all_label: str = ""

    @property
    def selected_label(self) -> str:
        return next((label for value, label in self.options if value == self.selected), self.selected)


@dataclass
class StoryFilter:
    """Parsed filter values and how to apply them.

    ``country`` and ``language`` are codes; ``theme_key`` and ``partner_key`` translation keys.
    """

    country: str = ""
    language: str = ""
    theme_key: str = ""
    partner_key: str = ""
    # The slugs as shown in the current language (for the form and for links).
    theme: str = ""
    partner: str = ""
    facets: list[Facet] = field(default_factory=list)
    # Other parameters that links built here keep (the search query).
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return bool(self.country or self.language or self.theme_key or self.partner_key)

    def params(self) -> dict[str, str]:
        values = {"country": self.country, "language": self.language, "theme": self.theme, "partner": self.partner}
        return {key: value for key, value in values.items() if value}

    def querystring(self, **changes) -> str:
        values = {**self.extra, **self.params()}
        for key, value in changes.items():
            if value:
                values[key] = value
            else:
                values.pop(key, None)
        return ("?" + urlencode(values)) if values else "?"

    def apply(self, stories: QuerySet) -> QuerySet:
        if self.country:
            stories = stories.filter(country=self.country)
        if self.language:
            stories = stories.filter(languages__code=self.language)
        if self.theme_key:
            stories = stories.filter(themes__translation_key=self.theme_key)
        if self.partner_key:
            stories = stories.filter(partners__translation_key=self.partner_key)
        if self.language or self.theme_key or self.partner_key:
            stories = stories.distinct()  # a story linked to two translations of one theme counts once
        return stories

    def removals(self) -> list[dict]:
        """The active filters, each with the query string that removes it."""
        return [
            {"label": facet.label, "value": facet.selected_label, "query": self.querystring(**{facet.param: ""})}
            for facet in self.facets
            if facet.selected
        ]

    @property
    def clear_query(self) -> str:
        return ("?" + urlencode(self.extra)) if self.extra else "?"


def _snippet_key(model, slug: str, locale) -> tuple[str, str]:
    """(translation key, slug in ``locale``) of a translatable snippet named by a slug of any locale."""
    if not slug:
        return "", ""
    candidates = list(model.objects.filter(slug=slug).values_list("translation_key", "locale_id"))
    if not candidates:
        return "", ""
    key = next((tk for tk, locale_id in candidates if locale_id == locale.pk), candidates[0][0])
    local_slug = model.objects.filter(translation_key=key, locale=locale).values_list("slug", flat=True).first()
    return str(key), local_slug or slug


def parse_story_filter(data, locale, stories: QuerySet, *, with_options: bool = True) -> StoryFilter:
    """Read the filters from ``data`` (request.GET); offer options found among ``stories``.

    ``stories`` is the unfiltered set the visitor is looking at (the index's stories, or all
    stories of the language for search). Five queries for the options, two per snippet filter.
    """
    country = (data.get("country") or "").strip().upper()[:2]
    if country not in COUNTRY_NAMES:
        country = ""
    language = (data.get("language") or "").strip().lower()[:12]
    theme_key, theme = _snippet_key(Theme, (data.get("theme") or "").strip()[:80], locale)
    partner_key, partner = _snippet_key(PartnerOrganisation, (data.get("partner") or "").strip()[:80], locale)
    result = StoryFilter(country, language, theme_key, partner_key, theme, partner)
    if not with_options:
        if language and not Language.objects.filter(code=language).exists():
            result.language = ""
        return result

    story_ids = stories.values("pk")
    countries = sorted(
        {code for code in stories.values_list("country", flat=True).distinct() if code in COUNTRY_NAMES},
        key=lambda code: str(COUNTRY_NAMES[code]),
    )
    languages = list(
        Language.objects.filter(stories__in=story_ids).distinct().order_by("name").values_list("code", "name")
    )
    themes = list(
        Theme.objects.filter(
            locale=locale, translation_key__in=Theme.objects.filter(stories__in=story_ids).values("translation_key")
        )
        .order_by("name")
        .values_list("slug", "name")
    )
    partners = list(
        PartnerOrganisation.objects.filter(
            locale=locale,
            translation_key__in=PartnerOrganisation.objects.filter(stories__in=story_ids).values("translation_key"),
        )
        .order_by("name")
        .values_list("slug", "name")
    )
    if language and language not in {code for code, _name in languages}:
        # A language nobody in this list speaks: keep the filter (it yields nothing) if it exists.
        known = Language.objects.filter(code=language).values_list("code", "name").first()
        if known:
            languages.append(known)
        else:
            result.language = language = ""
    result.facets = [
        Facet(
            "country",
            _("Country"),
            [(code, str(COUNTRY_NAMES[code])) for code in countries],
            country,
            _("All countries"),
        ),
        Facet("language", _("Language spoken"), languages, language, _("All languages")),
        Facet("theme", _("Theme"), themes, theme, _("All themes")),
        Facet("partner", _("Partner"), partners, partner, _("All partners")),
    ]
    for facet in result.facets:
        if facet.selected and facet.selected not in {value for value, _label in facet.options}:
            facet.options.append((facet.selected, facet.selected))
    return result


def filtered_stories(data, locale, stories: QuerySet) -> tuple[StoryFilter, QuerySet]:
    story_filter = parse_story_filter(data, locale, stories)
    return story_filter, story_filter.apply(stories)


def card_queryset(stories: QuerySet) -> QuerySet:
    """Stories with what a card shows, in a fixed number of queries (images and renditions too)."""
    return stories.select_related("locale").prefetch_related(
        Prefetch("hero_image", queryset=get_image_model().objects.prefetch_renditions(*CARD_RENDITIONS)),
        "themes",
    )
