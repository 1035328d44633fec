"""What keeps feeds fresh: cache invalidation on every change feeds show, WebSub pings on publish,
chapters and transcripts written to storage on publish and removed on unpublish (:mod:`hub.feeds.files`)."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import cache as feed_cache
from .tasks import enqueue_ping

logger = logging.getLogger(__name__)

# Models whose rows end up in some feed (as "app_label.ModelName").
WATCHED = [
    "radio.ShowPage",
    "radio.EpisodePage",
    "radio.EpisodeContributor",
    "radio.EpisodeChapter",
    "radio.EpisodeTranscript",
    "radio.Contributor",
    "audio.AudioAsset",
    "audio.Rendition",
    "stories.StoryPage",
    "stories.Theme",
    "partners.PartnerOrganisation",
    "partners.PartnerShowSubscription",
    "wagtailimages.Image",
    "wagtailcore.Page",
    "wagtailcore.Locale",
    "wagtailcore.Site",
    "consent.ConsentRecord",  # consent decides which pages a channel may carry
]


def _invalidate_now() -> None:
    try:
        feed_cache.invalidate()
    except Exception:  # a cache outage must not break saving; feeds expire by themselves
        logger.exception("Could not invalidate the feed cache")


def invalidate(**kwargs):
    """Retire cached feeds now, and again once the change commits (a feed built by another
    process in between still saw the old rows)."""
    _invalidate_now()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_invalidate_now)


def _feed_urls_for(page) -> list[str]:
    from hub.radio.models import EpisodePage, ShowPage

    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page
    if isinstance(specific, ShowPage):
        return [specific.canonical_feed_url]
    if isinstance(specific, EpisodePage):
        parent = specific.get_parent()
        if parent is not None and isinstance(parent.specific, ShowPage):
            return [parent.specific.canonical_feed_url]
    return []


def ping_on_publish(sender, instance, **kwargs):
    """After the publishing transaction commits, queue a WebSub ping for the affected show feed."""
    invalidate()
    try:
        urls = _feed_urls_for(instance)
    except Exception:
        logger.exception("Could not work out which feed changed")
        return
    for url in urls:
        transaction.on_commit(lambda url=url: enqueue_ping(url))


def publish_episode_files(sender, instance, **kwargs):
    """Once the publication is committed, write the episode's chapters and transcripts to storage."""
    pk = instance.pk

    def write():
        from hub.radio.models import EpisodePage

        from . import files

        episode = EpisodePage.objects.filter(pk=pk, live=True).first()
        if episode is None:  # unpublished again in the meantime
            return
        if files.publish(episode):
            invalidate()  # feeds built meanwhile linked the hub's views

    transaction.on_commit(write)


def take_down_episode_files(sender, instance, **kwargs):
    """Unpublished (consent takedown included) or deleted: remove its files from storage, now."""
    from . import files

    if files.take_down(instance.pk):
        invalidate()


def _episodes_under(restriction):
    from hub.radio.models import EpisodePage

    page = restriction.page
    return EpisodePage.objects.filter(path__startswith=page.path)


def restriction_added(sender, instance, **kwargs):
    """A page was made private: the published files of the episodes under it go, now."""
    from . import files

    deleted = [name for episode in _episodes_under(instance) for name in files.take_down(episode.pk)]
    if deleted:
        invalidate()


def restriction_removed(sender, instance, **kwargs):
    """A page is public again: write the files of the episodes under it that anyone may now hear."""
    try:
        pks = list(_episodes_under(instance).values_list("pk", flat=True))
    except Exception:  # the page itself was deleted (cascade): its episodes' files went with it
        return

    def write():
        from hub.radio.models import EpisodePage

        from . import files

        written = [
            name for episode in EpisodePage.objects.filter(pk__in=pks, live=True) for name in files.sync(episode)
        ]
        if written:
            invalidate()

    transaction.on_commit(write)


def connect():
    from django.apps import apps

    from hub.ops.cache import on_recovery

    # Invalidations lost while the cache was down are made good once it answers again.
    on_recovery(feed_cache.invalidate)
    for label in WATCHED:
        try:
            model = apps.get_model(label)
        except LookupError:  # an optional app that is not installed
            continue
        post_save.connect(invalidate, sender=model, dispatch_uid=f"hub-feeds-save-{label}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"hub-feeds-delete-{label}")
    try:
        episode_model = apps.get_model("radio", "EpisodePage")
    except LookupError:
        episode_model = None
    if episode_model is not None:
        page_published.connect(publish_episode_files, sender=episode_model, dispatch_uid="hub-feeds-files-published")
        page_unpublished.connect(
            take_down_episode_files, sender=episode_model, dispatch_uid="hub-feeds-files-unpublished"
        )
        post_delete.connect(take_down_episode_files, sender=episode_model, dispatch_uid="hub-feeds-files-deleted")
    from wagtail.models import PageViewRestriction

    post_save.connect(restriction_added, sender=PageViewRestriction, dispatch_uid="hub-feeds-files-private")
    post_delete.connect(restriction_removed, sender=PageViewRestriction, dispatch_uid="hub-feeds-files-public")
    page_published.connect(ping_on_publish, dispatch_uid="hub-feeds-published")
    page_unpublished.connect(ping_on_publish, dispatch_uid="hub-feeds-unpublished")
    post_page_move.connect(invalidate, dispatch_uid="hub-feeds-moved")
    if apps.is_installed("hub.consent"):
        from hub.consent.takedown import consent_lapsed

        consent_lapsed.connect(invalidate, dispatch_uid="hub-feeds-consent-lapsed")
