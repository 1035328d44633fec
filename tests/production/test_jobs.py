"""Jobs on RQ: transient failures are retried with backoff, bad input is not, a job over its time
limit fails once and shows in the Wagtail admin, where it can be tried again or discarded."""

import pytest
from django.core.files import File
from django.core.files.base import ContentFile
from django_tasks_rq import Job
from rq import Queue
from rq.exceptions import NoSuchJobError

from hub.audio.models import AudioAsset, AudioStatus
from tests.audio_fixtures import make_tone

from .conftest import PRIVATE_BUCKET, rq_tasks_setting
from .services import TcpGate, wait_for
from .site import make_show

# Transactional: the web node and the workers are other processes, they see only committed rows.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _queue(settings) -> Queue:
    import redis

    return Queue("audio", connection=redis.Redis.from_url(settings.RQ_QUEUES["audio"]["URL"]), job_class=Job)


def _upload(path, title="Recording") -> AudioAsset:
    with path.open("rb") as handle:
        asset = AudioAsset(title=title, source=File(handle, name=path.name))
        asset.save()  # stores the source in the bucket; enqueues on commit
    return asset


def _settled(asset_id):
    return AudioAsset.objects.get(pk=asset_id).status in (AudioStatus.READY, AudioStatus.FAILED)


def test_a_storage_outage_is_retried_with_backoff_and_the_job_then_succeeds(
    transactional_db, hub_settings, start_worker, moto, s3, tmp_path
):
    gate = TcpGate(moto.port)  # the worker's way to the storage; closed: connections are refused
    worker = start_worker("audio", HUB_S3_ENDPOINT_URL=f"http://127.0.0.1:{gate.port}")
    asset = _upload(make_tone(tmp_path / "talk.mp3", seconds=3.0))
    try:
        # The first attempt cannot read the source; the failure callback puts the asset back in the queue.
        assert wait_for(lambda: AudioAsset.objects.get(pk=asset.pk).stage == "retry", 120), worker.output()
        failed_once = AudioAsset.objects.get(pk=asset.pk)
        assert failed_once.status == AudioStatus.QUEUED
        assert failed_once.attempts == 1
        gate.open()  # the network comes back before the retry
        assert wait_for(lambda: _settled(asset.pk), 180), worker.output()
    finally:
        gate.close()
    asset.refresh_from_db()
    assert asset.status == AudioStatus.READY, asset.error_message + worker.output()
    assert asset.attempts == 2
    job = Job.fetch(
        _queue(hub_settings).finished_job_registry.get_job_ids()[0], connection=_queue(hub_settings).connection
    )
    failure = job.meta["hub_failure"]
    assert failure["transient"] is True
    assert failure["exception"].startswith("botocore.exceptions.")
    assert job.retries_left == 2
    for rendition in asset.renditions.all():
        # Renditions are private until released: the private bucket, under its prefix.
        stored = s3.head_object(Bucket=PRIVATE_BUCKET, Key=f"private/{rendition.file.name}")
        assert stored["ContentLength"] == rendition.size_bytes


def test_bad_input_fails_once_with_the_reason_and_is_not_retried(transactional_db, hub_settings, start_worker):
    worker = start_worker("audio")
    asset = AudioAsset(title="Minutes", source=ContentFile(b"these are meeting notes, not audio", name="notes.mp3"))
    asset.save()
    assert wait_for(lambda: _settled(asset.pk), 120), worker.output()
    asset.refresh_from_db()
    assert asset.status == AudioStatus.FAILED
    assert asset.error_message.startswith("Unusable recording"), asset.error_message
    queue = _queue(hub_settings)
    assert wait_for(lambda: queue.finished_job_registry.count == 1, 30)
    job = Job.fetch(queue.finished_job_registry.get_job_ids()[0], connection=queue.connection)
    assert job.return_value() == "failed"
    assert queue.failed_job_registry.count == 0
    assert queue.scheduled_job_registry.count == 0, "nothing waits for a retry"
    assert AudioAsset.objects.get(pk=asset.pk).attempts == 1


def test_a_job_over_its_time_limit_fails_without_retry_and_the_admin_shows_it(
    transactional_db, hub_settings, start_worker, admin_client, tmp_path
):
    # One second for any recording: the pipeline needs longer for 20 seconds of audio.
    hub_settings.TASKS = rq_tasks_setting(AUDIO_TIMEOUT_BASE=1, AUDIO_TIMEOUT_PER_SECOND=0)
    worker = start_worker("audio")
    asset = _upload(make_tone(tmp_path / "long.mp3", seconds=20.0), title="Long talk")
    queue = _queue(hub_settings)
    assert wait_for(lambda: queue.failed_job_registry.count == 1, 120), worker.output()
    job_id = queue.failed_job_registry.get_job_ids()[0]
    job = Job.fetch(job_id, connection=queue.connection)
    assert job.timeout == 1
    assert job.meta["hub_failure"]["exception"] == "rq.timeouts.JobTimeoutException"
    assert job.meta["hub_failure"]["transient"] is False
    assert queue.scheduled_job_registry.count == 0, "a job that ran out of time is not retried"
    asset.refresh_from_db()
    assert asset.status == AudioStatus.FAILED
    assert asset.attempts == 1

    make_show()  # the admin's menus need a page tree
    page = admin_client.get("/admin/jobs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert job_id in html
    assert "JobTimeoutException" in html
    assert f"hub.audio.tasks.process_audio_task({asset.pk})" in html
    assert "Background jobs" in admin_client.get("/admin/").content.decode(), "the settings menu links the page"

    # "Try again" puts the asset back in the queue and the job back in RQ; it fails the same way.
    response = admin_client.post(f"/admin/jobs/audio/{job_id}/retry/")
    assert response.status_code == 302
    assert wait_for(lambda: AudioAsset.objects.get(pk=asset.pk).attempts == 2, 120), worker.output()
    assert wait_for(lambda: queue.failed_job_registry.count == 1, 120), worker.output()

    # "Discard" removes it for good.
    response = admin_client.post(f"/admin/jobs/audio/{job_id}/discard/")
    assert response.status_code == 302
    assert queue.failed_job_registry.count == 0
    with pytest.raises(NoSuchJobError):
        Job.fetch(job_id, connection=queue.connection)
    assert job_id not in admin_client.get("/admin/jobs/").content.decode()


def test_the_jobs_page_is_for_superusers_only(transactional_db, hub_settings, client, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    make_show()
    client.force_login(editor)
    assert client.get("/admin/jobs/").status_code in (302, 403)
    assert client.post("/admin/jobs/audio/some-id/discard/").status_code in (302, 403)
