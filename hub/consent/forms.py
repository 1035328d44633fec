from wagtail.admin.forms import WagtailAdminPageForm

from .gates import consent_problems
from .models import Scope


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
