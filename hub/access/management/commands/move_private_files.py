"""Move files stored before the storage split into the private storage; give evidence random names.

    python manage.py move_private_files [--dry-run]

Audio sources, renditions and waveform peaks used to live in the public storage (``/media/`` or
the public bucket); they now belong to the ``private`` storage, where the hub's routes hand them
out after the access policy. For every such file still found in the public storage and not yet
in the private one, the command copies it over under the same name, checks the size, then deletes
the public copy. Consent evidence whose stored name is not a random one (it may name the person)
is copied to a random name and the record updated. Safe to run again: what is done is skipped.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from django.core.files.storage import storages
from django.core.management.base import BaseCommand
from django.db import transaction

from hub.consent.models import evidence_upload_to

RANDOM_EVIDENCE = re.compile(r"^consent/evidence/[0-9a-f]{32}(\.[a-z0-9]{1,7})?$")


class Command(BaseCommand):
    help = "Move audio files from the public storage to the private one; give consent evidence random names."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only report what would be moved.")

    def handle(self, *args, dry_run: bool = False, **options):
        from hub.audio.models import AudioAsset, Rendition

        public, private = storages["default"], storages["private"]
        names = set()
        for source, peaks in AudioAsset.objects.values_list("source", "peaks"):
            names.update(name for name in (source, peaks) if name)
        names.update(name for name in Rendition.objects.values_list("file", flat=True) if name)
        moved = skipped = 0
        for name in sorted(names):
            if private.exists(name) or not public.exists(name):
                skipped += 1
                continue
            if dry_run:
                self.stdout.write(f"would move {name}")
                moved += 1
                continue
            with public.open(name, "rb") as handle:
                stored = private.save(name, handle)
            if stored != name or private.size(stored) != public.size(name):
                private.delete(stored)
                raise RuntimeError(f"{name} could not be copied to the private storage unchanged; nothing deleted.")
            public.delete(name)
            moved += 1
            self.stdout.write(f"moved {name}")
        renamed = self._rename_evidence(private, dry_run)
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{moved} audio files {verb} moved to the private storage ({skipped} already there or missing); "
                f"{renamed} evidence files {verb} given random names."
            )
        )

    def _rename_evidence(self, private, dry_run: bool) -> int:
        from hub.consent.models import ConsentRecord

        renamed = 0
        for record in ConsentRecord.objects.exclude(evidence="").only("pk", "evidence"):
            old = record.evidence.name
            if RANDOM_EVIDENCE.match(old) or not private.exists(old):
                continue
            renamed += 1
            if dry_run:
                self.stdout.write(f"would rename the evidence of consent record {record.pk}")
                continue
            new_name = evidence_upload_to(record, PurePosixPath(old).name)
            with private.open(old, "rb") as handle:
                stored = private.save(new_name, handle)
            with transaction.atomic():
                ConsentRecord.objects.filter(pk=record.pk).update(evidence=stored)
            private.delete(old)
            self.stdout.write(f"renamed the evidence of consent record {record.pk}")
        return renamed
