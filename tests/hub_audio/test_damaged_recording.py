"""A recording with damaged frames is published with the damage named in the admin; a mostly
damaged one is refused with the places named. Real ffmpeg, a generated tone, real bytes overwritten."""

import random

import pytest
from django.utils import translation

from hub.audio.damage import describe, status_warning, stretches
from hub.audio.models import AudioAsset, AudioStatus
from tests.audio_fixtures import make_tone
from tests.hub_audio.test_processing import own_temp_dir, upload  # noqa: F401 - the fixture is used by name

pytestmark = pytest.mark.django_db


def damaged_copy(tmp_path, start: float, end: float):
    """A 12 s MP3 with the bytes between the fractions ``start`` and ``end`` replaced by garbage."""
    clean = make_tone(tmp_path / "clean.mp3", seconds=12.0)
    data = bytearray(clean.read_bytes())
    first, last = int(len(data) * start), int(len(data) * end)
    rng = random.Random(5)  # noqa: S311 - reproducible test material
    data[first:last] = bytes(rng.randrange(256) for _ in range(last - first))
    damaged = tmp_path / "interview.mp3"
    damaged.write_bytes(bytes(data))
    return damaged


def test_damaged_recording_is_published_and_the_admin_names_the_places(
    admin_client, tmp_path, django_capture_on_commit_callbacks
):
    asset = upload(admin_client, damaged_copy(tmp_path, 0.40, 0.47), "Damaged", django_capture_on_commit_callbacks)
    asset.refresh_from_db()
    assert asset.status == AudioStatus.READY, asset.error_message
    (stretch,) = asset.report["damage"]["stretches"]
    assert stretch["kind"] == "undecodable"
    assert stretch["start"] == pytest.approx(4.8, abs=1.0) and stretch["end"] == pytest.approx(5.6, abs=1.0)
    for rendition in asset.renditions.all():  # the recording's timeline is kept
        assert rendition.duration_seconds == pytest.approx(12.0, abs=0.1)

    detail = admin_client.get(f"/admin/snippets/audio/audioasset/inspect/{asset.pk}/").content.decode()
    assert "hub-audio-damage" in detail
    assert "This recording is damaged in the places listed below." in detail
    assert "0:04" in detail or "0:05" in detail
    assert "could not be decoded, silent in the published files" in detail

    listing = admin_client.get("/admin/snippets/audio/audioasset/").content.decode()
    assert '<span class="hub-audio-warning">Damaged recording: check 0:0' in listing

    status = admin_client.get(f"/admin/audio/status/?id={asset.pk}").json()[str(asset.pk)]
    assert status["status"] == "ready"
    assert status["warning"].startswith("Damaged recording: check 0:0")
    with translation.override("de"):
        assert status_warning(asset.report).startswith("Beschädigte Aufnahme: bitte 0:0")


def test_intact_recording_shows_no_damage_warning(admin_client, tmp_path, django_capture_on_commit_callbacks):
    tone = make_tone(tmp_path / "tone.mp3", seconds=4.0)
    asset = upload(admin_client, tone, "Intact", django_capture_on_commit_callbacks)
    asset.refresh_from_db()
    assert asset.status == AudioStatus.READY, asset.error_message
    assert asset.report["damage"]["stretches"] == []
    detail = admin_client.get(f"/admin/snippets/audio/audioasset/inspect/{asset.pk}/").content.decode()
    assert "hub-audio-damage" not in detail
    listing = admin_client.get("/admin/snippets/audio/audioasset/").content.decode()
    assert '<span class="hub-audio-warning"></span>' in listing
    assert admin_client.get(f"/admin/audio/status/?id={asset.pk}").json()[str(asset.pk)]["warning"] == ""


def test_mostly_damaged_recording_is_refused_naming_the_places(
    admin_client, tmp_path, django_capture_on_commit_callbacks
):
    asset = upload(admin_client, damaged_copy(tmp_path, 0.30, 0.60), "Ruined", django_capture_on_commit_callbacks)
    asset.refresh_from_db()
    assert asset.status == AudioStatus.FAILED
    message = asset.error_message
    assert message.startswith("Unusable recording:")
    assert "could not be decoded" in message and "0:03" in message  # where the damage is
    assert "upload that file" in message  # what to do
    assert "decodes to" not in message and "ffmpeg" not in message and "tool output" not in message
    assert asset.renditions.count() == 0
    detail = admin_client.get(f"/admin/snippets/audio/audioasset/inspect/{asset.pk}/").content.decode()
    assert "Unusable recording:" in detail


def test_refusal_is_written_in_the_uploaders_language(
    admin_client, admin_user, tmp_path, django_capture_on_commit_callbacks
):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "de"
    profile.save()
    asset = upload(admin_client, damaged_copy(tmp_path, 0.30, 0.60), "Kaputt", django_capture_on_commit_callbacks)
    # The admin's upload form does not record the uploader (yet); an asset that names one:
    AudioAsset.objects.filter(pk=asset.pk).update(uploaded_by=admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(f"/admin/audio/{asset.pk}/reprocess/").status_code == 302
    asset.refresh_from_db()
    assert asset.status == AudioStatus.FAILED
    assert asset.error_message.startswith("Unbrauchbare Aufnahme:"), asset.error_message
    assert "nicht lesbar" in asset.error_message and "0:03" in asset.error_message


@pytest.mark.parametrize("code", ["en", "de", "el", "it", "ar"])
def test_damage_lines_in_every_admin_language(code):
    report = {
        "damage": {
            "stretches": [
                {"start": 65.44, "end": 67.0, "kind": "undecodable"},
                {"start": 3590.0, "end": 3600.0, "kind": "missing_end"},
            ]
        }
    }
    with translation.override(code):
        lines = [describe(stretch) for stretch in stretches(report)]
        warning = status_warning(report)
    assert "1:05.4" in lines[0] and "1:07.0" in lines[0]
    assert "59:50.0" in lines[1] and "1:00:00.0" in lines[1]
    assert "1:05.4" in warning and "59:50.0" in warning
    if code == "en":
        assert lines[0].endswith("could not be decoded, silent in the published files")
        assert lines[1].endswith("the end of the recording is missing or unreadable")
    else:  # translated, not the English text
        assert "could not be decoded" not in lines[0] and "missing or unreadable" not in lines[1]
        assert not warning.startswith("Damaged recording")


def test_old_reports_without_damage_show_nothing():
    assert stretches(None) == [] and stretches({"short_term": {}}) == []
    assert status_warning({"damage": None}) == ""
