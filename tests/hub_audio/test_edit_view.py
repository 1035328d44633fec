"""The audio edit form shows a source kept in the private storage without asking it for a URL."""

import pytest
from django.urls import reverse

from hub.audio.factories import AudioAssetFactory

pytestmark = pytest.mark.django_db


def test_edit_view_of_a_private_source_renders(admin_client):
    asset = AudioAssetFactory(title="Kitchen interview")
    response = admin_client.get(reverse("wagtailsnippets_audio_audioasset:edit", args=[asset.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kitchen interview" in page
    assert (asset.original_filename or asset.source.name.rsplit("/", 1)[-1]) in page  # the current file is named
