"""Consent tasks: the takedown after a withdrawal, and the periodic work that keeps gates honest.

The periodic tasks queue their own next run (``run_after``), so one enqueue keeps them going on a
task backend that supports deferred tasks (the database backend of the embedded default);
``manage.py schedule_periodic_tasks`` makes that first enqueue, once. In production timers run
the management commands instead (deploy/systemd).
"""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_tasks import task

from .models import ConsentRecord
from .takedown import apply_lapse, sweep_expired

SWEEP_INTERVAL = timedelta(hours=1)
PUBLISH_INTERVAL = timedelta(minutes=1)


@task()
def apply_consent_lapse_task(record_id: int, reason: str, redact: bool = False) -> int:
    record = ConsentRecord.objects.get(pk=record_id)
    return len(apply_lapse(record, reason, redact).actions)


def queued_runs(task) -> int | None:
    """How many runs of ``task`` wait in the database task queue; None for other task backends.

    Only waiting runs count: a run left "running" by a killed worker must not stop the schedule.
    """
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(task.get_backend(), DatabaseBackend):
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY").count()


def requeue(task, interval: timedelta) -> None:
    """Queue the next run, unless one is already waiting (then two chains would run)."""
    if not queued_runs(task):
        task.using(run_after=timezone.now() + interval).enqueue(True)


@task()
def consent_expiry_sweep_task(reschedule: bool = True) -> int:
    """Take down what expired; with ``reschedule``, queue the next sweep an hour later."""
    try:
        return len(sweep_expired())
    finally:
        if reschedule:
            requeue(consent_expiry_sweep_task, SWEEP_INTERVAL)


@task()
def publish_scheduled_task(reschedule: bool = True) -> None:
    """Wagtail's scheduled publishing and expiry (with the hub's consent check), every minute."""
    try:
        call_command("publish_scheduled", verbosity=0)
    finally:
        if reschedule:
            requeue(publish_scheduled_task, PUBLISH_INTERVAL)


# What schedule_periodic_tasks keeps queued, with the interval shown to the operator.
PERIODIC = [(consent_expiry_sweep_task, SWEEP_INTERVAL), (publish_scheduled_task, PUBLISH_INTERVAL)]
