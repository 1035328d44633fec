from django.core.management.base import BaseCommand
from tqdm import tqdm

from hub.demo.loader import DEMO_PASSWORD, DEMO_USERNAME, load_demo_content

STEPS = 10


class Command(BaseCommand):
    help = "Load the demo partners, pages, stories, show and campaign. Safe to run again: it changes nothing then."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        with tqdm(total=STEPS, unit="step", disable=verbosity == 0, file=self.stderr._out) as bar:

            def progress(label):
                bar.set_description(label)
                bar.update(1)

            report = load_demo_content(progress=progress)
        if verbosity:
            if report.created:
                self.stdout.write(self.style.SUCCESS(f"Demo content: created {len(report.created)} objects."))
            else:
                self.stdout.write("Demo content already loaded: nothing changed.")
            self.stdout.write(f"Demo login: {DEMO_USERNAME} / {DEMO_PASSWORD}")
