"""Wagtail admin for what withdrawals and expiries took down: notices to partners, officers' reports.

Times are shown the same way in the listings and the detail views: in the editor's time zone
(their account setting, else the site's), with the date and the time.
"""

from datetime import datetime

from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import ModelLogEntry
from wagtail.permissions import register_permission_policy

from hub.partners.admin import ReadOnlyPermissionPolicy

from .models import TakedownNotice, TakedownReport

# Notices and reports are a record of what happened: nobody adds, edits or deletes them here.
for _model in (TakedownNotice, TakedownReport):
    register_permission_policy(_model, ReadOnlyPermissionPolicy(_model), exact_class=True)

ACTION_LABELS = {
    "unpublished": gettext_lazy("unpublished"),
    "redacted": gettext_lazy("redacted"),
    "already offline": gettext_lazy("already offline"),
}


def local_time(value) -> str:
    """A moment in the editor's time zone (activated by the admin), as date and time."""
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


class LocalTimeColumn(Column):
    def get_value(self, instance):
        return local_time(getattr(instance, self.accessor))


class AcknowledgedColumn(Column):
    def get_value(self, instance):
        return local_time(instance.acknowledged_at) or _("Not yet")


def withdrawn_by(report: TakedownReport):
    """Who recorded the withdrawal that led to this report (from the consent record's history)."""
    entry = (
        ModelLogEntry.objects.for_instance(report.consent)
        .filter(action="hub.consent.withdraw", timestamp__lte=report.created_at)
        .select_related("user")
        .order_by("-timestamp")
        .first()
    )
    return entry.user if entry is not None else None


def reason_text(report: TakedownReport) -> str:
    if report.reason == "withdrawn":
        typed = report.consent.withdrawal_reason.strip()
        return _("Withdrawn: %(reason)s") % {"reason": typed} if typed else str(report.get_reason_display())
    if report.reason == "expired" and report.consent.expires_on:
        return _("Expired on %(date)s") % {"date": formats.date_format(report.consent.expires_on, "DATE_FORMAT")}
    return str(report.get_reason_display())


def actions_html(report: TakedownReport):
    """Each page: title and language, what was done, its deleted audio files, the partners told to delete it."""
    rows = []
    for action in report.actions:
        done = ACTION_LABELS.get(action.get("action", ""), action.get("action", ""))
        extra = []
        if action.get("audio_removed"):
            extra.append(_("public audio files deleted: %(files)s") % {"files": ", ".join(action["audio_removed"])})
        if action.get("partners"):
            extra.append(_("partners told to delete it: %(names)s") % {"names": ", ".join(action["partners"])})
        rows.append((action.get("title", ""), action.get("locale", ""), done, "; ".join(extra)))
    return (
        format_html_join("", "<p>{} [{}]: {}{}</p>", ((t, loc, d, f" · {x}" if x else "") for t, loc, d, x in rows))
        or "-"
    )


class ReasonColumn(Column):
    def get_value(self, instance):
        return reason_text(instance)


class LocalTimeInspectView(InspectView):
    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, datetime):
            return local_time(value)
        return value


class TakedownReportInspectView(LocalTimeInspectView):
    def get_reason_display_value(self):
        return reason_text(self.object)

    def get_actions_display_value(self):
        return actions_html(self.object)

    def get_withdrawn_by_display_value(self):
        user = withdrawn_by(self.object)
        if user is None:
            return _("the expiry date (automatic)") if self.object.reason == "expired" else "-"
        return format_html("{}", user.get_full_name() or user.get_username())

    def get_field_label(self, field_name, field):
        if field_name == "withdrawn_by":
            return _("Recorded by")
        return super().get_field_label(field_name, field)


class EmailColumn(Column):
    """Whether the e-mail went out; if not, how often it was tried and the last error."""

    def get_value(self, instance):
        if instance.emailed_at:
            return _("Sent %(when)s") % {"when": local_time(instance.emailed_at)}
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
    menu_label = gettext_lazy("Takedown notices")
    menu_order = 100
    name = "takedown-notices"
    url_prefix = "takedown-notices"
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = LocalTimeInspectView
    exclude_form_fields = []  # no form is ever shown: the policy refuses add and change
    list_display = [
        LocalTimeColumn("created_at", label=gettext_lazy("created at"), sort_key="created_at"),
        "partner",
        "page",
        "consent",
        EmailColumn("emailed_at", label=gettext_lazy("e-mail")),
        AcknowledgedColumn("acknowledged_at", label=gettext_lazy("acknowledged at")),
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
    menu_label = gettext_lazy("Takedown reports")
    menu_order = 200
    name = "takedown-reports"
    url_prefix = "takedown-reports"
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = TakedownReportInspectView
    exclude_form_fields = []
    list_display = [
        LocalTimeColumn("created_at", label=gettext_lazy("created at"), sort_key="created_at"),
        "consent",
        ReasonColumn("reason", label=gettext_lazy("reason")),
        EmailColumn("emailed_at", label=gettext_lazy("e-mail")),
    ]
    list_filter = ["reason"]
    ordering = ["-created_at", "-pk"]
    inspect_view_fields = [
        "created_at",
        "consent",
        "reason",
        "withdrawn_by",
        "actions",
        "emailed_at",
        "email_attempts",
        "email_error",
    ]


class TakedownViewSetGroup(ViewSetGroup):
    items = (TakedownNoticeViewSet, TakedownReportViewSet)
    menu_icon = "warning"
    menu_label = gettext_lazy("Takedowns")
    menu_order = 330
