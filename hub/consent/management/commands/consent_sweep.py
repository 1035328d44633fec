from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from hub.consent.takedown import sweep_expired


def _pending_sweeps() -> int | None:
    """How many sweeps wait in the database task queue; None for other task backends."""
    from django_tasks_db.backend import DatabaseBackend

    from hub.consent.tasks import consent_expiry_sweep_task

    if not isinstance(consent_expiry_sweep_task.get_backend(), DatabaseBackend):
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=consent_expiry_sweep_task.module_path, status__in=["READY", "RUNNING"]
    ).count()


class Command(BaseCommand):
    help = _(
        "Take down every page whose linked consent has expired. With --schedule, keep an hourly sweep "
        "queued in the database task queue (the embedded default); elsewhere run this from a timer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help=_("Queue the hourly self-rescheduling sweep unless one is already queued."),
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            pending = _pending_sweeps()
            if pending is None:
                self.stderr.write(
                    _("--schedule needs the database task backend; run consent_sweep from a timer instead.")
                )
            elif pending:
                self.stdout.write(_("An hourly consent sweep is already queued."))
                return
            else:
                from hub.consent.tasks import consent_expiry_sweep_task

                consent_expiry_sweep_task.enqueue(True)
                self.stdout.write(_("Queued the hourly consent sweep; it runs now and then every hour."))
                return
        reports = sweep_expired()
        for report in reports:
            self.stdout.write(
                _("%(record)s: %(count)d page(s) taken down") % {"record": report.consent, "count": len(report.actions)}
            )
        if not reports:
            self.stdout.write(_("No expired consent to act on."))
