from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _


class EvidenceInput(forms.ClearableFileInput):
    """Like the usual file input, but links to the permission-checked view, never to a file URL."""

    template_name = "django/forms/widgets/file.html"

    def __init__(self, *args, record_pk=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record_pk = record_pk

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, None, attrs, renderer)
        if value and getattr(value, "instance", None) is not None and value.instance.pk:
            link = reverse("hub_consent_evidence", args=[value.instance.pk])
            return format_html('<p><a href="{}">{}</a></p>{}', link, _("Download the current evidence"), html)
        return html
