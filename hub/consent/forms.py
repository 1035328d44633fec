from wagtail.admin.forms import WagtailAdminPageForm

from .gates import consent_problems
from .models import Scope

# Relations shown as lists grouped by language, the page's own first (hub.core.locale).
LOCALE_AWARE_FIELDS = ["themes", "partners", "related_episodes", "related_stories"]


class ConsentGatedPageForm(WagtailAdminPageForm):
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
