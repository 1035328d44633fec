from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hub.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and every stored file into a new folder (see hub/ops/backup.py)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="Folder that receives the backup folder.")
        parser.add_argument("--no-media", action="store_true", help="Only the database.")

    def handle(self, *args, **options):
        try:
            path = create_backup(Path(options["output"]), include_media=not options["no_media"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(path))
