from django.urls import path

from . import views

# Feed XML is language-neutral: each show translation has its own feed.
urlpatterns = [
    path("feeds/shows/<int:show_id>.xml", views.show_feed, name="show-feed"),
]

# Under the language prefix (see hub/urls.py).
i18n_urlpatterns = [
    path("feeds/", views.feed_index, name="feed-index"),
]
