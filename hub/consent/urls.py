from django.urls import path

from . import partner_views

# Beside the partner feed (hub.partners.urls): the token is in the path, and kept out of logs.
urlpatterns = [
    path("feeds/partners/<str:token>/takedowns.json", partner_views.takedown_list, name="partner-takedowns"),
    path(
        "feeds/partners/<str:token>/takedowns/<int:notice_id>/acknowledge",
        partner_views.acknowledge,
        name="partner-takedown-acknowledge",
    ),
]
