"""Object storage: public media at plain stable URLs, consent evidence only through signed URLs."""

import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from hub.ops.storage import private_storage, signed_url

from .conftest import PRIVATE_BUCKET, database_url, production_env
from .services import ROOT

# Transactional: the web node and the workers are other processes, they see only committed rows.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_public_media_is_readable_by_anyone_at_a_plain_url(hub_settings, moto):
    name = default_storage.save("audio/renditions/1/abc/podcast-mp3.mp3", ContentFile(b"ID3 an episode"))
    url = default_storage.url(name)
    assert url == f"{moto.endpoint}/hub-media/{name}"
    response = requests.get(url, timeout=30)
    assert (response.status_code, response.content) == (200, b"ID3 an episode")
    assert response.headers["Content-Type"] == "audio/mpeg"


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
