import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from hub.demo.loader import (
    DEMO_PASSWORD,
    DEMO_TOKEN_LABEL,
    DEMO_USERNAME,
    DemoRefused,
    load_demo_content,
    refuse_in_production,
)
from hub.partners.models import PartnerFeedToken

STEPS = 11


@contextmanager
def quiet_page_log(verbosity: int):
    """Wagtail logs every page it creates and publishes (hundreds here); the progress bar says enough."""
    logger = logging.getLogger("wagtail")
    level = logger.level
    if verbosity < 2:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


class Command(BaseCommand):
    help = "Load the demo partners, pages, stories, show and campaign. Safe to run again: it changes nothing then."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base",
            default=settings.WAGTAILADMIN_BASE_URL,
            help="Scheme, host and port the hub answers on (for the demo partner feed's address)",
        )

    def handle(self, *args, **options):
        try:
            refuse_in_production()
        except DemoRefused as refused:
            raise CommandError(str(refused)) from refused
        verbosity = options["verbosity"]
        base = options["base"].rstrip("/")
        with (
            quiet_page_log(verbosity),
            tqdm(total=STEPS, unit="step", disable=verbosity == 0, file=self.stderr._out) as bar,
        ):

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
            self.report_partner_feeds(report, base)

    def report_partner_feeds(self, report, base: str) -> None:
        """The demo partner feed's address is shown once, by the run that made its token."""
        for partner, path in report.partner_feeds:
            self.stdout.write(
                f"Private partner feed of {partner} (shown only now; the hub keeps just a hash of its token):\n"
                f"  {base}{path}"
            )
        if report.partner_feeds:
            return
        token = PartnerFeedToken.objects.filter(label=DEMO_TOKEN_LABEL).select_related("partner").first()
        if token is not None:
            self.stdout.write(
                f"Demo partner feed: {token.partner} has the token “{token.label}” (starts with {token.hint}); "
                "its address was shown when it was made. For a new one: Admin → Partner feeds → Feed tokens → Add."
            )
