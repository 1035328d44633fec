from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from .models import ConsentRecord
from .takedown import apply_lapse, sweep_expired

SWEEP_INTERVAL = timedelta(hours=1)


@task()
def apply_consent_lapse_task(record_id: int, reason: str, redact: bool = False) -> int:
    record = ConsentRecord.objects.get(pk=record_id)
    return len(apply_lapse(record, reason, redact).actions)


@task()
def consent_expiry_sweep_task(reschedule: bool = True) -> int:
    """Take down what expired; with ``reschedule``, queue the next sweep an hour later."""
    reports = sweep_expired()
    if reschedule:
        consent_expiry_sweep_task.using(run_after=timezone.now() + SWEEP_INTERVAL).enqueue(True)
    return len(reports)
