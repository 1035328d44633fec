"""Querysets behind the public radio pages, each a fixed number of queries however long.

The page models keep their simple ``get_context``; the public templates ask these functions
(through template tags) for lists with images, renditions and parents already fetched.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from wagtail.images import get_image_model

from .models import EpisodePage, ShowPage, ShowType


def released(episodes: QuerySet) -> QuerySet:
    """Episodes the public may see: live and past their public release time (if they have one)."""
    method = getattr(episodes, "publicly_released", None)
    return method() if method is not None else episodes


def unreleased_episode_ids() -> list[int]:
    """Live episodes still under embargo (partners may have them; the public site must not)."""
    if not any(field.name == "public_release_at" for field in EpisodePage._meta.get_fields()):
        return []
    return list(EpisodePage.objects.filter(public_release_at__gt=timezone.now()).values_list("pk", flat=True))


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


def show_episodes(show: ShowPage) -> QuerySet:
    order = ("publication_date", "pk") if show.show_type == ShowType.SERIAL else ("-publication_date", "-pk")
    return episode_cards(released(EpisodePage.objects.live().public().child_of(show))).order_by(*order)


def show_cards(shows: QuerySet) -> QuerySet:
    return shows.prefetch_related(
        Prefetch("artwork", queryset=get_image_model().objects.prefetch_renditions(*SHOW_CARD_RENDITIONS))
    )


def index_shows(index_page) -> QuerySet:
    return show_cards(ShowPage.objects.live().public().child_of(index_page)).order_by("path")


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
    """The show's other language versions (each has its own feed)."""
    return list(show.get_translations().live().public().select_related("locale").order_by("locale__language_code"))


def latest_episodes(locale, limit: int = 4) -> list:
    episodes = episode_cards(released(EpisodePage.objects.live().public().filter(locale=locale))).order_by(
        "-publication_date", "-pk"
    )[:limit]
    return attach_shows(episodes)
