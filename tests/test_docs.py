"""Everything the documentation names is real: files, URL paths, settings and manage.py commands.

Reads README.md and docs/*.md: inline code, code blocks and link targets. A name counts as

- a file when it starts with a folder of the repository (or is a top-level file): it must exist
  (``<...>`` and ``*`` parts match anything, ``{a,b}`` lists alternatives);
- a URL path when it starts with ``/``: it must resolve to a view (placeholders become 1);
- a setting when it is an upper-case name with an underscore: it must be a Django setting or be
  read from the environment by the hub's code, its deployment files or its scripts;
- a command when it follows ``manage.py``: it must be a management command.
"""

import importlib.util
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands
from django.urls import Resolver404, resolve
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP = {path.name for path in ROOT.iterdir() if not path.name.startswith(".")} | {".ci"}
CODE_SPAN = re.compile(r"`([^`\n]+)`")
CODE_BLOCK = re.compile(r"```[a-z]*\n(.*?)```", re.S)
LINK = re.compile(r"\]\(([^)\s]+)\)")
SETTING = re.compile(r"\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b")
COMMAND = re.compile(r"manage\.py\s+([a-z_]+)")
# Upper-case names that are not settings: HTTP headers, SQL, shell and tool variables, log fields.
NOT_SETTINGS = {
    "X_FRAME_OPTIONS_DENY", "CONTROL_C", "HTTP_RANGE", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR",
    "REMOTE_ADDR", "PATH_INFO", "HUB_VENV", "CI", "DEBIAN_FRONTEND", "UTF_8", "ISO_639",
}  # fmt: skip


def sources_reading_the_environment() -> str:
    paths = [*ROOT.glob("hub/**/*.py"), *ROOT.glob("deploy/**/*"), *ROOT.glob("scripts/*"), *ROOT.glob(".ci/*")]
    paths += [*ROOT.glob("bench/*.py"), *ROOT.glob("media_pipeline/**/*.py"), *ROOT.glob("tests/**/*.py")]
    return "\n".join(path.read_text(errors="ignore") for path in paths if path.is_file())


def scripts_text() -> str:
    paths = [*ROOT.glob("scripts/*"), *ROOT.glob(".ci/*"), *ROOT.glob("deploy/**/*")]
    return "\n".join(path.read_text(errors="ignore") for path in paths if path.is_file())


def is_read(name: str, code: str) -> bool:
    """A Django setting, read by the code (Python strings or shell variables), or an environment
    variable of another tool that the scripts, CI or deployment files pass on or set."""
    if hasattr(settings, name):
        return True
    if any(form in code for form in (f'"{name}"', f"'{name}'", f"${{{name}", f"${name}", f"{name}=")):
        return True
    return re.search(rf"\b{name}\b", scripts_text()) is not None


def names(document: Path) -> list[str]:
    """Code spans, words of code blocks (paths from the repository's root) and link targets
    (relative to the document, turned into paths from the root)."""
    text = document.read_text()
    found = CODE_SPAN.findall(CODE_BLOCK.sub("", text))
    for block in CODE_BLOCK.findall(text):
        found += block.split()
    for target in LINK.findall(text):
        if "://" in target or target.startswith(("#", "mailto:")):
            continue
        path = (document.parent / target.split("#")[0]).resolve()
        found.append(str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else target)
    return found


def file_candidates(document: Path, name: str) -> list[str]:
    if not name.strip():
        return []
    token = name.split()[0].split("#")[0].split("?")[0].rstrip(".,:;)")
    if "://" in token or token.startswith(("/", "$", "-", "~")):
        return []
    # var/ holds what the hub writes at run time (database, media, logs): made on the first start.
    if token.split("/")[0] not in TOP - {"var"} or "=" in token:
        return []
    if "{" in token:
        head, rest = token.split("{", 1)
        options, tail = rest.split("}", 1)
        return [f"{head}{option}{tail}" for option in options.split(",")]
    return [token]


def exists(pattern: str) -> bool:
    glob = re.sub(r"<[^>]+>", "*", pattern)
    if "*" in glob:
        return any(ROOT.glob(glob.rstrip("/")))
    return (ROOT / glob).exists()


def url_path(name: str) -> str | None:
    token = name.split()[0].rstrip(".,:;)")
    if not token.startswith("/") or token.startswith("//") or "." * 3 in token:
        return None
    if token.split("/")[1] in {"etc", "var", "usr", "tmp", "srv", "opt", "root", "home", "proc", "sys", "dev", "run"}:
        return None  # a folder on a server, not a URL
    token = token.split("?")[0].split("#")[0]
    if token == "/":
        return None  # the root answers with a redirect to the visitor's language
    return re.sub(r"<[^>]+>", "1", token.replace("<lang>", "en"))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_file_the_documentation_names_exists(document):
    missing = [
        candidate for name in names(document) for candidate in file_candidates(document, name) if not exists(candidate)
    ]
    assert missing == [], f"{document.name} names files that do not exist"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_url_path_the_documentation_names_resolves(document):
    unresolved = []
    for name in names(document):
        path = url_path(name)
        if path is None:
            continue
        prefix = path.split("/")[1]
        # Paths under a language prefix resolve while that language is active (i18n_patterns).
        with translation.override(prefix if prefix in dict(settings.LANGUAGES) else None):
            try:
                resolve(path)
            except Resolver404:
                try:  # a prefix, such as /media/: something under it resolves
                    resolve(path + "1")
                except Resolver404:
                    unresolved.append(path)
    assert unresolved == [], f"{document.name} names URL paths that resolve to nothing"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_setting_and_command_the_documentation_names_is_real(document):
    code = sources_reading_the_environment()
    text = document.read_text()
    spans = " ".join(CODE_SPAN.findall(text) + CODE_BLOCK.findall(text))
    unknown_settings = sorted(name for name in set(SETTING.findall(spans)) - NOT_SETTINGS if not is_read(name, code))
    assert unknown_settings == [], f"{document.name} names settings that nothing reads"
    commands = set(get_commands())
    if importlib.util.find_spec("django_rq"):
        commands |= {"rqworker", "rqscheduler"}  # the RQ app, installed with HUB_TASK_BACKEND=rq
    unknown_commands = sorted(set(COMMAND.findall(text)) - commands)
    assert unknown_commands == [], f"{document.name} names manage.py commands that do not exist"


def test_the_readme_links_every_document_and_shows_the_screenshots():
    readme = (ROOT / "README.md").read_text()
    for document in DOCUMENTS[1:]:
        assert f"(docs/{document.name})" in readme, f"the README does not link docs/{document.name}"
    for image in ("home.png", "episode.png", "admin-audio-inspect.png"):
        assert f"(docs/img/{image})" in readme and (ROOT / "docs" / "img" / image).exists()
    assert "(bench/README.md)" in readme and "(media_pipeline/README.md)" in readme
