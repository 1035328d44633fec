"""Take an audio asset's files down when a consent ends and no live page uses it any more.

Renditions and peaks sit in the private storage and are handed out only after
:mod:`hub.access.policy` allows it, so unpublishing the page already stops them at once. The files
are deleted as well: a signed URL handed out just before stops working, and nothing is kept that
the person withdrew. The source stays, so the audio can be processed again if the page is ever
published again with a new consent.
"""

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from .models import AudioAsset, AudioStatus

logger = logging.getLogger(__name__)


def in_live_use(asset: AudioAsset) -> bool:
    """Does a live page still publish this audio?

    The pages asked are those that decide who may hear it (hub.access.policy.gating_pages): the
    episodes that carry it, else the campaigns that run it as a spot, else the pages that clip it.
    A story that clips a taken-down episode's audio does not keep its files: it shows no player.
    """
    from hub.access.policy import gating_pages

    return any(page.live for page in gating_pages(asset))


def withdraw_public_files(asset: AudioAsset) -> list[str]:
    """Delete the renditions and peaks of ``asset``; returns the storage names removed."""
    renditions = list(asset.renditions.all())
    files = [(rendition.file.storage, rendition.file.name) for rendition in renditions if rendition.file]
    if asset.peaks:
        files.append((asset.peaks.storage, asset.peaks.name))
    with transaction.atomic():
        asset.renditions.all().delete()
        AudioAsset.objects.filter(pk=asset.pk).update(
            status=AudioStatus.WITHDRAWN,
            peaks="",
            progress=0,
            stage="",
            error_message=_("The public files were deleted after a consent ended. Process again to publish."),
        )

    def delete_files():
        from hub.ops.deletions import delete_file

        for storage, name in files:
            # A failure is recorded and retried by the hourly sweep; the others go on.
            delete_file(storage, name)

    transaction.on_commit(delete_files)
    return [name for _storage, name in files]
