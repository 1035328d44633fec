"""The table of the production profile's environment (docs/production.md) and the code that reads it agree."""

import re

from .env import ROOT

# Where the production profile reads its environment: the settings (but the test profile's), the
# gunicorn configuration, and the ops package (logs).
SOURCES = [
    *sorted(path for path in (ROOT / "hub" / "settings").glob("*.py") if path.name != "test.py"),
    ROOT / "deploy" / "gunicorn.conf.py",
    *sorted((ROOT / "hub" / "ops").rglob("*.py")),
]
READ = re.compile(
    r"""(?:os\.environ\.get|os\.environ\.setdefault|os\.getenv|env_list|env_bool|env_int|env_float|environ\[)"""
    r"""\(?\s*["']([A-Z][A-Z0-9_]+)["']"""
)
# Read from a WSGI environ or a request, not from the process environment.
NOT_SETTINGS = {"HTTP_RANGE", "HTTP_USER_AGENT", "HTTP_X_FORWARDED_FOR", "PATH_INFO", "REMOTE_ADDR", "REQUEST_METHOD"}

# What issue 7 asks the table to cover, each by the variable(s) that configure it.
ISSUE_ITEMS = {
    "secret key": ["DJANGO_SECRET_KEY"],
    "allowed hosts": ["DJANGO_ALLOWED_HOSTS"],
    "CSRF origins": ["DJANGO_CSRF_TRUSTED_ORIGINS"],
    "database URL": ["DATABASE_URL"],
    "Redis URL": ["REDIS_URL"],
    "task backend": ["HUB_TASK_BACKEND"],
    "storage bucket": ["HUB_S3_BUCKET"],
    "storage endpoint": ["HUB_S3_ENDPOINT_URL"],
    "storage keys": ["HUB_S3_ACCESS_KEY_ID", "HUB_S3_SECRET_ACCESS_KEY"],
    "storage region": ["HUB_S3_REGION"],
    "public/CDN domain": ["HUB_S3_CUSTOM_DOMAIN"],
    "private bucket or prefix": ["HUB_S3_PRIVATE_BUCKET", "HUB_S3_PRIVATE_PREFIX"],
    "cache": ["HUB_CACHE_URL"],
    "e-mail": ["EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS"],
    "WebSub hub": ["HUB_WEBSUB_HUB"],
    "maximum upload size": [
        "HUB_AUDIO_MAX_UPLOAD_BYTES",
        "HUB_IMAGE_MAX_UPLOAD_BYTES",
        "HUB_DOCUMENT_MAX_UPLOAD_BYTES",
    ],
}


def documented() -> set[str]:
    readme = (ROOT / "docs" / "production.md").read_text()
    start = readme.index("| variable | meaning | default |")
    table = readme[start : readme.index("\n\n", start)]
    names = set()
    for row in table.splitlines()[2:]:
        first_cell = row.split("|")[1]
        names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def read_by_the_code() -> set[str]:
    names = set()
    for path in SOURCES:
        names |= set(READ.findall(path.read_text()))
    return names - NOT_SETTINGS


def test_every_variable_the_code_reads_is_in_the_readme_table():
    missing = read_by_the_code() - documented()
    assert not missing, f"read but not documented in the README's table: {sorted(missing)}"


def test_every_variable_in_the_readme_table_is_read():
    unused = documented() - read_by_the_code()
    assert not unused, f"documented but read nowhere: {sorted(unused)}"


def test_every_setting_the_issue_names_is_documented():
    table = documented()
    for item, names in ISSUE_ITEMS.items():
        assert set(names) <= table, f"{item}: {sorted(set(names) - table)} missing from the README's table"
    assert "HUB_S3_PREFIX" in table, "the public prefix, too"
