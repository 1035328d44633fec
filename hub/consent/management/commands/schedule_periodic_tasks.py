"""Queue the hub's periodic tasks once in the database task queue; they then re-queue themselves."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hub.consent.tasks import PERIODIC, queued_runs


class Command(BaseCommand):
    help = _(
        "Keep the periodic tasks (consent expiry sweep, scheduled publishing) queued in the database task "
        "queue of the embedded default. With other task backends, run their commands from timers."
    )

    def handle(self, *args, **options):
        for task, interval in PERIODIC:
            waiting = queued_runs(task)
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
