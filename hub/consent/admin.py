"""Wagtail admin for what withdrawals and expiries took down: notices to partners, officers' reports."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from hub.partners.admin import ReadOnlyPermissionPolicy

from .models import TakedownNotice, TakedownReport

# Notices and reports are a record of what happened: nobody adds, edits or deletes them here.
for _model in (TakedownNotice, TakedownReport):
    register_permission_policy(_model, ReadOnlyPermissionPolicy(_model), exact_class=True)


class AcknowledgedColumn(Column):
    def get_value(self, instance):
        return instance.acknowledged_at or _("Not yet")


class TakedownNoticeViewSet(ModelViewSet):
    model = TakedownNotice
    icon = "warning"
    menu_label = _("Takedown notices")
    menu_order = 100
    name = "takedown-notices"
    url_prefix = "takedown-notices"
    copy_view_enabled = False
    inspect_view_enabled = True
    exclude_form_fields = []  # no form is ever shown: the policy refuses add and change
    list_display = [
        "created_at",
        "partner",
        "page",
        "consent",
        "emailed_at",
        AcknowledgedColumn("acknowledged_at", label=_("acknowledged at")),
    ]
    list_filter = ["partner"]
    ordering = ["-created_at", "-pk"]
    inspect_view_fields = ["created_at", "partner", "page", "consent", "files", "emailed_at", "acknowledged_at"]


class TakedownReportViewSet(ModelViewSet):
    model = TakedownReport
    icon = "doc-full"
    menu_label = _("Takedown reports")
    menu_order = 200
    name = "takedown-reports"
    url_prefix = "takedown-reports"
    copy_view_enabled = False
    inspect_view_enabled = True
    exclude_form_fields = []
    list_display = ["created_at", "consent", "reason"]
    list_filter = ["reason"]
    ordering = ["-created_at", "-pk"]
    inspect_view_fields = ["created_at", "consent", "reason", "actions"]


class TakedownViewSetGroup(ViewSetGroup):
    items = (TakedownNoticeViewSet, TakedownReportViewSet)
    menu_icon = "warning"
    menu_label = _("Takedowns")
    menu_order = 330
