"""The shipped bucket policies against moto's S3 server: what anyone can read without a signature.

The public bucket carries deploy/s3-public-read-policy.json (reading of images/ and episodes/
only); the private bucket carries no policy at all. Every private object's unsigned URL is
refused, a signed URL stops working after its expiry, evidence never reaches the public bucket,
and a web node refuses to start when the private bucket can be read by anyone.
"""

import hashlib
import hmac
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from hub.ops.storage import presigned_url, private_storage, signed_url
from tests.production.conftest import PRIVATE_BUCKET, PUBLIC_BUCKET, moto, production_env, s3  # noqa: F401
from tests.production.services import ROOT, S3_KEY_ID, S3_REGION, S3_SECRET, public_read_policy

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def buckets(settings, moto):  # noqa: F811
    """This process stores like a production node: the public and the private bucket."""
    options = {
        "endpoint_url": moto.endpoint,
        "region_name": S3_REGION,
        "access_key": S3_KEY_ID,
        "secret_key": S3_SECRET,
        "signature_version": "s3v4",
        "file_overwrite": False,
        "default_acl": None,
    }
    settings.STORAGES = {
        "default": {
            "BACKEND": "hub.ops.s3.MediaS3Storage",
            "OPTIONS": {**options, "bucket_name": PUBLIC_BUCKET, "querystring_auth": False},
        },
        "private": {
            "BACKEND": "hub.ops.s3.MediaS3Storage",
            "OPTIONS": {**options, "bucket_name": PRIVATE_BUCKET, "location": "private", "querystring_expire": 300},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return moto


def _keys(s3, bucket):  # noqa: F811
    return {item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}


def test_every_private_object_is_refused_without_a_signature(buckets, s3):  # noqa: F811
    from hub.audio.factories import AudioAssetFactory
    from hub.consent.models import ConsentRecord
    from tests.feeds.conftest import add_renditions

    asset = AudioAssetFactory()
    renditions = add_renditions(asset)
    asset.peaks.save("peaks.json", ContentFile(b'{"data": []}'))
    record = ConsentRecord.objects.create(public_name="Samir", granted_on="2026-01-01", scope_website=True)
    record.evidence.save("Samir Aziz passport.jpg", ContentFile(b"\xff\xd8 an ID scan"))

    files = [asset.source, asset.peaks, record.evidence, *(r.file for r in renditions.values())]
    for field_file in files:
        key = f"private/{field_file.name}"
        assert key in _keys(s3, PRIVATE_BUCKET), field_file.name
        assert field_file.name not in _keys(s3, PUBLIC_BUCKET)
        signed = presigned_url(field_file.name, storage=field_file.storage, seconds=60)
        plain = signed.split("?", 1)[0]
        assert plain.endswith(key)
        assert requests.get(plain, timeout=30).status_code == 403, plain
        assert requests.get(plain, headers={"Range": "bytes=0-1"}, timeout=30).status_code == 403
        assert requests.get(signed, timeout=30).status_code == 200
    assert "Samir" not in record.evidence.name and "passport" not in record.evidence.name


def test_evidence_is_never_in_the_public_bucket(buckets, s3):  # noqa: F811
    from hub.consent.models import ConsentRecord

    before = _keys(s3, PUBLIC_BUCKET)
    for n in range(3):
        record = ConsentRecord.objects.create(public_name=f"Person {n}", granted_on="2026-01-01")
        record.evidence.save(f"form-{n}.pdf", ContentFile(b"%PDF-1.4 form"))
    assert _keys(s3, PUBLIC_BUCKET) == before
    assert not any("evidence" in key for key in _keys(s3, PUBLIC_BUCKET))


def _sigv4_query_signature(url: str, secret: str) -> str:
    """The signature S3 expects for a presigned GET (AWS Signature Version 4, query-string form)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "X-Amz-Signature"]
    canonical_query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(query))
    canonical = "\n".join(["GET", parts.path, canonical_query, f"host:{parts.netloc}", "", "host", "UNSIGNED-PAYLOAD"])
    values = dict(query)
    scope = values["X-Amz-Credential"].split("/", 1)[1]
    day, region, service, _terminator = scope.split("/")
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", values["X-Amz-Date"], scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = f"AWS4{secret}".encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def test_a_signed_url_stops_working_after_its_expiry(buckets):
    """moto 5 accepts any URL that carries a query-string signature without checking it, so the
    signature is checked here as S3 checks it: valid for these parameters, void with a longer
    expiry, and its X-Amz-Date plus X-Amz-Expires in the past once the time is up."""
    name = private_storage().save("audio/renditions/9/x/broadcast-wav.wav", ContentFile(b"RIFF embargoed"))
    url = signed_url(name, seconds=2)
    assert requests.get(url, timeout=30).status_code == 200
    assert requests.get(url.split("?", 1)[0], timeout=30).status_code == 403, "no signature, no file"
    query = dict(parse_qsl(urlsplit(url).query))
    assert query["X-Amz-Expires"] == "2" and query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert _sigv4_query_signature(url, S3_SECRET) == query["X-Amz-Signature"], "a valid S3 signature"
    longer = url.replace("X-Amz-Expires=2", "X-Amz-Expires=604800")
    assert _sigv4_query_signature(longer, S3_SECRET) != query["X-Amz-Signature"], "the expiry is signed"
    signed_at = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    time.sleep(3)
    assert signed_at + timedelta(seconds=int(query["X-Amz-Expires"])) < datetime.now(UTC), "expired now"


def test_the_public_bucket_policy_grants_reading_of_the_public_folders_only(buckets):
    readable = default_storage.save("images/poster.max-800x600.png", ContentFile(b"png"))
    published = default_storage.save("episodes/1/abc/chapters.json", ContentFile(b"{}"))
    for name in (readable, published):
        assert requests.get(default_storage.url(name), timeout=30).status_code == 200, name
    for name in ("documents/board-minutes.pdf", "original_images/portrait.jpg", "audio/renditions/1/a/b.mp3"):
        stored = default_storage.save(name, ContentFile(b"not for everyone"))
        assert requests.get(default_storage.url(stored), timeout=30).status_code == 403, stored


def test_a_web_node_refuses_to_start_with_a_publicly_readable_private_bucket(buckets, s3):  # noqa: F811
    from hub.access.startup import public_read_problems, verify_private_storage

    assert public_read_problems() == [], "the private bucket refuses unsigned requests"
    leaky = f"leaky-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=leaky, CreateBucketConfiguration={"LocationConstraint": S3_REGION})
    s3.put_bucket_policy(Bucket=leaky, Policy=public_read_policy(leaky).replace("/images/*", "/*"))
    env = production_env(database_url="", moto=buckets, HUB_S3_PRIVATE_BUCKET=leaky)
    started = subprocess.run(
        [sys.executable, "-c", "import hub.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert started.returncode != 0
    assert "The private bucket (HUB_S3_PRIVATE_BUCKET) is publicly readable" in started.stderr
    assert "docs/security.md" in started.stderr
    assert not _keys(s3, leaky), "the probe object is deleted again"

    with pytest.raises(ImproperlyConfigured):
        from django.test import override_settings

        options = {**buckets_options(), "bucket_name": leaky}
        with override_settings(
            HUB_VERIFY_PRIVATE_STORAGE=True,
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "private": {"BACKEND": "hub.ops.s3.MediaS3Storage", "OPTIONS": options},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        ):
            verify_private_storage()

    good = subprocess.run(
        [sys.executable, "-c", "import hub.wsgi"],
        cwd=ROOT,
        env=production_env(database_url="", moto=buckets),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert good.returncode == 0, good.stderr


def buckets_options():
    from django.conf import settings

    return dict(settings.STORAGES["private"]["OPTIONS"])
