"""A worker killed in the middle of processing leaves the asset recoverable and nothing half-published."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from hub.audio.models import AudioAsset, AudioStatus

ROOT = Path(__file__).resolve().parents[2]
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "audio"]}}

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def start_worker(log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hub.settings.test", "HUB_TEST_WORKER": "1"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-startup-delay", "--interval", "0.2",
         "--no-reload"],
        cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def wait_for(predicate, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_killed_worker_leaves_a_recoverable_asset(transactional_db, settings, tmp_path):
    settings.TASKS = DATABASE_BACKEND
    source = tmp_path / "long.wav"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", "anoisesrc=color=pink:amplitude=0.1:duration=600:seed=3", "-ac", "2", "-ar", "44100",
         "-c:a", "flac", str(source)],
        check=True, timeout=120,
    )  # fmt: skip
    asset = AudioAsset(title="Long interview")
    asset.source = ContentFile(source.read_bytes(), name="long.flac")
    asset.save()  # autocommit: the task is enqueued for the worker at once

    worker = start_worker(tmp_path / "worker.log")
    try:
        assert wait_for(lambda: AudioAsset.objects.get(pk=asset.pk).progress >= 5), "processing never started"
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its ffmpeg children, mid-run
        worker.wait(timeout=20)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)

    asset.refresh_from_db()
    assert asset.status == AudioStatus.PROCESSING, "a killed worker cannot report; the heartbeat goes stale"
    assert asset.renditions.count() == 0, "nothing half-published"
    assert AudioAsset.objects.stale().count() == 0, "not stale yet by the default threshold"

    call_command("process_audio", stale=True, stale_after=0, verbosity=0)
    asset.refresh_from_db()
    assert asset.status == AudioStatus.READY, asset.error_message
    assert asset.renditions.count() == 3
    assert asset.attempts == 2
    leftovers = list(Path(settings.HUB_AUDIO_TEMP_DIR or "/tmp").glob(f"hub-audio-{asset.pk}-*"))
    assert leftovers == [], "the rerun removed the killed run's temporary files"
    assert DBTaskResult.objects.filter(task_path="hub.audio.tasks.process_audio_task").exists()
