from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from hub.consent.roles import AudioAssetPermissionPolicy, assets_in_scope

from . import views
from .damage import status_warning
from .models import AudioAsset
from .plots import progress_bar
from .templatetags.hub_audio_tags import hms


class StatusColumn(Column):
    def get_value(self, instance):
        return progress_bar(instance.status, instance.progress, instance.pk, status_warning(instance.report))


# Edit, inspect, delete and the listing reach only the assets of the user's organisation.
register_permission_policy(AudioAsset, AudioAssetPermissionPolicy(AudioAsset), exact_class=True)


class ScopedAssetMixin:
    """Views of one asset answer only for assets of the user's organisation (hub.consent.roles)."""

    def dispatch(self, request, *args, **kwargs):
        from django.contrib.admin.utils import unquote
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import get_object_or_404

        from hub.consent.roles import may_handle_asset

        if (pk := kwargs.get("pk")) is not None:
            asset = get_object_or_404(AudioAsset, pk=unquote(str(pk)))
            if not may_handle_asset(request.user, asset):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _scoped(view_class):
    return type(f"Scoped{view_class.__name__}", (ScopedAssetMixin, view_class), {})


class ScopedChooseMixin:
    def get_object_list(self):
        return assets_in_scope(self.request.user, super().get_object_list())


class DurationColumn(Column):
    """h:mm:ss; the cell is filled in by the live status script when processing finishes."""

    def get_value(self, instance):
        return format_html(
            '<span class="hub-audio-duration" data-audio-id="{}">{}</span>',
            instance.pk,
            hms(instance.duration_seconds) or "—",
        )


def _chooser_columns(view):
    return [
        view.title_column,
        StatusColumn("status", label=_("Status"), accessor="status"),
        DurationColumn("duration_seconds", label=_("Duration")),
    ]


class AudioChooseView(ScopedChooseMixin, ChooseView):
    @property
    def columns(self):
        return _chooser_columns(self)


class AudioChooseResultsView(ScopedChooseMixin, ChooseResultsView):
    @property
    def columns(self):
        return _chooser_columns(self)


class AudioChooserViewSet(SnippetChooserViewSet):
    choose_view_class = AudioChooseView
    choose_results_view_class = AudioChooseResultsView


class AudioAssetViewSet(SnippetViewSet):
    model = AudioAsset
    icon = "media"
    menu_label = _("Audio")
    menu_order = 250
    add_to_admin_menu = True
    inspect_view_enabled = True
    inspect_template_name = "audio/admin/inspect.html"
    chooser_viewset_class = AudioChooserViewSet
    list_display = [
        "title",
        StatusColumn("status", label=_("Status")),
        DurationColumn("duration_seconds", label=_("Duration")),
        DateColumn("created_at", label=_("Uploaded")),
    ]
    list_filter = ["status"]
    search_fields = ["title", "original_filename"]

    edit_view_class = _scoped(snippet_views.EditView)
    copy_view_class = _scoped(snippet_views.CopyView)
    delete_view_class = _scoped(snippet_views.DeleteView)
    inspect_view_class = _scoped(snippet_views.InspectView)
    usage_view_class = _scoped(snippet_views.UsageView)
    history_view_class = _scoped(snippet_views.HistoryView)

    def get_queryset(self, request):
        return assets_in_scope(request.user)


register_snippet(AudioAssetViewSet)


@hooks.register("register_admin_urls")
def register_audio_urls():
    return [
        path("audio/<int:pk>/reprocess/", views.reprocess, name="hub_audio_reprocess"),
        path("audio/status/", views.status, name="hub_audio_status"),
        path("audio/<int:pk>/renditions/<int:rendition_id>/", views.download, name="hub_audio_download"),
    ]


@hooks.register("insert_global_admin_js")
def audio_status_js():
    return format_html(
        '<script src="{}" data-status-url="{}" id="hub-audio-status-js" defer></script>',
        static("audio/admin-status.js"),
        reverse("hub_audio_status"),
    )
