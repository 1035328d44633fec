"""Background work on audio. This module is the only bridge from Django to media_pipeline."""

import logging
import shutil
import tempfile
from pathlib import Path

from django_tasks import task

from media_pipeline.errors import PipelineError
from media_pipeline.probe import probe

from .models import AudioAsset

logger = logging.getLogger(__name__)


def _local_copy(asset: AudioAsset, directory: Path) -> Path:
    """Copy the source through the storage API (it may live in object storage)."""
    target = directory / Path(asset.source.name).name
    with asset.source.open("rb") as source, target.open("wb") as out:
        shutil.copyfileobj(source, out, length=1024 * 1024)
    return target


@task(queue_name="audio")
def probe_audio_task(asset_id: int) -> None:
    asset = AudioAsset.objects.filter(pk=asset_id).first()
    if asset is None:
        logger.info("Audio asset %s no longer exists; nothing to probe.", asset_id)
        return
    with tempfile.TemporaryDirectory(prefix="hub-probe-") as tmp:
        try:
            info = probe(_local_copy(asset, Path(tmp)))
        except PipelineError as exc:
            AudioAsset.objects.filter(pk=asset_id).update(error_message=str(exc))
            return
    AudioAsset.objects.filter(pk=asset_id).update(duration_seconds=info.duration, error_message="")
