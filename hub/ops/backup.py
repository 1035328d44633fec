"""Backup and restore of the database and of every stored file.

A backup is one folder::

    hub-backup-20260412T031500Z/
      manifest.json      what is in it: times, database vendor, row counts, files, checksums
      database.dump      PostgreSQL: pg_dump --format=custom   (SQLite: database.sqlite3)
      media.tar          every file of the "default" storage (uploads, renditions, images...)
      private.tar        every file of the "private" storage (consent evidence: keep it safe)

The database is dumped first, then the files are copied. Stored files are write-once under
unique names, so a backup taken while the hub runs may contain files that no row mentions yet,
but a row that names a file can only miss it if the file was replaced in the few seconds between
the two steps. Restoring is the reverse, into an *empty* database and storage (``--force`` to
overwrite), followed by a check that row counts and files match the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import connection, connections

FORMAT_VERSION = 1
STORAGE_ARCHIVES = {"default": "media.tar", "private": "private.tar"}
CHUNK = 1024 * 1024
PG_TIMEOUT = 6 * 3600


class BackupError(Exception):
    pass


@dataclass
class StoredFile:
    name: str
    size: int


# --- Files in a storage ----------------------------------------------------------------------


def iter_files(storage: Storage, exclude: tuple[str, ...] = ()) -> Iterator[StoredFile]:
    """Every file in a storage, by its storage name; names starting with an ``exclude`` prefix are left out."""
    for stored in _iter_files(storage):
        if not (exclude and stored.name.startswith(exclude)):
            yield stored


def _excluded(alias: str) -> tuple[str, ...]:
    """Prefixes of other storages that live inside this one (the private prefix of a shared bucket)."""
    mine = storages[alias]
    bucket = getattr(mine, "bucket_name", None)
    if not bucket:
        return ()
    prefixes = []
    for other_alias in _storage_aliases():
        other = storages[other_alias]
        if other_alias == alias or getattr(other, "bucket_name", None) != bucket:
            continue
        mine_location = (mine.location or "").strip("/")
        other_location = (other.location or "").strip("/")
        if other_location and other_location.startswith(mine_location) and other_location != mine_location:
            inner = other_location[len(mine_location) :].strip("/")
            prefixes.append(inner + "/")
    return tuple(prefixes)


def _iter_files(storage: Storage) -> Iterator[StoredFile]:
    if isinstance(storage, FileSystemStorage):
        root = Path(storage.location)
        if not root.is_dir():
            return
        for folder, _dirs, files in os.walk(root):
            for filename in sorted(files):
                path = Path(folder) / filename
                yield StoredFile(path.relative_to(root).as_posix(), path.stat().st_size)
        return
    if getattr(storage, "bucket_name", None):
        prefix = (storage.location.strip("/") + "/") if storage.location else ""
        paginator = storage.connection.meta.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=storage.bucket_name, Prefix=prefix):
            for item in page.get("Contents", []):
                if not item["Key"].endswith("/"):
                    yield StoredFile(item["Key"][len(prefix) :], item["Size"])
        return
    yield from _walk(storage, "")


def _walk(storage: Storage, path: str) -> Iterator[StoredFile]:
    directories, files = storage.listdir(path)
    for filename in files:
        name = f"{path}/{filename}" if path else filename
        yield StoredFile(name, storage.size(name))
    for directory in directories:
        yield from _walk(storage, f"{path}/{directory}" if path else directory)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def archive_storage(storage: Storage, target: Path, exclude: tuple[str, ...] = ()) -> dict:
    count = total = 0
    with tarfile.open(target, "w") as archive:
        for stored in iter_files(storage, exclude):
            info = tarfile.TarInfo(stored.name)
            info.size = stored.size
            info.mtime = int(datetime.now(UTC).timestamp())
            with storage.open(stored.name, "rb") as handle:
                archive.addfile(info, handle)
            count += 1
            total += stored.size
    return {"files": count, "bytes": total}


def _replace_file(storage: Storage, name: str, handle) -> None:
    """Put new content at ``name``, which exists: the new file is written in full before the old goes.

    On local disk the new file is saved beside the old one and moved over it in one step
    (``os.replace``). On object storage that overwrites on save (S3's PUT replaces an object only
    once the new one is stored) the content is saved at the name itself. Elsewhere the new file is
    saved under a temporary name first; only then is the old one deleted and the new one copied to
    its name, so a failed write never leaves the name without its old file.
    """
    folder, _sep, base = name.rpartition("/")
    temporary_name = f"{folder}/.restoring-{os.urandom(6).hex()}-{base}" if folder else f".restoring-{base}"
    try:
        local_path = storage.path(name)
    except NotImplementedError:
        local_path = None
    if local_path is None and getattr(storage, "file_overwrite", False):
        saved = storage.save(name, File(handle, name=base))
        if saved != name:
            raise BackupError(f"The storage saved {name} as {saved}")
        return
    temporary = storage.save(temporary_name, File(handle, name=base))
    if local_path is not None:
        os.replace(storage.path(temporary), local_path)
        return
    storage.delete(name)
    with storage.open(temporary, "rb") as staged:
        saved = storage.save(name, File(staged, name=base))
    storage.delete(temporary)
    if saved != name:
        raise BackupError(f"The storage saved {name} as {saved}")


def restore_storage(storage: Storage, source: Path, *, force: bool) -> dict:
    count = total = 0
    with tarfile.open(source, "r") as archive:
        for member in archive:
            if not member.isfile():
                continue
            name = member.name
            if name.startswith("/") or ".." in Path(name).parts:
                raise BackupError(f"Refusing the unsafe name {name!r} in {source.name}")
            handle = archive.extractfile(member)
            if storage.exists(name):
                if not force:
                    raise BackupError(f"{name} already exists in the storage; restore into an empty one or use --force")
                _replace_file(storage, name, handle)
            else:
                saved = storage.save(name, File(handle, name=Path(name).name))
                if saved != name:
                    raise BackupError(f"The storage saved {name} as {saved}")
            count += 1
            total += member.size
    return {"files": count, "bytes": total}


# --- The database ----------------------------------------------------------------------------


def _pg_env(alias: str = "default") -> dict[str, str]:
    db = connections[alias].settings_dict
    env = {**os.environ, "PGDATABASE": str(db["NAME"])}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return env


def _run(argv: list[str], env: dict[str, str]) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} is not installed (Debian: apt-get install postgresql-client)")
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=PG_TIMEOUT, check=False)
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {result.stderr.strip()[-2000:]}")


def dump_database(target_dir: Path) -> str:
    vendor = connection.vendor
    if vendor == "postgresql":
        target = target_dir / "database.dump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"], _pg_env())
        return target.name
    if vendor == "sqlite":
        target = target_dir / "database.sqlite3"
        source = sqlite3.connect(str(connection.settings_dict["NAME"]))
        destination = sqlite3.connect(str(target))
        try:
            source.backup(destination)  # a consistent copy even while others write
        finally:
            destination.close()
            source.close()
        return target.name
    raise BackupError(f"No backup procedure for the {vendor} database")


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


def restore_database(backup_dir: Path, manifest: dict, *, force: bool) -> None:
    vendor = connection.vendor
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"The backup is of a {manifest['database']['vendor']} database; this hub uses {vendor}. "
            "Moving between databases is dumpdata/loaddata, not a restore."
        )
    if not database_is_empty() and not force:
        raise BackupError("The database is not empty; restore into a new database or use --force")
    source = backup_dir / manifest["database"]["file"]
    if vendor == "postgresql":
        argv = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={_pg_env()['PGDATABASE']}"]
        if force:
            argv += ["--clean", "--if-exists"]
        connection.close()
        _run([*argv, str(source)], _pg_env())
        return
    if vendor == "sqlite":
        connection.close()
        source_db = sqlite3.connect(str(source))
        target_db = sqlite3.connect(str(connection.settings_dict["NAME"]))
        try:
            source_db.backup(target_db)
        finally:
            target_db.close()
            source_db.close()
        return
    raise BackupError(f"No restore procedure for the {vendor} database")


def row_counts() -> dict[str, int]:
    counts = {}
    existing = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in existing:
            counts[model._meta.label] = model._default_manager.using("default").count()
    return counts


# --- Whole backups ---------------------------------------------------------------------------


def _storage_aliases() -> list[str]:
    return [alias for alias in STORAGE_ARCHIVES if alias in storages.backends]


def create_backup(output: Path, *, include_media: bool = True) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".hub-backup-{stamp}-", dir=output))
    try:
        manifest: dict = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "database": {"vendor": connection.vendor, "rows": row_counts()},
            "storages": {},
            "checksums": {},
        }
        manifest["database"]["file"] = dump_database(partial)
        if include_media:
            for alias in _storage_aliases():
                archive = STORAGE_ARCHIVES[alias]
                files = archive_storage(storages[alias], partial / archive, _excluded(alias))
                manifest["storages"][alias] = {"archive": archive, **files}
        for path in sorted(partial.iterdir()):
            manifest["checksums"][path.name] = _sha256(path)
        (partial / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
        final = output / f"hub-backup-{stamp}"
        partial.rename(final)  # a backup folder exists only once it is complete
        return final
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def read_manifest(backup_dir: Path) -> dict:
    path = backup_dir / "manifest.json"
    if not path.is_file():
        raise BackupError(f"{backup_dir} has no manifest.json: not a hub backup, or an incomplete one")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}")
    for name, expected in manifest["checksums"].items():
        if _sha256(backup_dir / name) != expected:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return manifest


def restore_backup(backup_dir: Path, *, force: bool = False, database: bool = True, media: bool = True) -> list[str]:
    """Restore, then compare with the manifest; returns the differences (empty when all matches)."""
    manifest = read_manifest(backup_dir)
    if database:
        restore_database(backup_dir, manifest, force=force)
    if media:
        for alias, info in manifest["storages"].items():
            if alias not in storages.backends:
                raise BackupError(f"The backup has files of the {alias!r} storage, which this hub does not configure")
            restore_storage(storages[alias], backup_dir / info["archive"], force=force)
    return verify(manifest, database=database, media=media)


def verify(manifest: dict, *, database: bool = True, media: bool = True) -> list[str]:
    problems = []
    if database:
        actual = row_counts()
        for label, expected in manifest["database"]["rows"].items():
            if actual.get(label) != expected:
                problems.append(f"{label}: {actual.get(label)} rows, the backup has {expected}")
    if media:
        for alias, info in manifest["storages"].items():
            files = list(iter_files(storages[alias], _excluded(alias)))
            if len(files) < info["files"]:
                problems.append(f"storage {alias}: {len(files)} files, the backup has {info['files']}")
    return problems
