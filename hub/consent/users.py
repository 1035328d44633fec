"""The admin's user forms with the organisation a user works for (hub.consent.roles).

Installed through ``hub.consent.users_app.HubUsersConfig`` in place of ``wagtail.users``.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

from hub.partners.models import PartnerOrganisation


class OrganisationFieldMixin(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=PartnerOrganisation.objects.none(),
        required=False,
        help_text=_("Editors and moderators act only on pages of this organisation; without one they act on no page."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from wagtail.models import Locale

        from hub.consent.roles import user_organisation

        self.fields["organisation"].queryset = PartnerOrganisation.objects.filter(locale=Locale.get_default())
        if self.instance.pk:
            self.fields["organisation"].initial = user_organisation(self.instance)

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            self.save_organisation(user)
        return user

    def save_organisation(self, user):
        from hub.consent.roles import set_user_organisation

        set_user_organisation(user, self.cleaned_data.get("organisation"))


class HubUserCreationForm(OrganisationFieldMixin, UserCreationForm):
    pass


class HubUserEditForm(OrganisationFieldMixin, UserEditForm):
    pass


class HubUserViewSet(UserViewSet):
    def get_form_class(self, for_update=False):
        return HubUserEditForm if for_update else HubUserCreationForm
