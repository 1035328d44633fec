"""`restore --force` writes the new file before the old one goes: a failed write keeps the old file."""

import io
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from hub.ops.backup import BackupError, restore_storage


def archive(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def storage(tmp_path):
    storage = FileSystemStorage(location=tmp_path / "media")
    storage.save("audio/renditions/a.mp3", ContentFile(b"old content"))
    return storage


def test_force_replaces_an_existing_file(storage, tmp_path):
    source = archive(tmp_path / "media.tar", {"audio/renditions/a.mp3": b"new content", "b.txt": b"b"})
    with pytest.raises(BackupError, match="already exists"):
        restore_storage(storage, source, force=False)
    assert storage.open("audio/renditions/a.mp3").read() == b"old content"
    assert restore_storage(storage, source, force=True) == {"files": 2, "bytes": 12}
    assert storage.open("audio/renditions/a.mp3").read() == b"new content"
    assert sorted(storage.listdir("audio/renditions")[1]) == ["a.mp3"], "no temporary file is left"


def test_a_failed_write_keeps_the_old_file(storage, tmp_path):
    """A truncated archive fails while the new content is read: the old file must still be there."""
    big = bytes(range(256)) * 4096  # 1 MiB
    source = archive(tmp_path / "media.tar", {"audio/renditions/a.mp3": big})
    data = source.read_bytes()
    source.write_bytes(data[: len(data) // 2])
    with pytest.raises((tarfile.TarError, OSError, BackupError)):
        restore_storage(storage, source, force=True)
    assert storage.open("audio/renditions/a.mp3").read() == b"old content"
