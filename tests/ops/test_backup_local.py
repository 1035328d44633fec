"""Backup and restore of the embedded setup (database + media folders), on whichever database the
suite runs: SQLite in the embedded pass of scripts/test, PostgreSQL in the main pass."""

import hashlib
import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection

from hub.audio.factories import AudioAssetFactory
from hub.audio.models import Rendition
from hub.ops.backup import BackupError, create_backup, read_manifest
from tests.production.site import add_episode, make_show

from .env import BASE_ENV, manage

pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True)]


def _files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def fresh_database(tmp_path):
    """(DATABASE_URL, query function) of a new, empty database of the suite's vendor."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def query(sql):
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchall()

        yield f"sqlite:///{path}", query
        return
    db = connection.settings_dict
    name = f"hub_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"

    def query(sql):
        with psycopg.connect(url) as conn:
            return conn.execute(sql).fetchall()

    yield url.replace("postgresql://", "postgres://"), query
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_and_restore_into_a_new_database_and_folders(settings, fresh_database, tmp_path):
    show = make_show()
    asset = AudioAssetFactory(title="Harbour interview")
    name = storages["private"].save(f"audio/renditions/{asset.pk}/t/podcast-mp3.mp3", ContentFile(b"ID3 episode"))
    Rendition.objects.create(
        asset=asset, preset="podcast-mp3", file=name, mime_type="audio/mpeg", size_bytes=11, duration_seconds=61.4,
        sample_rate=44100, channels=2, integrated_lufs=-16, target_lufs=-16, sha256="0" * 64,
    )  # fmt: skip
    add_episode(show, asset, title="At the harbour")
    storages["private"].save("evidence/form-1.pdf", ContentFile(b"%PDF signed"))

    folder = create_backup(tmp_path / "backups")
    manifest = read_manifest(folder)
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["rows"]["audio.Rendition"] == 1

    url, query = fresh_database
    media, private = tmp_path / "restored-media", tmp_path / "restored-private"
    env = {**BASE_ENV, "DATABASE_URL": url, "HUB_MEDIA_ROOT": str(media), "HUB_PRIVATE_ROOT": str(private)}
    result = manage("restore", str(folder), env=env)
    assert result.returncode == 0, result.stderr
    assert "rows and files match" in result.stdout

    assert query("SELECT title FROM wagtailcore_page ORDER BY path") == [
        (title,) for title in ("Root", "Home", "Radio", "Voices of Volunteering", "At the harbour")
    ]
    assert query("SELECT file FROM audio_rendition") == [(name,)]
    assert _files(media) == _files(Path(settings.MEDIA_ROOT))
    assert _files(private) == _files(Path(storages["private"].location))


def test_an_incomplete_backup_is_refused(tmp_path):
    (tmp_path / "hub-backup-x").mkdir()
    with pytest.raises(BackupError, match="no manifest"):
        read_manifest(tmp_path / "hub-backup-x")
