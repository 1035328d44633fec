from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm


class AudioAssetForm(WagtailAdminModelForm):
    """Upload form. Large files stream to a temporary file on disk (FILE_UPLOAD_MAX_MEMORY_SIZE).

    Whether the file is a usable recording is judged by the pipeline from its content (ffprobe),
    not from its name; a refusal is shown on the asset with the reason.
    """

    def clean_source(self):
        source = self.cleaned_data.get("source")
        if source is None or not hasattr(source, "size"):
            return source
        limit = settings.HUB_AUDIO_MAX_UPLOAD_BYTES
        if source.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest upload allowed is %(limit)s."),
                params={"size": filesizeformat(source.size), "limit": filesizeformat(limit)},
            )
        if source.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return source
