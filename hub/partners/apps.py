from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "hub.partners"
    label = "partners"
    verbose_name = _("Partners")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
        from .access import install_log_scrubbing

        install_log_scrubbing()
