"""The admin's account page, where an editor changes the admin language.

Two differences from Wagtail's page, both for editors who only want another language: first and
last name are optional (a language change no longer fails on an empty name), and the
confirmation is written in the language just chosen.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.admin.forms.account import NameEmailForm
from wagtail.admin.views.account import AccountView, NameEmailSettingsPanel
from wagtail.log_actions import log
from wagtail.users.models import UserProfile


class OptionalNameEmailForm(NameEmailForm):
    first_name = forms.CharField(required=False, label=NameEmailForm.base_fields["first_name"].label)
    last_name = forms.CharField(required=False, label=NameEmailForm.base_fields["last_name"].label)


class OptionalNameSettingsPanel(NameEmailSettingsPanel):
    form_class = OptionalNameEmailForm


class HubAccountView(AccountView):
    def get_panels(self):
        return [
            OptionalNameSettingsPanel(panel.request, panel.user, panel.profile)
            if type(panel) is NameEmailSettingsPanel
            else panel
            for panel in super().get_panels()
        ]

    def post(self, request):
        panel_forms = [panel.get_form() for panel in self.get_panels()]
        if not all(form.is_valid() or not form.is_bound for form in panel_forms):
            return TemplateResponse(request, self.template_name, self.get_context_data())
        with transaction.atomic():
            for form in panel_forms:
                if form.is_bound:
                    form.save()
        log(request.user, "wagtail.edit")
        update_session_auth_hash(request, request.user)
        # Read the profile again: the language form saved its own copy.
        language = UserProfile.get_for_user(request.user).get_preferred_language()
        with override(language):
            messages.success(request, _("Your account settings are saved."))
        return redirect("wagtailadmin_account")


def admin_view(view):
    """As Wagtail wraps its admin views: login required, the editor's language and time zone, no caching."""
    from django.views.decorators.cache import never_cache
    from wagtail.admin.auth import require_admin_access

    return never_cache(require_admin_access(view))
