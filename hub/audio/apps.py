from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AudioConfig(AppConfig):
    name = "hub.audio"
    label = "audio"
    verbose_name = _("Audio")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
