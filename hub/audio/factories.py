import factory
from django.core.files.base import ContentFile

from .models import AudioAsset


class AudioAssetFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Recording {n}")
    source = factory.LazyFunction(lambda: ContentFile(b"ID3", name="recording.mp3"))

    class Meta:
        model = AudioAsset
