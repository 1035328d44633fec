"""The package's boundaries: no Django, a typed public API, tools checked with useful advice."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import media_pipeline
from media_pipeline import check_tools
from media_pipeline.probe import riff_data_shortfall

PACKAGE = Path(media_pipeline.__file__).parent


def test_no_django_import_anywhere() -> None:
    for source in PACKAGE.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names.append(node.module)
            assert not [n for n in names if n.split(".")[0] in {"django", "wagtail"}], source


def test_importing_the_package_loads_no_django() -> None:
    code = "import sys, media_pipeline; print(any(m.split('.')[0] in ('django', 'wagtail') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "False"


def test_public_api() -> None:
    for name in media_pipeline.__all__:
        assert hasattr(media_pipeline, name), name
    assert {"process", "probe", "measure_loudness", "make_soundbite", "check_tools", "PipelineError"} <= set(
        media_pipeline.__all__
    )
    assert (PACKAGE / "py.typed").exists()


def test_check_tools_here() -> None:
    assert check_tools() == []


def test_check_tools_names_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIA_PIPELINE_FFMPEG", "/nonexistent/ffmpeg")
    problems = check_tools()
    assert problems and "ffmpeg" in problems[0] and "apt-get install ffmpeg" in problems[0]


@pytest.mark.parametrize(("claimed", "words"), [("8.0", "newer than"), ("4.4.2-0ubuntu0.22.04.1", "too old")])
def test_check_tools_refuses_unsupported_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, claimed: str, words: str
) -> None:
    """A real ffmpeg behind a front that announces another release: only the version is refused."""
    front = tmp_path / "ffmpeg"
    front.write_text(
        "#!/bin/sh\n"
        f'for arg; do [ "$arg" = -version ] && {{ echo "ffmpeg version {claimed} Copyright"; exit 0; }}; done\n'
        f'exec {shutil.which("ffmpeg")} "$@"\n'
    )
    front.chmod(0o755)
    monkeypatch.setenv("MEDIA_PIPELINE_FFMPEG", str(front))
    problems = check_tools()
    assert len(problems) == 1
    assert claimed in problems[0] and words in problems[0] and "5.1 to 7.x" in problems[0]


def test_check_tools_names_a_missing_encoder() -> None:
    problems = check_tools(encoders=["libmp3lame", "libnosuchcodec"])
    assert problems == [
        "ffmpeg has no 'libnosuchcodec' encoder: install an ffmpeg built with nosuchcodec (apt-get install ffmpeg)"
    ]


def _wav_header(data_size: int) -> bytes:
    fmt = b"fmt " + (16).to_bytes(4, "little") + bytes(16)
    return b"RIFF" + bytes(4) + b"WAVE" + fmt + b"data" + data_size.to_bytes(4, "little")


def test_riff_shortfall() -> None:
    header = _wav_header(1000)
    assert riff_data_shortfall(header, len(header) + 1000) == 0
    assert riff_data_shortfall(header, len(header) + 400) == 600
    assert riff_data_shortfall(_wav_header(0xFFFFFFFF), 100) == 0  # RF64: sizes live elsewhere
    assert riff_data_shortfall(b"fLaC" + bytes(40), 44) == 0
