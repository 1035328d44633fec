from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

# What the upload form names; the pipeline accepts whatever ffprobe can decode, judged by content.
COMMON_FORMATS = "WAV, FLAC, MP3, AAC/M4A, Ogg Vorbis, Opus, AIFF"
ACCEPT = "audio/*,.wav,.flac,.mp3,.m4a,.aac,.ogg,.oga,.opus,.aif,.aiff"


class PrivateSourceInput(forms.ClearableFileInput):
    """The file input, naming the current source without a link: sources live in the private
    storage, which has no URLs (editors hear the renditions through the inspect view)."""

    template_name = "django/forms/widgets/file.html"

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, None, attrs, renderer)
        if value and getattr(value, "name", ""):
            current = (
                getattr(getattr(value, "instance", None), "original_filename", "") or value.name.rsplit("/", 1)[-1]
            )
            return format_html("<p>{} {}</p>{}", _("Current recording:"), current, html)
        return html


class AudioAssetForm(WagtailAdminModelForm):
    """Upload form. Large files stream to a temporary file on disk (FILE_UPLOAD_MAX_MEMORY_SIZE).

    Whether the file is a usable recording is judged by the pipeline from its content (ffprobe),
    not from its name; a refusal is shown on the asset with the reason.
    """

    source_help = gettext_lazy(
        "Formats: %(formats)s, or any other recording ffmpeg can read. Largest file: %(limit)s. "
        "The hub makes the podcast, low-bandwidth and broadcast versions itself."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "source" in self.fields:
            self.fields["source"].help_text = self.source_help % {
                "formats": COMMON_FORMATS,
                "limit": filesizeformat(settings.HUB_AUDIO_MAX_UPLOAD_BYTES),
            }
            self.fields["source"].widget = PrivateSourceInput(attrs={"accept": ACCEPT})

    def save(self, commit=True):
        # The uploader's organisation is the asset's (hub.consent.roles.assets_in_scope): without it
        # a partner editor could not find their own upload in the audio chooser.
        user = getattr(self, "for_user", None)
        if self.instance.pk is None and self.instance.uploaded_by_id is None and user and user.is_authenticated:
            self.instance.uploaded_by = user
        return super().save(commit=commit)

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
