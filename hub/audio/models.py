"""Audio assets. The processing pipeline (renditions, loudness) builds on this model."""

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class AudioAsset(index.Indexed, models.Model):
    title = models.CharField(_("title"), max_length=255)
    source = models.FileField(_("source recording"), upload_to="audio/sources/%Y/%m/")
    duration_seconds = models.FloatField(_("duration in seconds"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    error_message = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [FieldPanel("title"), FieldPanel("source")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("audio asset")
        verbose_name_plural = _("audio assets")

    def __str__(self):
        return self.title

    def enqueue_probe(self) -> None:
        """Describe the recording in the background, once the upload is committed."""
        from .tasks import probe_audio_task

        asset_id = self.pk
        transaction.on_commit(lambda: probe_audio_task.enqueue(asset_id))
