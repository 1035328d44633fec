"""How long an audio job may run, and which failures are worth another attempt."""

import pytest
import redis
from botocore.exceptions import ClientError
from django.db import OperationalError
from rq.timeouts import JobTimeoutException

from hub.audio.factories import AudioAssetFactory
from hub.ops.jobs import AudioProcessingPolicy, TaskPolicy, audio_job_timeout, estimated_duration, is_transient
from media_pipeline import InvalidRequest, Reason, UnsupportedMedia

from .dead import dead_port

HOUR = 3600.0


def test_a_probed_duration_sizes_the_timeout():
    assert audio_job_timeout(HOUR, 0, "talk.mp3", base=600, per_second=4, max_duration=6 * HOUR) == 600 + 4 * 3600
    assert audio_job_timeout(60, 0, "a.mp3", base=600, per_second=4, max_duration=6 * HOUR) == 840


def test_before_probing_the_duration_is_bounded_from_the_size_and_the_format():
    # 100 MB of WAV is at most 100e6 / 16e3 s; 100 MB of MP3 at most 100e6 / 4e3 s, capped at the maximum.
    assert estimated_duration(None, 100_000_000, "audio/sources/x.wav", 6 * HOUR) == 6250
    assert estimated_duration(None, 40_000_000, "audio/sources/x.MP3", 6 * HOUR) == 10_000
    assert estimated_duration(None, 10**10, "x.mp3", 6 * HOUR) == 6 * HOUR
    assert estimated_duration(None, None, "x.mp3", 6 * HOUR) == 6 * HOUR
    # Copying the source out of storage is part of the budget: 1 MB/s.
    timeout = audio_job_timeout(None, 32_000_000, "x.wav", base=600, per_second=4, max_duration=6 * HOUR)
    assert timeout == 600 + 4 * 2000 + 32


@pytest.mark.django_db
def test_the_audio_policy_reads_the_asset(settings):
    settings.HUB_AUDIO_MAX_DURATION_SECONDS = 6 * HOUR
    probed = AudioAssetFactory(duration_seconds=1800.0, size_bytes=30_000_000)
    unknown = AudioAssetFactory(duration_seconds=None, size_bytes=8_000_000)
    policy = AudioProcessingPolicy({"AUDIO_TIMEOUT_BASE": 300, "AUDIO_TIMEOUT_PER_SECOND": 3})
    assert policy.job_timeout((probed.pk,), {}) == 300 + 3 * 1800 + 30
    assert policy.job_timeout((), {"asset_id": unknown.pk}) == int(300 + 3 * 8_000_000 / 4_000 + 8)
    # A job for an asset that is gone gets the longest budget rather than an error at enqueue time.
    assert policy.job_timeout((10**9,), {}) == int(300 + 3 * 6 * HOUR)


def test_retries_back_off_as_configured():
    retry = TaskPolicy({"RETRIES": 3, "BACKOFF": [30, 120, 600]}).retry()
    assert (retry.max, retry.intervals) == (3, [30, 120, 600])
    assert TaskPolicy({"RETRIES": 0}).retry() is None


def _raised(action):
    try:
        action()
    except Exception as exc:
        return exc
    raise AssertionError("nothing was raised")


def test_lost_connections_are_transient():
    port = dead_port()
    assert is_transient(_raised(lambda: redis.Redis(port=port, socket_connect_timeout=1).ping()))
    assert is_transient(_raised(lambda: _s3(port).head_bucket(Bucket="media")))
    assert is_transient(OperationalError("server closed the connection unexpectedly"))
    assert is_transient(ConnectionResetError())


def test_throttling_and_server_errors_of_the_storage_are_transient():
    def client_error(code, status):
        return ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "GetObject")

    assert is_transient(client_error("SlowDown", 503))
    assert is_transient(client_error("InternalError", 500))
    assert not is_transient(client_error("NoSuchKey", 404))
    assert not is_transient(client_error("AccessDenied", 403))


def test_bad_input_bugs_and_timeouts_are_not_transient():
    assert not is_transient(UnsupportedMedia(Reason.NOT_AUDIO, "not audio"))
    assert not is_transient(InvalidRequest("bad chapters"))
    assert not is_transient(KeyError("bug"))
    assert not is_transient(JobTimeoutException("Task exceeded maximum timeout value (60 seconds)"))


def test_the_cause_counts_but_not_the_exception_being_handled():
    def wrapped():
        try:
            raise ConnectionRefusedError
        except ConnectionRefusedError as exc:
            raise RuntimeError("storage failed") from exc

    def bug_in_handler():
        try:
            raise ConnectionRefusedError
        except ConnectionRefusedError:
            return {}["missing"]

    assert is_transient(_raised(wrapped))
    assert not is_transient(_raised(bug_in_handler))


def _s3(port):
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="eu-central-1",
        aws_access_key_id="x",
        aws_secret_access_key="y",
        config=Config(connect_timeout=1, retries={"max_attempts": 1}),
    )
