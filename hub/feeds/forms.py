"""Transcript uploads: a model field that stores the text of an uploaded WebVTT/SRT file.

Editors pick a file; the form field reads, decodes and parses it (that is the validation) and
hands the text to the model. Without a new file the current transcript stays as it is.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import transcripts


class TranscriptUploadWidget(forms.FileInput):
    template_name = "feeds/widgets/transcript_upload.html"

    def __init__(self, attrs=None):
        super().__init__({"accept": ".vtt,.srt,text/vtt,application/x-subrip", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        summary = ""
        if isinstance(value, str) and value:
            try:
                fmt, cues = transcripts.parse(value)
            except transcripts.TranscriptError:
                summary = ""
            else:
                summary = _("%(format)s, %(count)s cues") % {"format": fmt.upper(), "count": len(cues)}
        context["widget"]["summary"] = summary
        return context


class TranscriptUploadField(forms.FileField):
    widget = TranscriptUploadWidget
    default_error_messages = {
        "required": _("Upload a WebVTT or SRT file."),
        "invalid": _("This transcript cannot be used: %(reason)s"),
        "invalid_line": _("This transcript cannot be used (line %(line)s): %(reason)s"),
    }

    def __init__(self, *, max_length=None, **kwargs):
        # The model field is a TextField; a file field has no text length to pass on.
        kwargs.pop("empty_value", None)
        super().__init__(**kwargs)

    def to_python(self, data):
        return data

    def clean(self, data, initial=None):
        if data in self.empty_values or data is False:
            if initial:
                return initial
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return ""
        raw = data.read(transcripts.MAX_BYTES + 1)
        try:
            text = transcripts.decode(raw)
            transcripts.parse(text)
        except transcripts.TranscriptError as exc:
            if exc.line:
                raise ValidationError(
                    self.error_messages["invalid_line"],
                    code="invalid",
                    params={"line": exc.line, "reason": exc.message},
                ) from exc
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"reason": exc.message}
            ) from exc
        return text

    def has_changed(self, initial, data):
        return data not in self.empty_values and data is not False


def validate_transcript_text(value: str) -> None:
    try:
        transcripts.parse(value)
    except transcripts.TranscriptError as exc:
        raise ValidationError(
            _("This transcript cannot be used: %(reason)s"), code="invalid", params={"reason": exc.message}
        ) from exc


class TranscriptTextField(models.TextField):
    """The text of an uploaded transcript; edited through a file upload, validated as WebVTT or SRT."""

    default_validators = [validate_transcript_text]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": TranscriptUploadField, "widget": TranscriptUploadWidget, **kwargs})
