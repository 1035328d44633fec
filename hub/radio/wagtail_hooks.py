from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Contributor


class ContributorViewSet(SnippetViewSet):
    model = Contributor
    icon = "user"
    menu_label = _("Contributors")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["name", "role"]
    list_filter = ["role"]
    search_fields = ["name"]


register_snippet(ContributorViewSet)
