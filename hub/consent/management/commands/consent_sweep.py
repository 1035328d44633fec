from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from hub.consent.takedown import sweep_expired


class Command(BaseCommand):
    help = _(
        "Take down every page whose linked consent has expired. The embedded default runs this hourly "
        "in its task worker (schedule_periodic_tasks); elsewhere run it from a timer."
    )

    def handle(self, *args, **options):
        reports = sweep_expired()
        for report in reports:
            self.stdout.write(
                _("%(record)s: %(count)d page(s) taken down") % {"record": report.consent, "count": len(report.actions)}
            )
        if not reports:
            self.stdout.write(_("No expired consent to act on."))
