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


class ConsentChooserInput(forms.Widget):
    """The consent records of a page: each shown with what tells it apart, removable, and a button
    that opens the searchable consent chooser (several records at once).

    The chosen records are hidden inputs named like the field, so the form reads them as the
    usual multiple choice. ``page`` (set by the page form) adds a link that creates a new record
    for this page and returns to it.
    """

    template_name = "consent/widgets/consent_chooser.html"

    def __init__(self, attrs=None, page=None, language=None, user=None):
        super().__init__(attrs)
        self.page = page
        self.language = language
        self.user = user

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # no hidden input means: no record linked

    def _chooser_widget(self):
        from .models import ConsentRecord

        widget_class = ConsentRecord.snippet_viewset.chooser_viewset.widget_class
        language = self.language

        class LocaleFirstChooser(widget_class):
            def get_chooser_modal_url(self):
                url = super().get_chooser_modal_url()
                return f"{url}?locale_first={language}" if language else url

        return LocaleFirstChooser()

    def get_context(self, name, value, attrs):
        from wagtail.admin.telepath import JSContext

        from .describe import describe, summarise
        from .models import ConsentRecord

        context = super().get_context(name, value, attrs)
        ids = [int(v) for v in (value or []) if str(v).isdigit()]
        records = list(ConsentRecord.objects.filter(pk__in=ids))
        summaries = summarise(records)
        context["items"] = [
            {"id": record.pk, "description": describe(record, summaries[record.pk], self.user)} for record in records
        ]
        js_context = JSContext()
        context["chooser_definition"] = js_context.pack(self._chooser_widget())
        context["definition_id"] = f"{attrs.get('id', 'id_' + name)}-CHOOSER"
        page, user = self.page, self.user
        if page is not None and page.pk and user is not None and user.has_perm("consent.add_consentrecord"):
            from .publish_messages import consent_create_url

            edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
            context["create_url"] = consent_create_url(page, edit_url)
        return context

    @property
    def media(self):
        from wagtail.admin.telepath import JSContext

        js_context = JSContext()
        js_context.pack(self._chooser_widget())
        return js_context.media + forms.Media(js=["consent/consent-chooser.js"])
