"""A run whose worker died is found from its heartbeat and queued again; "Try again" and "Process
again" say what they really did."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hub.audio.factories import AudioAssetFactory
from hub.audio.models import AudioAsset, AudioStatus
from hub.audio.tasks import requeue_stale
from hub.ops.jobs import BUSY, RETRY, SETTLED, AudioProcessingPolicy

pytestmark = pytest.mark.django_db


def processing(seconds_since_heartbeat: float) -> AudioAsset:
    asset = AudioAssetFactory(status=AudioStatus.PROCESSING)
    AudioAsset.objects.filter(pk=asset.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=seconds_since_heartbeat), progress=31, run_token="dead"
    )
    return asset


def test_a_run_silent_for_longer_than_the_threshold_is_queued_again(settings):
    settings.HUB_AUDIO_STALE_SECONDS = 45
    dead, alive = processing(50), processing(5)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "audio"]}
    }
    assert requeue_stale() == [dead.pk]
    assert AudioAsset.objects.get(pk=dead.pk).status == AudioStatus.QUEUED
    assert AudioAsset.objects.get(pk=alive.pk).status == AudioStatus.PROCESSING
    assert requeue_stale() == [], "queued once"


def test_the_default_threshold_finds_a_dead_run_within_a_minute(settings):
    """Dead after three missed heartbeats, queued again by the next sweep: with the new worker's
    start and the claim, running again within a minute (bench/faults.py measures it)."""
    from django.conf import settings as live

    from hub.ops.jobs import SWEEP_SECONDS

    assert live.HUB_AUDIO_HEARTBEAT_SECONDS * 3 <= live.HUB_AUDIO_STALE_SECONDS
    assert live.HUB_AUDIO_STALE_SECONDS + SWEEP_SECONDS <= 45


def test_try_again_reports_what_it_would_do():
    policy = AudioProcessingPolicy({})
    failed = AudioAssetFactory(status=AudioStatus.FAILED)
    assert policy.before_retry([failed.pk], {}) == RETRY
    assert AudioAsset.objects.get(pk=failed.pk).status == AudioStatus.QUEUED

    dead = processing(10_000)
    assert policy.before_retry([dead.pk], {}) == RETRY, "a dead run is taken up again"
    assert AudioAsset.objects.get(pk=dead.pk).status == AudioStatus.QUEUED

    assert policy.before_retry([processing(1).pk], {}) == BUSY
    assert policy.before_retry([AudioAssetFactory(status=AudioStatus.READY).pk], {}) == SETTLED


def test_process_again_works_on_a_run_whose_worker_died(admin_client, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "audio"]}
    }
    dead, alive = processing(10_000), processing(1)
    admin_client.post(f"/admin/audio/{dead.pk}/reprocess/")
    assert AudioAsset.objects.get(pk=dead.pk).status == AudioStatus.QUEUED
    admin_client.post(f"/admin/audio/{alive.pk}/reprocess/")
    assert AudioAsset.objects.get(pk=alive.pk).status == AudioStatus.PROCESSING, "a live run is left alone"
