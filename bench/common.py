"""Helpers shared by the benchmark scripts (run as ``python bench/<name>.py``, so importable as ``common``)."""

import socket


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def table(rows: list[list[str]]) -> str:
    """A Markdown table, the first row as its header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |")
        if index == 0:
            lines.append("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def publish_show(episodes: int, audio_for, **episode_fields):
    """A fresh site tree (home, radio index, one show "voices") with ``episodes`` published episodes.

    Whatever pages the database had below the root go first. ``audio_for(index)`` gives each
    episode's ``AudioAsset``. Needs Django set up; returns ``(show, last episode)``.
    """
    from wagtail.models import Locale, Page, Site

    from hub.core.factories import HomePageFactory
    from hub.radio.factories import EpisodePageFactory, RadioIndexPageFactory, ShowPageFactory

    locale, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node()
    for stale in root.get_children():
        stale.delete()
    home = HomePageFactory(parent=root, slug="home", locale=locale)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    radio = RadioIndexPageFactory(parent=home)
    show = ShowPageFactory(parent=radio, slug="voices")
    for page in (home, radio, show):
        page.save_revision().publish()
    episode = None
    for index in range(episodes):
        episode = EpisodePageFactory(
            parent=show, audio=audio_for(index), title=f"Episode {index + 1}", **episode_fields
        )
        episode.save_revision().publish()
    return show, episode
