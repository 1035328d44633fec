from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "hub.feeds"
    label = "feeds"
    verbose_name = _("Feeds")

    def ready(self):
        from . import signals

        signals.connect()
