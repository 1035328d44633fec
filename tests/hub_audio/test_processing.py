"""Uploads become renditions through the task queue; failures are reported and leave nothing behind."""

import hashlib
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from hub.audio.models import AudioAsset, AudioStatus
from hub.audio.tasks import TEMP_PREFIX
from hub.ops.storage import private_storage
from tests.audio_fixtures import make_tone

pytestmark = pytest.mark.django_db

TOLERANCE = {"podcast-mp3": 1.0, "lowband-opus": 1.0, "broadcast-wav": 0.5}


def measure(path: str) -> tuple[float, float]:
    """Integrated loudness and true peak, measured independently with ffmpeg's ebur128."""
    result = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-i", path, "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = result.stderr[result.stderr.rindex("Summary:") :]
    integrated = float(summary.split("I:")[1].split("LUFS")[0])
    peak = float(summary.split("Peak:")[1].split("dBFS")[0])
    return integrated, peak


@pytest.fixture(autouse=True)
def own_temp_dir(settings, tmp_path):
    """Each test's processing runs in a folder of its own, so that folders other runs on this
    machine left in the system's temporary folder neither count as leftovers nor get touched."""
    settings.HUB_AUDIO_TEMP_DIR = str(tmp_path / "audio-work")
    Path(settings.HUB_AUDIO_TEMP_DIR).mkdir()


def leftovers() -> list[Path]:
    from django.conf import settings

    return list(Path(settings.HUB_AUDIO_TEMP_DIR or tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*"))


def upload(admin_client, path: Path, title: str, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), path.open("rb") as handle:
        response = admin_client.post("/admin/snippets/audio/audioasset/add/", {"title": title, "source": handle})
    assert response.status_code == 302, response.content.decode()[:3000]
    return AudioAsset.objects.get(title=title)


@pytest.fixture
def speech_like(tmp_path):
    """Five seconds of stereo, speech-like modulated noise, far too quiet for a podcast."""
    path = tmp_path / "interview.wav"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", "anoisesrc=color=pink:amplitude=0.05:duration=5:seed=7",
         "-af", "lowpass=f=3500,tremolo=f=3:d=0.7,aformat=channel_layouts=stereo",
         "-metadata", "artist=Private Person", "-metadata", "comment=GPS 47.26N 11.39E",
         "-ar", "44100", str(path)],
        check=True, timeout=60,
    )  # fmt: skip
    return path


def test_upload_is_processed_into_three_renditions(admin_client, speech_like, django_capture_on_commit_callbacks):
    asset = upload(admin_client, speech_like, "Interview", django_capture_on_commit_callbacks)
    asset.refresh_from_db()
    assert asset.status == AudioStatus.READY, asset.error_message
    assert asset.progress == 100
    assert asset.original_filename == "interview.wav"
    assert asset.sha256 == hashlib.sha256(speech_like.read_bytes()).hexdigest()
    assert asset.duration_seconds == pytest.approx(5.0, abs=0.1)
    assert asset.loudness_before["integrated_lufs"] < -30
    assert asset.report["short_term"]["values"]
    assert private_storage().exists(asset.peaks.name)

    renditions = {rendition.preset: rendition for rendition in asset.renditions.all()}
    assert set(renditions) == {"podcast-mp3", "lowband-opus", "broadcast-wav"}
    for preset, rendition in renditions.items():
        assert private_storage().size(rendition.file.name) == rendition.size_bytes
        with private_storage().open(rendition.file.name) as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == rendition.sha256
        integrated, _peak = measure(private_storage().path(rendition.file.name))
        assert abs(integrated - rendition.target_lufs) <= TOLERANCE[preset]
        assert abs(integrated - rendition.integrated_lufs) <= 0.3, "recorded loudness is what the file measures"
    assert renditions["podcast-mp3"].mime_type == "audio/mpeg"
    assert renditions["podcast-mp3"].file.name.endswith(".mp3")
    # Public URLs that cannot be guessed before the release: 128 random bits in the folder name.
    expected = rf"audio/renditions/{asset.pk}/[0-9a-f]{{32}}/podcast-mp3\.mp3"
    assert re.fullmatch(expected, renditions["podcast-mp3"].file.name)
    assert renditions["broadcast-wav"].sample_rate == 48_000
    assert renditions["broadcast-wav"].target_lufs == -23.0
    assert leftovers() == []


def test_source_metadata_never_reaches_renditions(admin_client, speech_like, django_capture_on_commit_callbacks):
    asset = upload(admin_client, speech_like, "Private", django_capture_on_commit_callbacks)
    for rendition in asset.renditions.all():
        path = private_storage().path(rendition.file.name)
        tags = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "format_tags", "-of", "json", path],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout  # fmt: skip
        assert "Private Person" not in tags
        assert "GPS" not in tags
    assert "tags" not in asset.probe_info


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"these are meeting notes, not audio", "Unusable recording"),
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", "Unusable recording"),
    ],
)
def test_bad_upload_fails_with_a_reason_and_leaves_nothing(
    admin_client, tmp_path, content, reason, django_capture_on_commit_callbacks
):
    bad = tmp_path / "recording.wav"
    bad.write_bytes(content)
    asset = upload(admin_client, bad, "Bad", django_capture_on_commit_callbacks)
    asset.refresh_from_db()
    assert asset.status == AudioStatus.FAILED
    assert asset.error_message.startswith(reason)
    assert asset.renditions.count() == 0
    assert private_storage().exists(asset.source.name), "the upload itself is kept"
    assert (
        not private_storage().exists(f"audio/renditions/{asset.pk}")
        or not private_storage().listdir(f"audio/renditions/{asset.pk}")[1]
    )
    assert leftovers() == []


def test_reprocessing_replaces_renditions(admin_client, speech_like, django_capture_on_commit_callbacks):
    asset = upload(admin_client, speech_like, "Twice", django_capture_on_commit_callbacks)
    first = {rendition.preset: rendition.file.name for rendition in asset.renditions.all()}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/audio/{asset.pk}/reprocess/")
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == AudioStatus.READY
    second = {rendition.preset: rendition.file.name for rendition in asset.renditions.all()}
    assert set(second) == set(first)
    assert all(second[preset] != first[preset] for preset in first)
    assert not any(private_storage().exists(name) for name in first.values()), "old files are deleted"
    assert all(private_storage().exists(name) for name in second.values())
    assert asset.attempts == 2


def test_upload_larger_than_the_limit_is_refused(admin_client, speech_like, settings):
    settings.HUB_AUDIO_MAX_UPLOAD_BYTES = 1000
    with speech_like.open("rb") as handle:
        response = admin_client.post("/admin/snippets/audio/audioasset/add/", {"title": "Big", "source": handle})
    assert response.status_code == 200
    assert "the largest upload allowed is 1000" in response.content.decode().replace("\xa0", " ")
    assert not AudioAsset.objects.filter(title="Big").exists()


def test_admin_listing_detail_and_status(admin_client, speech_like, django_capture_on_commit_callbacks):
    asset = upload(admin_client, speech_like, "Shown", django_capture_on_commit_callbacks)
    listing = admin_client.get("/admin/snippets/audio/audioasset/").content.decode()
    assert f'data-audio-id="{asset.pk}" data-status="ready"' in listing
    detail = admin_client.get(f"/admin/snippets/audio/audioasset/inspect/{asset.pk}/").content.decode()
    assert "<svg" in detail and "polyline" in detail
    for rendition in asset.renditions.all():  # downloads through the admin's checked view
        assert reverse("hub_audio_download", args=[asset.pk, rendition.pk]) in detail
    status = admin_client.get(f"/admin/audio/status/?id={asset.pk}").json()
    assert status[str(asset.pk)]["status"] == "ready"
    assert status[str(asset.pk)]["progress"] == 100


def test_process_audio_command(speech_like):
    asset = AudioAsset(title="From the shell")
    asset.source = ContentFile(speech_like.read_bytes(), name="shell.wav")
    asset.save()  # tests run tasks immediately, but on_commit never fires inside the test transaction
    assert AudioAsset.objects.get(pk=asset.pk).status == AudioStatus.QUEUED
    call_command("process_audio", asset=[asset.pk], verbosity=0)
    assert AudioAsset.objects.get(pk=asset.pk).status == AudioStatus.READY

    broken = AudioAsset(title="Broken")
    broken.source = ContentFile(b"not audio at all", name="broken.mp3")
    broken.save()
    with pytest.raises(CommandError):
        call_command("process_audio", asset=[broken.pk], verbosity=0)
    assert AudioAsset.objects.get(pk=broken.pk).status == AudioStatus.FAILED
    with pytest.raises(CommandError, match="No audio asset with ID 999999"):
        call_command("process_audio", asset=[999999], verbosity=0)


def test_system_check_names_missing_tools(monkeypatch):
    from hub.audio import checks

    checks._problems.cache_clear()
    with monkeypatch.context() as patched:
        patched.setenv("PATH", "/nonexistent")
        errors = checks.check_audio_tools()
        checks._problems.cache_clear()
    assert errors and any("ffmpeg" in error.msg for error in errors)
    assert all(error.hint for error in errors)
    assert checks.check_audio_tools() == []


def test_make_tone_helper_is_real(tmp_path):
    assert make_tone(tmp_path / "t.mp3").stat().st_size > 1000
