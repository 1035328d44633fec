"""A task enqueued by a web request is executed by a separately running worker process."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from hub.audio.models import AudioAsset
from tests.audio_fixtures import make_tone

ROOT = Path(__file__).resolve().parent.parent
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "audio"]}}


@pytest.fixture
def worker(transactional_db, tmp_path):
    log = (tmp_path / "worker.log").open("w+")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hub.settings.test", "HUB_TEST_WORKER": "1"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-startup-delay", "--interval", "0.2",
         "--no-reload", "-v", "2"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield process
    process.terminate()
    process.wait(timeout=20)
    log.close()


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
def test_upload_in_admin_is_processed_by_the_worker_process(worker, admin_client, settings, tmp_path):
    settings.TASKS = DATABASE_BACKEND
    tone = make_tone(tmp_path / "tone.mp3", seconds=2.0)
    with tone.open("rb") as upload:
        response = admin_client.post("/admin/snippets/audio/audioasset/add/", {"title": "Interview", "source": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    asset = AudioAsset.objects.get(title="Interview")
    assert asset.status == "queued", "the web request only enqueues; the worker does the work"
    result = DBTaskResult.objects.get(task_path="hub.audio.tasks.process_audio_task")
    assert result.args_kwargs["args"] == [asset.pk]

    assert wait_for(lambda: AudioAsset.objects.get(pk=asset.pk).status == "ready"), "the worker did not process it"
    asset.refresh_from_db()
    assert asset.duration_seconds == pytest.approx(2.0, abs=0.1)
    assert asset.renditions.count() == 3
    result.refresh_from_db()
    assert result.status == "SUCCESSFUL"
    assert worker.poll() is None, "the worker keeps running"


@pytest.mark.worker
def test_a_corrupt_upload_is_reported_not_lost(worker, admin_client, settings, tmp_path):
    settings.TASKS = DATABASE_BACKEND
    bad = tmp_path / "notes.mp3"
    bad.write_text("these are meeting notes, not audio")
    with bad.open("rb") as upload:
        admin_client.post("/admin/snippets/audio/audioasset/add/", {"title": "Notes", "source": upload})
    asset = AudioAsset.objects.get(title="Notes")
    assert wait_for(lambda: AudioAsset.objects.get(pk=asset.pk).error_message != "")
    asset.refresh_from_db()
    assert asset.status == "failed"
    assert asset.duration_seconds is None
    assert asset.source.storage.exists(asset.source.name), "the upload is kept"
