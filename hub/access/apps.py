from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Who may see what (hub.access.policy) and how files are handed over (hub.access.delivery)."""

    name = "hub.access"
    label = "access"
