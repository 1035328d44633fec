"""Querysets behind the public radio pages, each a fixed number of queries however long.

The page models keep their simple ``get_context``; the public templates ask these functions
(through template tags) for lists with images, renditions and parents already fetched. Which
pages a viewer may see is decided by the visibility policy (:func:`hub.access.policy.visible`),
never here: a viewer of ``None`` is an anonymous visitor.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from wagtail.images import get_image_model

from hub.access.policy import listed

from .models import EpisodePage, ShowPage, ShowType

SHOW_CARD_RENDITIONS = ("fill-320x320|format-webp",)
CONTRIBUTOR_RENDITIONS = ("fill-96x96|format-webp",)


def episode_cards(episodes: QuerySet) -> QuerySet:
    """Episodes with their audio (duration) for cards; pair with :func:`attach_shows`."""
    return episodes.select_related("audio", "locale")


def attach_shows(episodes) -> list:
    """Give each episode its show as ``episode.show_page`` with one query for all of them."""
    episodes = list(episodes)
    parent_paths = {episode.path[: -EpisodePage.steplen] for episode in episodes}
    shows = {show.path: show for show in ShowPage.objects.filter(path__in=parent_paths)} if parent_paths else {}
    for episode in episodes:
        episode.show_page = shows.get(episode.path[: -EpisodePage.steplen])
    return episodes


def show_episodes(show: ShowPage, viewer=None) -> QuerySet:
    order = ("publication_date", "pk") if show.show_type == ShowType.SERIAL else ("-publication_date", "-pk")
    return episode_cards(listed(EpisodePage.objects.child_of(show), viewer)).order_by(*order)


def show_cards(shows: QuerySet) -> QuerySet:
    return shows.prefetch_related(
        Prefetch("artwork", queryset=get_image_model().objects.prefetch_renditions(*SHOW_CARD_RENDITIONS))
    )


def index_shows(index_page, viewer=None) -> QuerySet:
    return show_cards(listed(ShowPage.objects.child_of(index_page), viewer)).order_by("path")


def episode_contributors(episode: EpisodePage) -> list:
    return list(
        episode.contributors.select_related("contributor").prefetch_related(
            Prefetch(
                "contributor__image",
                queryset=get_image_model().objects.prefetch_renditions(*CONTRIBUTOR_RENDITIONS),
            )
        )
    )


def show_variants(show: ShowPage) -> list[ShowPage]:
    """The show's other language versions (each has its own public feed, so: what anyone may see)."""
    return list(listed(show.get_translations()).select_related("locale").order_by("locale__language_code"))


def latest_episodes(locale, limit: int = 4, viewer=None) -> list:
    episodes = episode_cards(listed(EpisodePage.objects.filter(locale=locale), viewer)).order_by(
        "-publication_date", "-pk"
    )[:limit]
    return attach_shows(episodes)
