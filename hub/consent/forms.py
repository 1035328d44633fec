from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm

from .gates import consent_problems
from .models import Scope

# Relations shown as lists grouped by language, the page's own first (hub.core.locale).
LOCALE_AWARE_FIELDS = ["themes", "partners", "related_episodes", "related_stories"]


class OrganisationPageForm(WagtailAdminPageForm):
    """Keeps a page within its author's organisation.

    A user scoped to one organisation (see hub.consent.roles) who leaves the partners empty gets
    their organisation filled in; naming only other organisations is refused with the reason,
    since it would hand the page over to them.
    """

    def clean(self):
        cleaned_data = super().clean()
        if "partners" not in self.fields or self.for_user is None:
            return cleaned_data
        from .roles import acts_on_every_page, organisation_for_locale, user_organisation

        if acts_on_every_page(self.for_user):
            return cleaned_data
        own = user_organisation(self.for_user)
        if own is None:
            self.add_error(None, _("Your account belongs to no partner organisation, so you cannot save pages."))
            return cleaned_data
        chosen = list(cleaned_data.get("partners") or [])
        if not chosen:
            cleaned_data["partners"] = [organisation_for_locale(own, getattr(self.instance, "locale", None))]
        elif own.translation_key not in {partner.translation_key for partner in chosen}:
            self.add_error(
                "partners",
                _("Name your own organisation (%(name)s) among the partners: otherwise you could no longer edit it.")
                % {"name": own.name},
            )
        return cleaned_data


class ConsentGatedPageForm(OrganisationPageForm):
    """Refuses to publish, with the reason on the consent field, what the model would refuse."""

    def clean(self):
        cleaned_data = super().clean()
        if "action-publish" in self.data and "consents" in self.fields:
            problems = consent_problems(
                cleaned_data.get("consents") or [], cleaned_data.get("no_identifiable_person", False), Scope.WEBSITE
            )
            for problem in problems:
                self.add_error("consents", problem)
        return cleaned_data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from hub.core.locale import make_choices_locale_aware

        from .widgets import ConsentChooserInput

        locale = getattr(self.instance, "locale", None) if getattr(self.instance, "locale_id", None) else None
        make_choices_locale_aware(self, locale, LOCALE_AWARE_FIELDS)
        if "consents" in self.fields:
            self.fields["consents"].widget = ConsentChooserInput(
                page=self.instance, language=locale.language_code if locale else None, user=self.for_user
            )
