from django.urls import include, path

from . import views

# Feed XML is language-neutral: each show translation has its own feed.
urlpatterns = [
    path("feeds/shows/<int:show_id>.xml", views.show_feed, name="show-feed"),
    path("feeds/episodes/<int:episode_id>.<str:ext>", views.episode_audio, name="episode-audio"),
    path("feeds/episodes/<int:episode_id>/chapters.json", views.episode_chapters, name="episode-chapters"),
    path(
        "feeds/episodes/<int:episode_id>/transcripts/<int:transcript_id>.<str:fmt>",
        views.episode_transcript,
        name="episode-transcript",
    ),
    path("", include("hub.partners.urls")),
]

# Under the language prefix (see hub/urls.py).
i18n_urlpatterns = [
    path("feeds/", views.feed_index, name="feed-index"),
    path("feeds/stories.atom", views.stories_feed, {"kind": "atom"}, name="stories-atom"),
    path("feeds/stories.rss", views.stories_feed, {"kind": "rss"}, name="stories-rss"),
    path("feeds/shows.opml", views.shows_opml, name="feed-opml"),
]
