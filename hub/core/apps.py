from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hub.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from .pagecache import connect_signals

        connect_signals()
        fix_chooser_search_label()


def fix_chooser_search_label():
    """Wagtail's choosers name their search tab with a string translated once, at import (in
    English); a lazy one is translated for each editor, in their language."""
    from wagtail.admin.viewsets.chooser import ChooserViewSet

    ChooserViewSet.search_tab_label = _("Search")
