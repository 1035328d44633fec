import factory
from django.core.files.base import ContentFile

from hub.ops.storage import private_storage

from .models import AudioAsset, AudioStatus


def _stored_placeholder(n: int) -> str:
    """A stored file name, so saving the asset does not queue it for processing."""
    return private_storage().save(f"audio/sources/factory-{n}.mp3", ContentFile(b"placeholder"))


class AudioAssetFactory(factory.django.DjangoModelFactory):
    """A ready asset without renditions, for tests where the audio itself does not matter.

    Tests of the pipeline upload real generated audio instead.
    """

    title = factory.Sequence(lambda n: f"Recording {n}")
    source = factory.Sequence(_stored_placeholder)
    status = AudioStatus.READY
    duration_seconds = 61.4

    class Meta:
        model = AudioAsset
