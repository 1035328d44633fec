from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from hub.audio.models import AudioAsset, AudioStatus
from hub.audio.tasks import run_processing


class Command(BaseCommand):
    help = (
        "Process audio assets through the pipeline, here and now with a progress bar, or hand them to "
        "the task workers with --enqueue. --stale finds runs whose worker died and starts them again."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--asset", type=int, action="append", help="ID of an asset (repeatable)")
        which.add_argument("--failed", action="store_true", help="every asset whose processing failed")
        which.add_argument("--all", action="store_true", help="every asset")
        which.add_argument("--stale", action="store_true", help="assets left 'processing' by a killed worker")
        parser.add_argument("--stale-after", type=int, default=None, help="seconds without a sign of life")
        parser.add_argument("--enqueue", action="store_true", help="queue for the workers instead of running here")

    def handle(self, *args, **options):
        if options["asset"]:
            assets = AudioAsset.objects.filter(pk__in=options["asset"])
            missing = set(options["asset"]) - set(assets.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No audio asset with ID {', '.join(map(str, sorted(missing)))}.")
        elif options["failed"]:
            assets = AudioAsset.objects.filter(status=AudioStatus.FAILED)
        elif options["stale"] and options["enqueue"] and options["stale_after"] is None:
            from hub.audio.tasks import requeue_stale

            requeued = requeue_stale()
            self.stdout.write(self.style.SUCCESS(f"Queued {len(requeued)} asset(s) for the workers."))
            return
        elif options["stale"]:
            after = options["stale_after"]
            assets = AudioAsset.objects.stale(timedelta(seconds=after) if after is not None else None)
        else:
            assets = AudioAsset.objects.all()
        assets = list(assets.order_by("pk"))
        if not assets:
            self.stdout.write("Nothing to process.")
            return
        if options["enqueue"]:
            for asset in assets:
                asset.enqueue_processing()
            self.stdout.write(self.style.SUCCESS(f"Queued {len(assets)} asset(s) for the workers."))
            return
        outcomes = {}
        quiet = options["verbosity"] == 0
        with tqdm(total=len(assets) * 100, unit="%", disable=quiet, file=self.stderr._out) as bar:
            for asset in assets:
                asset.mark_queued()
                done = {"value": 0}

                def advance(percent, stage, asset=asset, done=done):
                    step = int(percent) - done["value"]
                    if step > 0:
                        bar.update(step)
                        done["value"] += step
                    bar.set_description(f"{asset.pk} {stage}")

                outcome = run_processing(asset.pk, on_progress=advance)
                bar.update(100 - done["value"])
                outcomes[asset.pk] = outcome
        for asset in AudioAsset.objects.filter(pk__in=outcomes).order_by("pk"):
            line = f"{asset.pk} {asset.title}: {outcomes[asset.pk]}"
            if asset.error_message:
                line += f" ({asset.error_message})"
            self.stdout.write(self.style.SUCCESS(line) if asset.status == AudioStatus.READY else self.style.ERROR(line))
        if any(outcome == "failed" for outcome in outcomes.values()):
            raise CommandError("Some assets failed; see above.")
