"""Background work on audio. This module is the only bridge from Django to media_pipeline.

``process_audio_task`` copies the source out of storage into a temporary folder, runs the
pipeline there, uploads every output through the storage API and only then swaps the
``Rendition`` rows in one transaction. Until that transaction commits, listeners and feeds keep
seeing the previous renditions (or none); if anything fails, the new files are deleted again and
the asset is marked failed with a readable reason.

While a run lasts, a thread of its own writes the asset's heartbeat every
``HUB_AUDIO_HEARTBEAT_SECONDS``. A worker killed mid-run (``kill -9``, out of memory, a machine
lost) leaves the asset in ``processing`` with a heartbeat that stops moving; after
``HUB_AUDIO_STALE_SECONDS`` :func:`requeue_stale` queues it again. The RQ workers run that sweep
themselves every few seconds (``hub.ops.jobs.HubWorker``); ``manage.py process_audio --stale
--enqueue`` does the same by hand or from a timer (the database task backend).
"""

import hashlib
import logging
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django_tasks import task

import media_pipeline
from hub.ops.storage import private_storage
from media_pipeline import PipelineError, TagMetadata, UnsupportedMedia

from .damage import refusal_message
from .models import AudioAsset, AudioStatus, Rendition

logger = logging.getLogger(__name__)

TEMP_PREFIX = "hub-audio-"
PROGRESS_EVERY_SECONDS = 1.0
COPY_CHUNK = 1024 * 1024


class RunSuperseded(Exception):
    """Another run took this asset over (ours was presumed dead); our outputs are discarded."""


def _temp_root() -> Path:
    return Path(getattr(settings, "HUB_AUDIO_TEMP_DIR", None) or tempfile.gettempdir())


def _remove_leftovers(asset_id: int) -> None:
    """Delete temporary folders of earlier runs of this asset that a killed worker left."""
    for leftover in _temp_root().glob(f"{TEMP_PREFIX}{asset_id}-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _claim(asset_id: int, token: str) -> bool:
    """Move a queued (or stale) asset to processing; False if someone else has it."""
    stale_cutoff = timezone.now() - timezone.timedelta(seconds=getattr(settings, "HUB_AUDIO_STALE_SECONDS", 600))
    now = timezone.now()
    claimable = Q(status=AudioStatus.QUEUED) | Q(status=AudioStatus.PROCESSING, heartbeat_at__lt=stale_cutoff)
    claimed = AudioAsset.objects.filter(claimable, pk=asset_id).update(
        status=AudioStatus.PROCESSING,
        run_token=token,
        stage="start",
        progress=0,
        error_message="",
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        updated_at=now,
    )
    if claimed:
        AudioAsset.objects.filter(pk=asset_id).update(attempts=F("attempts") + 1)
    return bool(claimed)


def _local_copy(asset: AudioAsset, directory: Path) -> tuple[Path, str]:
    """Copy the source out of storage (it may live in a bucket) in chunks, hashing on the way."""
    target = directory / ("source" + Path(asset.source.name).suffix)
    digest = hashlib.sha256()
    with asset.source.open("rb") as source, target.open("wb") as out:
        while chunk := source.read(COPY_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return target, digest.hexdigest()


def _cover(show, directory: Path) -> Path | None:
    if not getattr(show, "artwork_id", None):
        return None
    rendition = show.artwork.get_rendition("fill-1400x1400|format-jpeg|jpegquality-85")
    target = directory / "cover.jpg"
    with rendition.file.open("rb") as source, target.open("wb") as out:
        shutil.copyfileobj(source, out)
    return target


def _metadata(asset: AudioAsset, directory: Path) -> tuple[TagMetadata, Path | None]:
    """Tags come from the episode that uses the recording, if any; never from the source file."""
    episode = asset.episodes.select_related("locale").order_by("pk").first()
    if episode is None:
        return TagMetadata(title=asset.title), None
    show = episode.get_parent().specific
    metadata = TagMetadata(
        title=episode.title,
        artist=getattr(show, "owner_name", ""),
        album=show.title,
        date=episode.publication_date.isoformat(),
        language=episode.locale.language_code,
        description=episode.summary,
        url=episode.full_url or "",
        genre="Podcast",
    )
    return metadata, _cover(show, directory)


class _Progress:
    """Throttled progress reports to the database, which double as the worker's heartbeat."""

    def __init__(self, asset_id: int, token: str, also=None):
        self.asset_id = asset_id
        self.token = token
        self.also = also
        self.last = 0.0

    def __call__(self, percent: float, stage: str) -> None:
        if self.also is not None:
            self.also(percent, stage)
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY_SECONDS and percent < 100:
            return
        self.last = now
        updated = AudioAsset.objects.filter(pk=self.asset_id, run_token=self.token).update(
            progress=min(int(percent), 99), stage=stage[:32], heartbeat_at=timezone.now()
        )
        if not updated:
            raise RunSuperseded


class _Heartbeat:
    """Writes the run's heartbeat every few seconds from a thread, whatever the pipeline is doing."""

    def __init__(self, asset_id: int, token: str):
        self.asset_id = asset_id
        self.token = token
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"audio-heartbeat-{asset_id}", daemon=True)

    def __enter__(self):
        # Inside an open transaction (a caller's, or a test's) the claim is not visible to another
        # connection yet, and the row is locked by it: beats from a thread would only wait.
        if not transaction.get_connection().in_atomic_block:
            self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout=10)

    def _beat(self) -> None:
        from django.db import connection

        interval = max(1, int(getattr(settings, "HUB_AUDIO_HEARTBEAT_SECONDS", 10)))
        try:
            while not self.stop.wait(interval):
                try:
                    AudioAsset.objects.filter(pk=self.asset_id, run_token=self.token).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # the database may be away for a moment; the next beat tries again
                    logger.warning("Could not write the heartbeat of audio asset %s", self.asset_id, exc_info=True)
        finally:
            connection.close()


def requeue_stale() -> list[int]:
    """Queue again every asset whose run stopped giving signs of life; returns their IDs.

    The status is set back to queued in the same UPDATE that finds it stale, so two sweeps at
    once (two workers) queue it once; a late heartbeat of a run that was only slow fails its
    token check afterwards and that run discards its work (``RunSuperseded``).
    """
    from .models import AudioAsset as Asset

    requeued = []
    for asset_id in Asset.objects.stale().values_list("pk", flat=True):
        updated = (
            Asset.objects.stale()
            .filter(pk=asset_id)
            .update(status=AudioStatus.QUEUED, stage="requeued", progress=0, updated_at=timezone.now())
        )
        if updated:
            process_audio_task.enqueue(asset_id)
            requeued.append(asset_id)
    if requeued:
        logger.warning("Queued again audio assets whose worker died: %s", ", ".join(map(str, requeued)))
    return requeued


def _store(path: Path, name: str) -> str:
    with path.open("rb") as handle:
        return private_storage().save(name, File(handle, name=path.name))


def _fail(asset_id: int, message: str) -> None:
    AudioAsset.objects.filter(pk=asset_id).update(
        status=AudioStatus.FAILED,
        error_message=message,
        stage="",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


@task(queue_name="audio")
def process_audio_task(asset_id: int) -> str:
    return run_processing(asset_id)


def run_processing(asset_id: int, on_progress=None) -> str:
    """Process one queued asset; returns "ready", "failed", "skipped" or "superseded"."""
    # Also the renditions' folder: their public URLs must not be guessable before release.
    token = uuid.uuid4().hex
    if not _claim(asset_id, token):
        logger.info("Audio asset %s is not waiting for processing; nothing to do.", asset_id)
        return "skipped"
    with _Heartbeat(asset_id, token):
        return _run_claimed(asset_id, token, on_progress)


def _run_claimed(asset_id: int, token: str, on_progress) -> str:
    asset = AudioAsset.objects.get(pk=asset_id)
    _remove_leftovers(asset_id)
    workdir = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{asset_id}-", dir=_temp_root()))
    stored: list[str] = []
    try:
        source, sha256 = _local_copy(asset, workdir)
        AudioAsset.objects.filter(pk=asset_id).update(sha256=sha256)
        metadata, cover = _metadata(asset, workdir)
        result = media_pipeline.process(
            source,
            workdir / "out",
            metadata=metadata,
            cover=cover,
            progress=_Progress(asset_id, token, also=on_progress),
            max_duration=getattr(settings, "HUB_AUDIO_MAX_DURATION_SECONDS", media_pipeline.DEFAULT_MAX_DURATION),
        )
        prefix = f"audio/renditions/{asset_id}/{token}"
        rows = []
        for item in result.renditions:
            name = _store(Path(item.path), f"{prefix}/{item.preset}{Path(item.path).suffix}")
            stored.append(name)
            rows.append(
                Rendition(
                    asset_id=asset_id,
                    preset=item.preset,
                    file=name,
                    mime_type=item.mime_type,
                    size_bytes=item.size_bytes,
                    duration_seconds=item.duration,
                    bitrate=item.bitrate,
                    sample_rate=item.sample_rate,
                    channels=item.channels,
                    integrated_lufs=item.loudness.integrated_lufs,
                    true_peak_dbtp=item.loudness.true_peak_dbtp,
                    loudness_range_lu=item.loudness.loudness_range_lu,
                    target_lufs=item.target.integrated,
                    sha256=item.sha256,
                )
            )
        peaks_name = ""
        if result.peaks_path:
            peaks_name = _store(Path(result.peaks_path), f"{prefix}/peaks.json")
            stored.append(peaks_name)
        _publish(asset_id, token, rows, peaks_name, result)
    except RunSuperseded:
        logger.warning("Audio asset %s was taken over by another run; discarding this one.", asset_id)
        _delete_files(stored)
        return "superseded"
    except PipelineError as exc:
        _delete_files(stored)
        kind = "Unusable recording" if isinstance(exc, UnsupportedMedia) else "Processing failed"
        damaged = None
        if isinstance(exc, UnsupportedMedia):
            with translation.override(_uploader_language(asset)):
                damaged = refusal_message(exc)
        # The editor gets the explanation; the file's temporary path and the tool's output go to the log.
        _fail(asset_id, damaged or f"{kind}: {exc.message}")
        logger.info("Audio asset %s failed: %s", asset_id, exc)
        return "failed"
    except BaseException:
        _delete_files(stored)
        _fail(asset_id, "Internal error while processing; the administrators have the details in the worker log.")
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return "ready"


def _uploader_language(asset: AudioAsset) -> str:
    """The admin language of whoever uploaded the recording: the editor who will read the message."""
    if asset.uploaded_by_id is None:
        return settings.LANGUAGE_CODE
    from wagtail.users.models import UserProfile

    return UserProfile.get_for_user(asset.uploaded_by).get_preferred_language()


def _publish(asset_id: int, token: str, rows: list[Rendition], peaks_name: str, result) -> None:
    """Swap in the new renditions atomically; delete the old files once that has committed."""
    with transaction.atomic():
        asset = AudioAsset.objects.select_for_update().get(pk=asset_id)
        if asset.run_token != token:
            raise RunSuperseded
        old_files = list(asset.renditions.values_list("file", flat=True))
        if asset.peaks:
            old_files.append(asset.peaks.name)
        asset.renditions.all().delete()
        Rendition.objects.bulk_create(rows)
        asset.status = AudioStatus.READY
        asset.progress = 100
        asset.stage = ""
        asset.error_message = ""
        asset.duration_seconds = result.source.duration
        asset.probe_info = _probe_dict(result.source)
        asset.loudness_before = result.report.get("source")
        asset.report = result.report
        asset.peaks = peaks_name
        asset.finished_at = timezone.now()
        asset.heartbeat_at = asset.finished_at
        asset.save()
        transaction.on_commit(lambda: _delete_files(old_files))


def _probe_dict(info) -> dict:
    data = asdict(info)
    data.pop("tags", None)  # the source's own tags may name people or places
    data.pop("path", None)
    return data


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            private_storage().delete(name)
        except OSError:
            logger.exception("Could not delete %s", name)
