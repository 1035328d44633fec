"""Background jobs on RQ: the django-tasks RQ backend, plus timeouts, retries and failure bookkeeping.

``django_tasks_rq.RQBackend`` enqueues every job with the queue's default timeout and no retry.
``HubRQBackend`` asks a per-task *policy* instead:

- the job timeout (for ``process_audio_task``: sized to the length of the recording),
- how often, and after how long, a job that failed for a *transient* reason is tried again
  (a database, Redis or storage connection that dropped; S3 throttling or a 5xx),
- what to do before such a retry (put the audio asset back in the queue).

Bad input never reaches the retry logic: ``run_processing`` catches ``PipelineError`` (including
``UnsupportedMedia`` and ``InvalidRequest``), marks the asset failed with a readable reason and
returns normally. Anything else that a job raises (a bug, a job timeout) is not retried and
stays in RQ's failed-job registry, which the Wagtail admin shows (Settings > Background jobs).

Retries with a delay are scheduled jobs: at least one worker must run with ``--with-scheduler``.

``HubWorker`` (the production profile's ``RQ["WORKER_CLASS"]``) is RQ's worker plus what keeps
a fleet healthy without anyone watching: every ``SWEEP_SECONDS`` it registers itself again (a
restarted Redis forgets its workers, and the admin's jobs page counted none), restarts its
scheduler process if that died (a Redis restart kills it), runs RQ's registry maintenance (which
moves the jobs of a killed worker to the failed registry) and, on one worker at a time, the hub's
own sweep: audio whose run stopped giving signs of life is queued again
(:func:`hub.audio.tasks.requeue_stale`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

import django_rq
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task_backends
from django_tasks.base import TASK_MAX_PRIORITY, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_module_path, get_random_id
from django_tasks_rq.backend import Job, RQBackend, failed_callback, success_callback
from rq import Retry, Worker
from rq.job import Callback, JobStatus

logger = logging.getLogger(__name__)

RETRY, SETTLED, BUSY = "retry", "settled", "busy"
DEFAULT_TIMEOUT = 600
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = (30, 120, 600)

# S3 error codes that mean "try again later", whatever the HTTP status.
TRANSIENT_S3_CODES = frozenset(
    {"SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "InternalError", "ServiceUnavailable"}
)


def _transient_types() -> tuple[type[BaseException], ...]:
    from botocore import exceptions as boto
    from django.db import InterfaceError, OperationalError
    from redis import exceptions as redis

    return (
        ConnectionError,  # builtins: refused, reset, aborted
        TimeoutError,
        OperationalError,  # the database went away, a deadlock, a serialization failure
        InterfaceError,
        redis.ConnectionError,
        redis.TimeoutError,
        redis.BusyLoadingError,
        boto.ConnectionError,  # endpoint unreachable, connect timeout
        boto.HTTPClientError,  # connection closed, read timeout
    )


def is_transient(exc: BaseException) -> bool:
    """True for failures of the machinery around a job that a later attempt may not meet.

    The exception itself and what it was raised ``from`` are looked at, not the exceptions it
    happened to be raised while handling: a bug in an error handler is still a bug.
    """
    from botocore.exceptions import ClientError

    transient = _transient_types()
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, transient):
            return True
        if isinstance(exc, ClientError):
            error = exc.response.get("Error", {})
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if error.get("Code") in TRANSIENT_S3_CODES or status >= 500:
                return True
        exc = exc.__cause__
        seen += 1
    return False


# --- Policies -----------------------------------------------------------------------------


class TaskPolicy:
    """Timeout and retries of one task; the backend's OPTIONS give the defaults."""

    def __init__(self, options: dict[str, Any]):
        self.options = options
        self.timeout = int(options.get("TIMEOUT", DEFAULT_TIMEOUT))
        self.retries = int(options.get("RETRIES", DEFAULT_RETRIES))
        self.backoff = [int(seconds) for seconds in options.get("BACKOFF", DEFAULT_BACKOFF)]

    def job_timeout(self, args: Sequence[Any], kwargs: dict[str, Any]) -> int:
        return self.timeout

    def retry(self) -> Retry | None:
        if self.retries <= 0:
            return None
        return Retry(max=self.retries, interval=self.backoff or 0)

    def before_retry(self, args: Sequence[Any], kwargs: dict[str, Any]) -> str:
        """Called when a failed job is about to be tried again (automatically or from the admin).

        Returns ``RETRY`` when the job should run again, or ``SETTLED`` / ``BUSY`` when running
        it would do nothing (its work is done, or another run is doing it right now).
        """
        return RETRY


# The least bytes per second a usable recording of each kind has: an upper bound of its
# duration before ffprobe has seen it. Compressed formats: 32 kbit/s.
MIN_BYTES_PER_SECOND = {".wav": 16_000, ".wave": 16_000, ".aif": 16_000, ".aiff": 16_000, ".flac": 8_000}
COMPRESSED_MIN_BYTES_PER_SECOND = 4_000
# Copying the source out of storage: assume at least 1 MB/s between worker and storage.
TRANSFER_BYTES_PER_SECOND = 1_000_000


def estimated_duration(duration: float | None, size_bytes: int | None, name: str, max_duration: float) -> float:
    """The probed duration when there is one, else an upper bound from the byte size."""
    if duration:
        return float(duration)
    if not size_bytes:
        return float(max_duration)
    rate = MIN_BYTES_PER_SECOND.get(PurePosixPath(name).suffix.lower(), COMPRESSED_MIN_BYTES_PER_SECOND)
    return min(size_bytes / rate, float(max_duration))


def audio_job_timeout(
    duration: float | None, size_bytes: int | None, name: str, *, base: float, per_second: float, max_duration: float
) -> int:
    """Seconds a processing job may run: ``base + per_second * duration + transfer of the source``.

    media_pipeline gives each pass its own budget (120 s + the duration for the measurement,
    for each of up to two render attempts and for the peaks), so with ``per_second`` = 4 its
    own, more readable timeouts fire first; this one is the outer safety net for the whole job,
    uploads included.
    """
    seconds = estimated_duration(duration, size_bytes, name, max_duration)
    transfer = (size_bytes or 0) / TRANSFER_BYTES_PER_SECOND
    return int(base + per_second * seconds + transfer)


class AudioProcessingPolicy(TaskPolicy):
    """``process_audio_task(asset_id)``: a timeout from the recording's length; requeue before a retry."""

    def __init__(self, options: dict[str, Any]):
        super().__init__(options)
        self.base = float(options.get("AUDIO_TIMEOUT_BASE", 600))
        self.per_second = float(options.get("AUDIO_TIMEOUT_PER_SECOND", 4.0))

    @staticmethod
    def _asset_id(args, kwargs) -> int:
        return int(args[0] if args else kwargs["asset_id"])

    def job_timeout(self, args, kwargs) -> int:
        from hub.audio.models import AudioAsset

        row = (
            AudioAsset.objects.filter(pk=self._asset_id(args, kwargs))
            .values("duration_seconds", "size_bytes", "source")
            .first()
        ) or {"duration_seconds": None, "size_bytes": None, "source": ""}
        return audio_job_timeout(
            row["duration_seconds"],
            row["size_bytes"],
            row["source"] or "",
            base=self.base,
            per_second=self.per_second,
            max_duration=getattr(settings, "HUB_AUDIO_MAX_DURATION_SECONDS", 6 * 3600),
        )

    def before_retry(self, args, kwargs) -> str:
        """Queue the asset again if its run failed or died (stale heartbeat) so the retry can claim it.

        An asset that is ready, queued or withdrawn, or that a live run is processing, needs no
        retry of this job: the answer says so, and the admin says so to the operator.
        """
        from hub.audio.models import AudioAsset, AudioStatus

        asset_id = self._asset_id(args, kwargs)
        fields = {"status": AudioStatus.QUEUED, "progress": 0, "stage": "retry", "error_message": ""}
        failed = AudioAsset.objects.filter(pk=asset_id, status=AudioStatus.FAILED)
        if failed.update(**fields, updated_at=timezone.now()):
            return RETRY
        if AudioAsset.objects.stale().filter(pk=asset_id).update(**fields, updated_at=timezone.now()):
            return RETRY
        status = AudioAsset.objects.filter(pk=asset_id).values_list("status", flat=True).first()
        if status == AudioStatus.PROCESSING:
            return BUSY
        if status == AudioStatus.QUEUED:
            return RETRY  # queued but no job may be waiting for it: running this one claims it
        return SETTLED


# --- The backend --------------------------------------------------------------------------


class HubRQBackend(RQBackend):
    """``django_tasks_rq.RQBackend`` with per-task timeouts and retries (see the module docstring).

    OPTIONS: ``TIMEOUT`` (seconds), ``RETRIES``, ``BACKOFF`` (seconds before each retry), and
    ``POLICIES``: a mapping of task path to policy class path, e.g.
    ``{"hub.audio.tasks.process_audio_task": "hub.ops.jobs.AudioProcessingPolicy"}``.
    """

    def policy_for(self, task_path: str) -> TaskPolicy:
        class_path = self.options.get("POLICIES", {}).get(task_path)
        policy_class = import_string(class_path) if class_path else TaskPolicy
        return policy_class(self.options)

    def enqueue(self, task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        policy = self.policy_for(task.module_path)
        task_result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        queue = django_rq.get_queue(task.queue_name, job_class=Job)
        job = queue.create_job(
            task.module_path,
            args=args,
            kwargs=kwargs,
            job_id=task_result.id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            timeout=policy.job_timeout(args, kwargs),
            retry=policy.retry(),
            on_failure=Callback(on_job_failure),
            on_success=Callback(success_callback),
            meta={"backend_name": self.alias},
        )
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(task_result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=task_result)
        return task_result

    def get_queues(self) -> list:
        return [django_rq.get_queue(name, job_class=Job) for name in sorted(self.queues)]


def on_job_failure(job, connection, exc_type, exc_value, traceback) -> None:
    """RQ failure callback (runs in the worker before RQ decides whether to retry).

    Records why the job failed in its meta, cancels the remaining retries unless the failure
    was transient, and lets the task's policy prepare a retry.
    """
    transient = is_transient(exc_value)
    job.meta["hub_failure"] = {
        "exception": get_module_path(exc_type),
        "message": str(exc_value)[:1000],
        "transient": transient,
        "at": datetime.now(UTC).isoformat(),
    }
    if not transient:
        job.retries_left = 0
    elif job.retries_left:
        try:
            backend = task_backends[job.meta.get("backend_name", "default")]
            backend.policy_for(job.func_name).before_retry(job.args, job.kwargs)
        except Exception:
            logger.exception("Could not prepare job %s for its retry", job.id)
        logger.warning(
            "Job %s (%s) failed for a transient reason (%s); %s retries left",
            job.id,
            job.func_name,
            get_module_path(exc_type),
            job.retries_left,
        )
    failed_callback(job, connection, exc_type, exc_value, traceback)  # django-tasks bookkeeping; saves meta


def rq_backend() -> HubRQBackend | None:
    """The RQ task backend, if the hub runs on RQ."""
    backend = task_backends["default"]
    return backend if isinstance(backend, RQBackend) else None


def failed_jobs(backend: RQBackend) -> Iterable[tuple[str, Any]]:
    """(queue name, job) for every job in the failed-job registries, newest first."""
    for name in sorted(backend.queues):
        queue = django_rq.get_queue(name, job_class=Job)
        registry = queue.failed_job_registry
        ids = registry.get_job_ids(desc=True)
        for job in Job.fetch_many(ids, connection=queue.connection):
            if job is not None:
                yield name, job


# --- The worker ---------------------------------------------------------------------------

SWEEP_SECONDS = 15
SWEEP_LOCK = "hub:rq:sweep"


class HubWorker(Worker):
    """RQ's worker, with a short maintenance interval and the hub's sweep (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("maintenance_interval", SWEEP_SECONDS)
        super().__init__(*args, **kwargs)

    @property
    def dequeue_timeout(self) -> int:
        # Wake up from the blocking pop this often, so that maintenance runs while idle.
        return SWEEP_SECONDS

    def run_maintenance_tasks(self):
        self._register_again()
        super().run_maintenance_tasks()  # also starts the scheduler again if its process died
        self._sweep()

    def _register_again(self) -> None:
        """After a Redis restart the worker's record and its place in the worker sets are gone."""
        from rq import worker_registration

        try:
            if not self.connection.hexists(self.key, "birth"):
                self.connection.delete(self.key)  # only what heartbeats wrote since the restart
                self.register_birth()
                logger.warning("Worker %s registered itself again (Redis had forgotten it).", self.name)
            worker_registration.register(self)
        except Exception:
            logger.warning("Worker %s could not register itself again", self.name, exc_info=True)

    def _sweep(self) -> None:
        from django.db import connections

        try:
            if not self.connection.set(SWEEP_LOCK, self.name, nx=True, ex=max(1, SWEEP_SECONDS - 1)):
                return  # another worker swept moments ago
            from hub.audio.tasks import requeue_stale

            requeue_stale()
        except Exception:
            logger.exception("The sweep of stale audio runs failed; the next one tries again")
        finally:
            connections.close_all()  # the work horse is forked from here: it must not share a connection
