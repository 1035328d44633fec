from django.db.models.signals import post_save

from .models import AudioAsset


def enqueue_probe_on_upload(sender, instance: AudioAsset, created: bool, raw: bool = False, **kwargs):
    if raw:
        return
    update_fields = kwargs.get("update_fields")
    source_changed = created or update_fields is None or "source" in update_fields
    if source_changed and instance.duration_seconds is None:
        instance.enqueue_probe()


def register_signal_handlers():
    post_save.connect(enqueue_probe_on_upload, sender=AudioAsset, dispatch_uid="hub_audio_probe_on_upload")
