"""Wagtail's scheduled publishing, with the consent gate checked first for every due revision.

The model layer refuses to publish a page whose consent does not cover the website, whichever
way it is published; under Wagtail's own command that refusal would be an exception that stops
every other page due in the same run. Here a refused revision is taken off the schedule, the
reason is written to the page's history, and the others are published as usual. Then the
chapters and transcripts of episodes whose public release has just come are written to the public
storage (hub.feeds.files): until their release they have none.
"""

import logging

from django.utils import timezone
from wagtail.log_actions import log
from wagtail.management.commands.publish_scheduled import Command as WagtailCommand
from wagtail.models import Revision

from hub.consent.gates import page_consent_problems
from hub.consent.models import ConsentLinkedPage

logger = logging.getLogger(__name__)


class Command(WagtailCommand):
    def handle(self, *args, **options):
        if not options.get("dryrun"):
            self.refuse_without_consent()
        result = super().handle(*args, **options)
        if not options.get("dryrun"):
            self.publish_released_files()
        return result

    def publish_released_files(self) -> None:
        from hub.feeds import cache as feed_cache
        from hub.feeds import files

        try:
            if files.publish_released():
                feed_cache.invalidate()  # feeds now link the files
        except Exception:  # the feeds link the hub's views meanwhile; the next run tries again
            logger.exception("Could not write the files of released episodes")

    def refuse_without_consent(self) -> None:
        due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).select_related("content_type")
        for revision in due:
            model = revision.content_type.model_class()
            if model is None or not issubclass(model, ConsentLinkedPage):
                continue
            page = revision.as_object()
            problems = page_consent_problems(page)
            if not problems:
                continue
            Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
            log(page, "hub.consent.publish_refused", revision=revision, data={"reasons": problems})
            logger.warning("Scheduled publishing of page %s refused: %s", page.pk, " ".join(problems))
            self.stderr.write(f"{page.title}: " + " ".join(problems))
