"""An audio upload through the admin belongs to its uploader's organisation: the editor finds it
in the audio chooser, another organisation's editor does not."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hub.audio.models import AudioAsset
from tests.audio_fixtures import make_tone

pytestmark = pytest.mark.django_db


def test_the_uploader_is_recorded_and_finds_the_upload_in_the_chooser(world, as_role, tmp_path):
    recording = make_tone(tmp_path / "talk.mp3", seconds=1.0)
    client = as_role("editor")
    response = client.post(
        "/admin/snippets/audio/audioasset/add/",
        {"title": "Kitchen talk", "source": SimpleUploadedFile("talk.mp3", recording.read_bytes())},
    )
    assert response.status_code == 302, response.content[:500]
    asset = AudioAsset.objects.get(title="Kitchen talk")
    assert asset.uploaded_by == world.users["editor"]
    assert "Kitchen talk" in json.loads(client.get("/admin/snippets/choose/audio/audioasset/").content)["html"]
    other = as_role("other_editor")
    assert "Kitchen talk" not in json.loads(other.get("/admin/snippets/choose/audio/audioasset/").content)["html"]
