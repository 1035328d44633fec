from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RadioConfig(AppConfig):
    name = "hub.radio"
    label = "radio"
    verbose_name = _("Radio")
