"""The story filters applied to search, across the kinds of page that carry each facet.

A page stays in the results only if every active filter applies to its kind and matches:

| filter   | stories                 | episodes                                   | campaigns             |
|----------|-------------------------|--------------------------------------------|-----------------------|
| country  | country of volunteering | country recorded in                        | a place in it         |
| language | a language spoken       | the show's podcast language                | (no: excluded)        |
| theme    | a theme                 | (no: excluded)                             | (no: excluded)        |
| partner  | a partner named         | related to a story that names the partner  | a partner named       |

Standard pages carry no facet and leave the results when any filter is active.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q

from hub.access.policy import listed
from hub.campaigns.models import CampaignPage
from hub.radio.models import EpisodePage, ShowPage
from hub.stories.filters import StoryFilter
from hub.stories.models import StoryPage


def _episodes(story_filter: StoryFilter, locale, viewer):
    if story_filter.theme_key:
        return None
    episodes = listed(EpisodePage.objects.filter(locale=locale), viewer)
    if story_filter.country:
        episodes = episodes.filter(country=story_filter.country)
    if story_filter.language:
        paths = list(
            ShowPage.objects.live()
            .filter(locale=locale, podcast_language__iexact=story_filter.language)
            .values_list("path", flat=True)
        )
        if not paths:
            return None
        episodes = episodes.filter(reduce(or_, (Q(path__startswith=path) for path in paths)))
    if story_filter.partner_key:
        stories = StoryPage.objects.live().filter(locale=locale, partners__translation_key=story_filter.partner_key)
        episodes = episodes.filter(related_stories__in=stories.values("pk"))
    return episodes


def _campaigns(story_filter: StoryFilter, locale, viewer):
    if story_filter.theme_key or story_filter.language:
        return None
    campaigns = listed(CampaignPage.objects.filter(locale=locale), viewer)
    if story_filter.country:
        campaigns = campaigns.filter(places__country=story_filter.country)
    if story_filter.partner_key:
        campaigns = campaigns.filter(partners__translation_key=story_filter.partner_key)
    return campaigns


def matching_page_ids(story_filter: StoryFilter, locale, viewer=None) -> list[int]:
    """Ids of the pages (of every kind) that pass all active filters and that ``viewer`` may see
    (hub.access.policy), in a fixed number of queries."""
    stories = story_filter.apply(listed(StoryPage.objects.filter(locale=locale), viewer))
    ids = set(stories.values_list("pk", flat=True))
    for queryset in (_episodes(story_filter, locale, viewer), _campaigns(story_filter, locale, viewer)):
        if queryset is not None:
            ids.update(queryset.values_list("pk", flat=True))
    return sorted(ids)
