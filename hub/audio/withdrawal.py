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
    """Does a live page still play this audio: an episode, a campaign spot, or a clip in a page's body?

    Audio that any page links to a withdrawn or expired consent is in use nowhere: the access
    policy refuses it on every page (a story that clips it shows no player), so its files go.
    """
    from hub.access.policy import carrying_episodes, clipping_pages, lapsed_consent, spot_campaigns

    clips = [page.specific for page in clipping_pages(asset)]
    episodes, campaigns = list(carrying_episodes(asset)), list(spot_campaigns(asset))
    if not any(page.live for page in (*episodes, *campaigns, *clips)):
        return False
    return not lapsed_consent([*episodes, *campaigns, *clips])


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
        for storage, name in files:
            try:
                storage.delete(name)
            except Exception:  # report it, and go on with the others
                logger.exception("Could not delete %s of withdrawn audio %s", name, asset.pk)

    transaction.on_commit(delete_files)
    return [name for _storage, name in files]
