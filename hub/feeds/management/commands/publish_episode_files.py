"""Write the chapters and transcripts of every live episode anyone may hear to the public storage.

Publishing an episode does this by itself; run this once after deploying the feature (episodes
published before it link the hub's views) and after the cache lost its record (a Redis flush):
until then their feeds link the hub's views, which always work. Episodes the public may not have
yet (embargo, view restriction, consent) get none, and any files they had are deleted.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from hub.feeds import cache as feed_cache
from hub.feeds import files
from hub.radio.models import EpisodePage


class Command(BaseCommand):
    help = _("Write the chapters and transcripts of every live episode to the public storage.")

    def handle(self, *args, **options):
        episodes = EpisodePage.objects.live().order_by("pk")
        written = failed = 0
        quiet = options["verbosity"] == 0
        withheld = 0
        for episode in tqdm(episodes, total=episodes.count(), unit=_("episode"), disable=quiet, file=self.stderr._out):
            if not files.may_publish(episode):
                files.take_down(episode.pk)
                withheld += 1
            elif files.publish(episode):
                written += 1
            else:
                failed += 1
        feed_cache.invalidate()
        self.stdout.write(
            _("%(written)d episode(s) published, %(failed)d without files (see the log).")
            % {"written": written, "failed": failed}
        )
        if withheld:
            self.stdout.write(
                _("%(count)d episode(s) not public yet (embargo, privacy or consent): no files.") % {"count": withheld}
            )
