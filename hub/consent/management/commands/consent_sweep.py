from django.core.management.base import BaseCommand

from hub.consent.takedown import sweep_expired


class Command(BaseCommand):
    help = "Take down every page whose linked consent has expired (run daily, e.g. from cron or a systemd timer)."

    def handle(self, *args, **options):
        reports = sweep_expired()
        for report in reports:
            self.stdout.write(f"{report.consent}: {len(report.actions)} page(s) taken down")
        if not reports:
            self.stdout.write("No expired consent to act on.")
