from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AudioConfig(AppConfig):
    name = "hub.audio"
    label = "audio"
    verbose_name = _("Audio")

    def ready(self):
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
