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

        # Editors and moderators are kept in their organisation's media group (editor_permissions).
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from hub.partners.models import OrganisationMembership, PartnerOrganisation

        from . import editor_permissions as media

        post_save.connect(media.organisation_saved, sender=PartnerOrganisation, dispatch_uid="hub_org_media")
        post_save.connect(media.membership_changed, sender=OrganisationMembership, dispatch_uid="hub_member_media")
        post_delete.connect(media.membership_changed, sender=OrganisationMembership, dispatch_uid="hub_member_gone")
        m2m_changed.connect(
            media.user_groups_changed, sender=get_user_model().groups.through, dispatch_uid="hub_groups_media"
        )
