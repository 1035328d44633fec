"""Backup and restore on PostgreSQL and S3, with the management commands a operator runs.

The backup of a live hub is restored into a *new* database and *new* buckets; the content is then
read back independently (psycopg and boto3, not the hub's own code) and compared.
"""

import hashlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from hub.audio.factories import AudioAssetFactory
from hub.audio.models import Rendition

from .conftest import PRIVATE_BUCKET, PUBLIC_BUCKET, S3_REGION, database_url, production_env
from .services import ROOT, public_read_policy
from .site import add_episode, make_show

# Transactional: the web node and the workers are other processes, they see only committed rows.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def _objects(s3, bucket) -> dict[str, str]:
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            found[item["Key"]] = hashlib.sha256(body).hexdigest()
    return found


def _rows(url, sql):
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


@pytest.fixture
def fresh_database(services):
    """An empty PostgreSQL database beside the test database, dropped afterwards."""
    name = f"hub_restore_{uuid.uuid4().hex[:8]}"
    admin_url = database_url("postgres")
    _rows(admin_url, f'CREATE DATABASE "{name}"')
    yield database_url(name)
    _rows(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_of_database_and_buckets_restores_into_new_ones(
    transactional_db, hub_settings, moto, s3, fresh_database, tmp_path
):
    # The buckets are the session's: start from empty ones, as a new hub does.
    for bucket in (PUBLIC_BUCKET, PRIVATE_BUCKET):
        for key in _objects(s3, bucket):
            s3.delete_object(Bucket=bucket, Key=key)
    # A hub with a page tree, an episode with renditions in the private bucket, and consent evidence.
    show = make_show()
    asset = AudioAssetFactory(title="Archive talk")
    for preset, body in (("podcast-mp3", b"ID3 mp3 bytes"), ("broadcast-wav", b"RIFF wav bytes")):
        name = storages["private"].save(f"audio/renditions/{asset.pk}/x/{preset}.bin", ContentFile(body))
        Rendition.objects.create(
            asset=asset, preset=preset, file=name, mime_type="audio/mpeg", size_bytes=len(body),
            duration_seconds=61.4, sample_rate=48000, channels=2, integrated_lufs=-16, target_lufs=-16,
            sha256=hashlib.sha256(body).hexdigest(),
        )  # fmt: skip
    add_episode(show, asset, title="From the archive")
    storages["private"].save("evidence/consent-7.pdf", ContentFile(b"%PDF-1.4 signed consent form"))

    source_env = production_env(database_url=database_url(), moto=moto)
    backup = manage("backup", "--output", str(tmp_path / "backups"), env=source_env)
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip())
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == "postgresql"
    assert sorted(path.name for path in folder.iterdir()) == [
        "database.dump", "manifest.json", "media.tar", "private.tar",
    ]  # fmt: skip
    # The evidence, the recording's source and its two renditions: audio lives in the private bucket.
    assert manifest["storages"]["private"]["files"] == 4

    # Restore into a new database and new, empty buckets.
    restored_media, restored_private = f"restored-{uuid.uuid4().hex[:6]}", f"restored-private-{uuid.uuid4().hex[:6]}"
    for bucket in (restored_media, restored_private):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_REGION})
    s3.put_bucket_policy(Bucket=restored_media, Policy=public_read_policy(restored_media))
    target_env = {
        **production_env(database_url=fresh_database, moto=moto),
        "HUB_S3_BUCKET": restored_media,
        "HUB_S3_PRIVATE_BUCKET": restored_private,
    }
    restore = manage("restore", str(folder), env=target_env)
    assert restore.returncode == 0, restore.stderr
    assert "rows and files match" in restore.stdout

    # Read it back without the hub's code.
    pages_sql = "SELECT title FROM wagtailcore_page ORDER BY path"
    assert _rows(fresh_database, pages_sql) == _rows(database_url(), pages_sql)
    rendition_sql = "SELECT preset, file, sha256, size_bytes FROM audio_rendition ORDER BY preset"
    assert _rows(fresh_database, rendition_sql) == _rows(database_url(), rendition_sql)
    assert _objects(s3, restored_media) == _objects(s3, PUBLIC_BUCKET)
    assert _objects(s3, restored_private) == _objects(s3, PRIVATE_BUCKET)
    assert "private/evidence/consent-7.pdf" in _objects(s3, restored_private)

    # A second restore would overwrite what is now there: refused without --force.
    again = manage("restore", str(folder), env=target_env)
    assert again.returncode != 0
    assert "not empty" in again.stderr


def test_a_damaged_backup_is_refused(transactional_db, hub_settings, moto, fresh_database, tmp_path):
    make_show()
    source_env = production_env(database_url=database_url(), moto=moto)
    backup = manage("backup", "--output", str(tmp_path / "backups"), env=source_env)
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip())
    with (folder / "database.dump").open("r+b") as dump:
        dump.seek(100)
        dump.write(b"\0\0\0\0")
    restore = manage("restore", str(folder), env=production_env(database_url=fresh_database, moto=moto))
    assert restore.returncode != 0
    assert "does not match its checksum" in restore.stderr
    assert _rows(fresh_database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]
