"""Audio assets and their renditions.

An ``AudioAsset`` is one uploaded recording; the pipeline turns it into one ``Rendition`` row
per output preset (podcast MP3, low-bandwidth Opus, broadcast WAV), plus waveform peaks and a
loudness report. Files go through the storage API only, so they may live in object storage.
"""

import secrets
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from hub.ops.storage import private_storage

from .forms import AudioAssetForm

PODCAST_PRESET = "podcast-mp3"
OPUS_PRESET = "lowband-opus"
BROADCAST_PRESET = "broadcast-wav"


def source_upload_to(instance, filename):
    # The original name is kept in a field; the stored name reveals nothing (a name may reveal a
    # person) and cannot be guessed (128 random bits), though the storage is private anyway.
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"audio/sources/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{suffix}"


class AudioStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    # A consent ended and no live page used the audio any more: its public files were deleted.
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AudioAssetQuerySet(models.QuerySet):
    def stale(self, older_than: timedelta | None = None):
        """Assets whose worker stopped reporting progress: it was killed or lost."""
        seconds = getattr(settings, "HUB_AUDIO_STALE_SECONDS", 600)
        cutoff = timezone.now() - (older_than if older_than is not None else timedelta(seconds=seconds))
        return self.filter(status=AudioStatus.PROCESSING, heartbeat_at__lt=cutoff)

    def ready(self):
        return self.filter(status=AudioStatus.READY)


class AudioAsset(index.Indexed, models.Model):
    title = models.CharField(_("title"), max_length=255)
    # Sources, renditions and peaks live in the private storage: the public hears audio only
    # through hub routes that ask hub.access.policy first (see docs/security.md).
    source = models.FileField(
        _("source recording"), upload_to=source_upload_to, storage=private_storage, max_length=255
    )
    original_filename = models.CharField(_("original file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the source"), max_length=64, blank=True, db_index=True)
    size_bytes = models.BigIntegerField(_("size in bytes"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AudioStatus.choices, default=AudioStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=32, blank=True)
    duration_seconds = models.FloatField(_("duration in seconds"), null=True, blank=True)
    probe_info = models.JSONField(_("probe information"), null=True, blank=True)
    loudness_before = models.JSONField(_("loudness of the source"), null=True, blank=True)
    report = models.JSONField(_("loudness report"), null=True, blank=True)
    peaks = models.FileField(
        _("waveform peaks"), upload_to="audio/peaks/", storage=private_storage, blank=True, max_length=255
    )
    error_message = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("processing attempts"), default=0)
    run_token = models.CharField(_("current run"), max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    started_at = models.DateTimeField(_("processing started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("processing finished at"), null=True, blank=True)

    objects = AudioAssetQuerySet.as_manager()

    panels = [FieldPanel("title"), FieldPanel("source")]
    base_form_class = AudioAssetForm
    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("original_filename"),
        index.FilterField("status"),
    ]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("audio asset")
        verbose_name_plural = _("audio assets")

    def __str__(self):
        return self.title

    @property
    def is_ready(self) -> bool:
        return self.status == AudioStatus.READY

    def rendition(self, preset: str):
        """The rendition of one preset, from prefetched rows when there are any."""
        for rendition in self.renditions.all():
            if rendition.preset == preset:
                return rendition
        return None

    @property
    def podcast_rendition(self):
        return self.rendition(PODCAST_PRESET)

    @property
    def opus_rendition(self):
        return self.rendition(OPUS_PRESET)

    @property
    def broadcast_rendition(self):
        return self.rendition(BROADCAST_PRESET)

    def save(self, *args, **kwargs):
        new_source = bool(self.source) and not self.source._committed
        if new_source:
            self.original_filename = PurePosixPath(self.source.name).name[:255]
            self.size_bytes = self.source.size
            self.status = AudioStatus.QUEUED
            self.progress = 0
        super().save(*args, **kwargs)
        if new_source:
            self.enqueue_processing()

    def enqueue_processing(self) -> None:
        """Queue the pipeline for this recording once the current transaction commits."""
        from .tasks import process_audio_task

        asset_id = self.pk
        self.mark_queued()
        transaction.on_commit(lambda: process_audio_task.enqueue(asset_id))

    def mark_queued(self) -> None:
        AudioAsset.objects.filter(pk=self.pk).update(
            status=AudioStatus.QUEUED, progress=0, stage="", error_message="", updated_at=timezone.now()
        )
        self.status, self.progress, self.stage, self.error_message = AudioStatus.QUEUED, 0, "", ""


class Rendition(models.Model):
    asset = models.ForeignKey(
        AudioAsset, verbose_name=_("audio asset"), on_delete=models.CASCADE, related_name="renditions"
    )
    preset = models.CharField(_("preset"), max_length=40)
    file = models.FileField(_("file"), upload_to="audio/renditions/", storage=private_storage, max_length=255)
    mime_type = models.CharField(_("MIME type"), max_length=64)
    size_bytes = models.BigIntegerField(_("size in bytes"))
    duration_seconds = models.FloatField(_("duration in seconds"))
    bitrate = models.PositiveIntegerField(_("bit rate"), null=True, blank=True)
    sample_rate = models.PositiveIntegerField(_("sample rate"))
    channels = models.PositiveSmallIntegerField(_("channels"))
    integrated_lufs = models.FloatField(_("integrated loudness (LUFS)"))
    true_peak_dbtp = models.FloatField(_("true peak (dBTP)"), null=True, blank=True)
    loudness_range_lu = models.FloatField(_("loudness range (LU)"), null=True, blank=True)
    target_lufs = models.FloatField(_("target loudness (LUFS)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["asset", "preset"]
        constraints = [models.UniqueConstraint(fields=["asset", "preset"], name="one_rendition_per_preset")]
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")

    def __str__(self):
        return f"{self.asset} · {self.preset}"

    @property
    def extension(self) -> str:
        return PurePosixPath(self.file.name).suffix
