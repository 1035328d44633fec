"""Run manage.py under the production profile with a given environment (and nothing inherited)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "hub.settings.production",
    "DJANGO_SECRET_KEY": "p5#Zr8!kW2@qN7&vB4^tX9*mL1%hC6(jD3)fG0-sY8+eU5_aR2",
    "DJANGO_ALLOWED_HOSTS": "hub.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://hub.example.org",
    "DATABASE_URL": "postgres://hub:secret@db.example.org:5432/hub",
    "EMAIL_HOST": "smtp.example.org",
}

SCALE_OUT_ENV = {
    **BASE_ENV,
    "REDIS_URL": "redis://queues.example.org:6379/0",
    "HUB_CACHE_URL": "redis://cache.example.org:6379/1",
    "HUB_TASK_BACKEND": "rq",
    "HUB_S3_BUCKET": "hub-media",
    "HUB_S3_PRIVATE_BUCKET": "hub-consent",
    "HUB_S3_REGION": "eu-central-1",
    "HUB_S3_CUSTOM_DOMAIN": "media.hub.example.org",
    "HUB_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "HUB_S3_SECRET_ACCESS_KEY": "example-secret",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUB_", "DATABASE", "REDIS"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_of(env: dict[str, str], expression: str) -> str:
    """The value of a Python expression over ``django.conf.settings`` (as ``s``) in that environment."""
    result = manage("shell", "-v", "0", "-c", f"from django.conf import settings as s; print({expression})", env=env)
    if result.returncode != 0:
        raise AssertionError(result.stderr)
    return result.stdout.strip()
