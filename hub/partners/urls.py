from django.urls import path

from . import views

# The token is in the path (playout software can only be given a URL); hub.partners.access
# keeps it out of the logs.
urlpatterns = [
    path("feeds/partners/<str:token>/feed.xml", views.partner_feed, name="partner-feed"),
    path(
        "feeds/partners/<str:token>/episodes/<int:episode_id>.<str:ext>",
        views.partner_download,
        name="partner-download",
    ),
]
