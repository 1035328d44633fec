"""Wagtail admin for partner feeds: tokens (shown once when created) and pull receipts (read only)."""

from django import forms
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import PartnerFeedToken, PullReceipt


class NewTokenForm(WagtailAdminModelForm):
    class Meta:
        model = PartnerFeedToken
        fields = ["partner", "label", "expires_at"]


class EditTokenForm(WagtailAdminModelForm):
    revoke = forms.BooleanField(
        label=_("Revoke this token"),
        required=False,
        help_text=_("The partner's feed and downloads stop working with it at once. This cannot be undone."),
    )

    class Meta:
        model = PartnerFeedToken
        fields = ["label", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.revoked_at:
            self.fields["revoke"].disabled = True
            self.fields["revoke"].initial = True

    def save(self, commit=True):
        token = super().save(commit=False)
        if self.cleaned_data.get("revoke") and token.revoked_at is None:
            token.revoked_at = timezone.now()
        if commit:
            token.save()
        return token


class TokenCreateView(generic.CreateView):
    """Creates the token and shows it once, in this response only (never in a redirect or message)."""

    def save_instance(self):
        token = self.form.instance
        self.raw_token = token.set_new_token()
        token.created_by = self.request.user
        return super().save_instance()

    def save_action(self):
        feed_url = self.request.build_absolute_uri(reverse("partner-feed", args=[self.raw_token]))
        response = TemplateResponse(
            self.request,
            "partners/admin/token_created.html",
            {
                "token": self.object,
                "raw_token": self.raw_token,
                "feed_url": feed_url,
                "index_url": reverse(self.index_url_name),
                "header_title": _("New feed token"),
                "page_title": _("New feed token"),
                "header_icon": "key",
            },
        )
        response["Cache-Control"] = "no-store"
        return response


class StatusColumn(Column):
    def get_value(self, instance):
        return instance.get_status_display()


class PartnerFeedTokenViewSet(ModelViewSet):
    model = PartnerFeedToken
    icon = "key"
    menu_label = _("Feed tokens")
    menu_order = 100
    name = "partner-feed-tokens"
    url_prefix = "partner-feed-tokens"
    add_view_class = TokenCreateView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["label", "partner", "hint", StatusColumn("status", label=_("Status")), "expires_at", "last_used_at"]
    list_filter = ["partner"]
    search_fields = ["label"]
    inspect_view_fields = [
        "partner",
        "label",
        "hint",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]

    def get_form_class(self, for_update=False):
        return EditTokenForm if for_update else NewTokenForm


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Receipts are a record: nobody adds, edits or deletes them in the admin."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)


register_permission_policy(PullReceipt, ReadOnlyPermissionPolicy(PullReceipt), exact_class=True)


class PullReceiptViewSet(ModelViewSet):
    model = PullReceipt
    icon = "download"
    menu_label = _("Pull receipts")
    menu_order = 200
    name = "pull-receipts"
    url_prefix = "pull-receipts"
    copy_view_enabled = False
    inspect_view_enabled = True
    exclude_form_fields = []  # no form is ever shown: the policy refuses add and change
    list_display = [
        "created_at",
        "partner_name",
        "episode_title",
        "preset",
        "bytes_sent",
        "status_code",
        "token_label",
        "user_agent",
    ]
    list_filter = ["partner", "episode", "preset"]
    search_fields = ["partner_name", "episode_title", "user_agent"]
    ordering = ["-created_at", "-pk"]
    inspect_view_fields = [
        "created_at",
        "completed_at",
        "partner_name",
        "token_label",
        "episode_title",
        "preset",
        "sha256",
        "file_size",
        "range_requested",
        "bytes_sent",
        "status_code",
        "user_agent",
    ]


class PartnerFeedsViewSetGroup(ViewSetGroup):
    items = (PartnerFeedTokenViewSet, PullReceiptViewSet)
    menu_icon = "site"
    menu_label = _("Partner feeds")
    menu_order = 310
