"""Site search: stories, episodes, campaigns and standard pages in the current language.

Wagtail search (the database backend by default, PostgreSQL or OpenSearch in production) finds
and ranks; the story filters narrow the candidates first (``?q=café&country=GR``); excerpts
with the query's words marked come from :mod:`hub.search.highlight`.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from wagtail.models import Page

from hub.access.policy import Viewer, listed
from hub.campaigns.models import CampaignPage
from hub.core.locale import active_locale
from hub.core.models import StandardPage
from hub.radio.models import EpisodePage
from hub.stories.filters import parse_story_filter
from hub.stories.models import StoryPage

from .facets import matching_page_ids
from .highlight import excerpt, mark, page_text, query_terms

PAGE_SIZE = 10
MAX_QUERY = 200
SEARCHABLE = (StoryPage, EpisodePage, CampaignPage, StandardPage)
KIND_LABELS = {
    StoryPage: _("Story"),
    EpisodePage: _("Episode"),
    CampaignPage: _("Campaign"),
    StandardPage: _("Page"),
}


def describe(result, terms: list[str]) -> dict:
    """What a result shows: kind, title and excerpt with the query's words marked."""
    kind = next((label for model, label in KIND_LABELS.items() if isinstance(result, model)), _("Page"))
    return {
        "page": result,
        "kind": kind,
        "kind_name": type(result).__name__.lower(),
        "title": mark(result.title, terms),
        "excerpt": excerpt(page_text(result), terms),
    }


@require_safe
def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    locale = active_locale()
    viewer = Viewer.of(request)
    stories_here = listed(StoryPage.objects.filter(locale=locale), viewer)
    story_filter = parse_story_filter(request.GET, locale, stories_here)
    if query:
        story_filter.extra = {"q": query}
    results_page = None
    items = []
    if query:
        # What the viewer may see is the visibility policy's answer (release, consent, privacy).
        candidates = listed(Page.objects.filter(locale=locale).type(*SEARCHABLE), viewer)
        if story_filter.active:
            candidates = candidates.filter(id__in=matching_page_ids(story_filter, locale, viewer))
        results = candidates.specific().search(query, operator="and")
        results_page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        terms = query_terms(query)
        items = [describe(result, terms) for result in results_page.object_list]
    context = {
        "search_query": query,
        "search_results": results_page,
        "results": items,
        "story_filter": story_filter,
        "seo": {"robots": "noindex, follow", "title": _("Search")},
    }
    return render(request, "pages/search_page.html", context)
