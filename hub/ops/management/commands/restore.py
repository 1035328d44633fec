from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hub.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database and storage, "
        "then check rows and files against its manifest. Both must be empty unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup folder (hub-backup-...).")
        parser.add_argument("--force", action="store_true", help="Overwrite a database and files that exist.")
        parser.add_argument("--no-media", action="store_true", help="Only the database.")
        parser.add_argument("--no-database", action="store_true", help="Only the files.")

    def handle(self, *args, **options):
        try:
            problems = restore_backup(
                Path(options["backup"]),
                force=options["force"],
                database=not options["no_database"],
                media=not options["no_media"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if problems:
            raise CommandError("Restored, but it does not match the backup:\n  " + "\n  ".join(problems))
        self.stdout.write(self.style.SUCCESS(f"Restored {options['backup']}; rows and files match its manifest."))
