"""Queue the hub's periodic tasks once in the database task queue; they then re-queue themselves."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hub.consent.tasks import PERIODIC


def pending(task) -> int | None:
    """How many runs of ``task`` wait in the database task queue; None for other task backends."""
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(task.get_backend(), DatabaseBackend):
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task.module_path, status__in=["READY", "RUNNING"]).count()


class Command(BaseCommand):
    help = _(
        "Keep the periodic tasks (consent expiry sweep, scheduled publishing) queued in the database task "
        "queue of the embedded default. With other task backends, run their commands from timers."
    )

    def handle(self, *args, **options):
        for task, interval in PERIODIC:
            waiting = pending(task)
            if waiting is None:
                raise CommandError(
                    _(
                        "Periodic tasks need the database task backend; "
                        "run consent_sweep and publish_scheduled from timers."
                    )
                )
            name = task.name
            if waiting:
                self.stdout.write(_("%(task)s: already queued.") % {"task": name})
                continue
            task.enqueue(True)
            self.stdout.write(
                _("%(task)s: queued; it runs now and then every %(minutes)d minute(s).")
                % {"task": name, "minutes": int(interval.total_seconds() // 60)}
            )
