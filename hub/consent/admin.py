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


class EmailColumn(Column):
    """Whether the e-mail went out; if not, how often it was tried and the last error."""

    def get_value(self, instance):
        from django.utils.formats import date_format
        from django.utils.timezone import localtime

        if instance.emailed_at:
            return _("Sent %(when)s") % {"when": date_format(localtime(instance.emailed_at), "SHORT_DATETIME_FORMAT")}
        partner = getattr(instance, "partner", None)
        if partner is not None and not partner.contact_email:
            return _("No e-mail address")
        if instance.email_attempts:
            return _("Not sent after %(count)d attempts: %(error)s (tried again by the next sweep)") % {
                "count": instance.email_attempts,
                "error": instance.email_error,
            }
        return _("Not sent yet")


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
        EmailColumn("emailed_at", label=_("e-mail")),
        AcknowledgedColumn("acknowledged_at", label=_("acknowledged at")),
    ]
    list_filter = ["partner"]
    ordering = ["-created_at", "-pk"]
    inspect_view_fields = [
        "created_at",
        "partner",
        "page",
        "consent",
        "files",
        "emailed_at",
        "email_attempts",
        "email_error",
        "acknowledged_at",
    ]


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
    list_display = ["created_at", "consent", "reason", EmailColumn("emailed_at", label=_("e-mail"))]
    list_filter = ["reason"]
    ordering = ["-created_at", "-pk"]
    inspect_view_fields = ["created_at", "consent", "reason", "actions", "emailed_at", "email_attempts", "email_error"]


class TakedownViewSetGroup(ViewSetGroup):
    items = (TakedownNoticeViewSet, TakedownReportViewSet)
    menu_icon = "warning"
    menu_label = _("Takedowns")
    menu_order = 330
