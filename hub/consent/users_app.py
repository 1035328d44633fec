"""``wagtail.users`` with the hub's user forms (the organisation field); see hub.consent.users."""

from wagtail.users.apps import WagtailUsersAppConfig


class HubUsersConfig(WagtailUsersAppConfig):
    user_viewset = "hub.consent.users.HubUserViewSet"
