"""The production profile takes everything from the environment and refuses to run without a key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "hub.settings.production",
    "DJANGO_SECRET_KEY": "k7#Qm2!vX9zR4@pL8wN1&cT6^bY3*hJ5%dF0(gS7)eA2-uK9+oI4",
    "DJANGO_ALLOWED_HOSTS": "hub.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://hub.example.org",
    "DATABASE_URL": "postgres://hub:secret@db.example.org:5432/hub",
    "REDIS_URL": "redis://cache.example.org:6379/0",
    "EMAIL_HOST": "smtp.example.org",
}


def manage(*args, env):
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "HUB_", "DATABASE"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_deploy_check_is_clean_with_the_environment_set():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_reads_database_cache_and_hosts_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], s.CACHES['default']['BACKEND'],"
        " s.ALLOWED_HOSTS, s.DEBUG)"
    )
    result = manage("shell", "-v", "0", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.example.org",
        "hub.ops.cache.ResilientRedisCache",
        "['hub.example.org']",
        "False",
    ]


def test_more_content_languages_are_configuration_not_code():
    code = "from django.conf import settings as s; print([c for c, n in s.WAGTAIL_CONTENT_LANGUAGES])"
    result = manage(
        "shell", "-v", "0", "-c", code, env={**PRODUCTION_ENV, "HUB_EXTRA_CONTENT_LANGUAGES": "fa:فارسی,tr:Türkçe"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['en', 'de', 'el', 'it', 'ar', 'fa', 'tr']"
