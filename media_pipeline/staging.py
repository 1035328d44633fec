"""All-or-nothing output: everything is written into a staging directory beside the targets.

The staging directory lives inside the output directory, so the final ``os.replace`` of each
file is an atomic rename on the same filesystem. On any failure (or when the block is left
without ``commit``) the staging directory and everything in it is removed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from .errors import InvalidRequest

STAGING_PREFIX = ".media_pipeline-"


class Staging:
    def __init__(self, out_dir: str | os.PathLike[str]) -> None:
        self.out_dir = Path(out_dir)
        self._path: Path | None = None

    @property
    def path(self) -> Path:
        if self._path is None:
            raise RuntimeError("Staging used outside its with-block")
        return self._path

    def __enter__(self) -> Staging:
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            self._path = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.out_dir))
        except OSError as exc:
            raise InvalidRequest(f"cannot write to the output directory: {exc}", path=self.out_dir) from exc
        return self

    def commit(self, names: Iterable[str]) -> dict[str, Path]:
        """Move each staged file into the output directory; undo the moved ones if one fails."""
        moved: dict[str, Path] = {}
        try:
            for name in names:
                final = self.out_dir / name
                os.replace(self.path / name, final)
                moved[name] = final
        except BaseException:
            for final in moved.values():
                final.unlink(missing_ok=True)
            raise
        return moved

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._path is not None:
            shutil.rmtree(self._path, ignore_errors=True)
            self._path = None


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
