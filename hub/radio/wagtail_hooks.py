from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from hub.core.locale import locale_first_chooser_viewset

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
    # The chooser lists the episode's language first and can create a contributor in it.
    chooser_viewset_class = locale_first_chooser_viewset(
        SnippetChooserViewSet, create_fields=["name", "role", "bio", "link"]
    )


register_snippet(ContributorViewSet)
