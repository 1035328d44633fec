from django.core.management.base import BaseCommand

from hub.consent.roles import setup_roles


class Command(BaseCommand):
    help = "Create or update the editorial groups, their permissions and the review workflow (safe to re-run)."

    def handle(self, *args, **options):
        groups = setup_roles()
        self.stdout.write(self.style.SUCCESS(f"{len(groups)} groups and the review workflow are set up."))
