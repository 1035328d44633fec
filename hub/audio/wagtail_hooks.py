from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import AudioAsset


class AudioAssetViewSet(SnippetViewSet):
    model = AudioAsset
    icon = "media"
    menu_label = _("Audio")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "duration_seconds", "created_at"]
    search_fields = ["title"]


register_snippet(AudioAssetViewSet)
