from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "hub.consent"
    label = "consent"
    verbose_name = _("Consent")

    def ready(self):
        from django.db.models.signals import pre_save
        from wagtail.images import get_image_model

        from .privacy import strip_image_metadata_on_save

        pre_save.connect(strip_image_metadata_on_save, sender=get_image_model(), dispatch_uid="hub_strip_exif")
