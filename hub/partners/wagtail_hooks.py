from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin import PartnerFeedsViewSetGroup
from .models import PartnerOrganisation


class PartnerOrganisationViewSet(SnippetViewSet):
    model = PartnerOrganisation
    icon = "group"
    menu_label = _("Partners")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "kind", "country", "city"]
    list_filter = ["kind", "country", "is_broadcast_partner"]
    search_fields = ["name", "city"]


register_snippet(PartnerOrganisationViewSet)


@hooks.register("register_admin_viewset")
def register_partner_feeds():
    return PartnerFeedsViewSetGroup()


def _receipts_url(**filters) -> str:
    return reverse("pull-receipts:index") + "?" + urlencode(filters)


class _ReceiptsMenuItem(MenuItem):
    def is_shown(self, user):
        return user.has_perm("partners.view_pullreceipt") or user.is_superuser


@hooks.register("register_snippet_listing_buttons")
def partner_receipts_button(snippet, user, next_url=None):
    if isinstance(snippet, PartnerOrganisation) and snippet.is_broadcast_partner:
        yield _ReceiptsMenuItem(
            _("Pull receipts"), _receipts_url(partner=snippet.pk), icon_name="download", priority=90
        )


@hooks.register("register_page_header_buttons")
def episode_receipts_button(page, user, view_name=None, next_url=None):
    from hub.radio.models import EpisodePage

    if page.specific_class is EpisodePage:
        yield _ReceiptsMenuItem(_("Pull receipts"), _receipts_url(episode=page.pk), icon_name="download", priority=90)
