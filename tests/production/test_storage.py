"""Object storage: public images at plain stable URLs, audio and consent evidence only through signed URLs."""

import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from hub.ops.storage import private_storage, signed_url

from .conftest import PRIVATE_BUCKET, PUBLIC_BUCKET, database_url, production_env
from .services import ROOT, Browser, tail

# Transactional: the web node and the workers are other processes, they see only committed rows.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_public_media_is_readable_by_anyone_at_a_plain_url(hub_settings, moto):
    name = default_storage.save("episodes/1/abc/clip.mp3", ContentFile(b"ID3 a published file"))
    url = default_storage.url(name)
    assert url == f"{moto.endpoint}/hub-media/{name}"
    response = requests.get(url, timeout=30)
    assert (response.status_code, response.content) == (200, b"ID3 a published file")
    assert response.headers["Content-Type"] == "audio/mpeg"
    hidden = default_storage.save("audio/renditions/1/abc/podcast-mp3.mp3", ContentFile(b"ID3 an episode"))
    assert requests.get(default_storage.url(hidden), timeout=30).status_code == 403, "outside the public folders"


def test_media_objects_get_the_hubs_types_whatever_the_browser_or_machine_says(hub_settings, s3):
    """This machine's mime.types calls WAV audio/x-wav; Python alone would call Ogg Opus audio/opus."""
    expected = {
        "a.mp3": "audio/mpeg",
        "b.wav": "audio/wav",
        "c.opus": "audio/ogg",
        "d.m4a": "audio/mp4",
        "e.flac": "audio/flac",
        "peaks.json": "application/json",
        "f.vtt": "text/vtt",
    }
    for filename, media_type in expected.items():
        upload = ContentFile(b"data", name=filename)
        upload.content_type = "application/octet-stream"  # what some browsers send for audio
        stored = default_storage.save(f"audio/types/{filename}", upload)
        assert s3.head_object(Bucket=PUBLIC_BUCKET, Key=stored)["ContentType"] == media_type, filename
    other = default_storage.save("images/poster.png", ContentFile(b"png", name="poster.png"))
    assert s3.head_object(Bucket=PUBLIC_BUCKET, Key=other)["ContentType"] == "image/png", "others as before"


def test_evidence_is_refused_without_a_signature_and_served_with_one(hub_settings, moto):
    name = private_storage().save("evidence/consent-3.pdf", ContentFile(b"%PDF-1.4 consent of Amina"))
    unsigned = f"{moto.endpoint}/{PRIVATE_BUCKET}/private/{name}"
    assert requests.get(unsigned, timeout=30).status_code == 403

    url = signed_url(name, download_name="Consent form.pdf")
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert "X-Amz-Signature" in query
    response = requests.get(url, timeout=30)
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 consent of Amina"
    assert response.headers["Content-Disposition"] == 'attachment; filename="Consent form.pdf"'

    tampered = url.replace("consent-3", "consent-4")
    assert requests.get(tampered, timeout=30).status_code == 403


def test_a_production_node_signs_for_the_configured_lifetime(services, moto):
    env = production_env(database_url=database_url(), moto=moto, HUB_PRIVATE_URL_SECONDS="120")
    code = "from hub.ops.storage import signed_url; print(signed_url('evidence/x.pdf'))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert url.startswith(f"{moto.endpoint}/{PRIVATE_BUCKET}/private/evidence/x.pdf?")
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["120"]


def test_consent_officers_get_evidence_through_a_signed_url_and_nobody_else(web, hub_settings, moto):
    """The evidence view of a production node redirects to a 5-minute signed URL of the private bucket."""
    from hub.consent.models import ConsentRecord

    from .site import ADMIN_PASSWORD, make_show, make_user

    make_show()
    name = private_storage().save("consent/evidence/نموذج-موافقة.pdf", ContentFile(b"%PDF-1.4 consent of Layla"))
    record = ConsentRecord.objects.create(public_name="Layla", granted_on="2026-01-10", scope_podcast=True)
    ConsentRecord.objects.filter(pk=record.pk).update(evidence=name)
    make_user("officer", "view_private_consent_fields", "view_consentrecord")
    make_user("writer", "view_consentrecord")
    path = f"/admin/consent/{record.pk}/evidence/"

    officer = Browser(web.base, web.log)
    officer.login("officer", ADMIN_PASSWORD)
    response = officer.get(path)
    assert response.status_code == 302, response.text[:2000] + tail(web.log)
    assert "no-store" in response.headers["Cache-Control"]
    url = response.headers["Location"]
    assert url.startswith(f"{moto.endpoint}/{PRIVATE_BUCKET}/private/consent/evidence/")
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert "X-Amz-Signature" in query
    download = requests.get(url, timeout=30)
    assert (download.status_code, download.content) == (200, b"%PDF-1.4 consent of Layla")
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="download.pdf"; '), disposition
    assert "filename*=UTF-8''%D9%86%D9%85%D9%88%D8%B0%D8%AC-%D9%85%D9%88%D8%A7%D9%81%D9%82%D8%A9.pdf" in disposition
    assert requests.get(url.split("?", 1)[0], timeout=30).status_code == 403, "without the signature: refused"

    writer = Browser(web.base, web.log)
    writer.login("writer", ADMIN_PASSWORD)
    denied = writer.get(path)
    assert denied.status_code in (302, 403)
    assert not denied.headers.get("Location", "").startswith(moto.endpoint), "no signed URL for an editor"
    anonymous = Browser(web.base, web.log).get(path)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/admin/login/")
