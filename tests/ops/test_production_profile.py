"""The scale-out configuration comes from the environment alone, and `check --deploy` stays clean."""

import json
import os
import subprocess
import sys

import pytest

from .env import BASE_ENV, ROOT, SCALE_OUT_ENV, manage, settings_of


def test_rq_backend_with_separate_queues_from_the_environment():
    value = settings_of(
        SCALE_OUT_ENV,
        "__import__('json').dumps([s.TASKS['default']['BACKEND'], s.TASKS['default']['QUEUES'],"
        " {k: v['URL'] for k, v in s.RQ_QUEUES.items()}, s.RQ['JOB_CLASS'], 'django_rq' in s.INSTALLED_APPS,"
        " s.TASKS['default']['OPTIONS']['POLICIES'], s.TASKS['default']['OPTIONS']['BACKOFF']])",
    )
    backend, queues, urls, job_class, has_django_rq, policies, backoff = json.loads(value)
    assert backend == "hub.ops.jobs.HubRQBackend"
    assert queues == ["default", "audio"]
    assert urls == dict.fromkeys(["default", "audio"], "redis://queues.example.org:6379/0")
    assert job_class == "django_tasks_rq.Job"
    assert has_django_rq
    assert policies == {"hub.audio.tasks.process_audio_task": "hub.ops.jobs.AudioProcessingPolicy"}
    assert backoff == [30, 120, 600]


def test_retries_and_audio_time_limits_are_configurable():
    env = {
        **SCALE_OUT_ENV,
        "HUB_TASK_RETRIES": "5",
        "HUB_TASK_RETRY_BACKOFF": "10,20",
        "HUB_AUDIO_JOB_TIMEOUT_BASE": "900",
        "HUB_AUDIO_JOB_TIMEOUT_PER_SECOND": "2.5",
    }
    options = json.loads(settings_of(env, "__import__('json').dumps(s.TASKS['default']['OPTIONS'])"))
    assert (options["RETRIES"], options["BACKOFF"]) == (5, [10, 20])
    assert (options["AUDIO_TIMEOUT_BASE"], options["AUDIO_TIMEOUT_PER_SECOND"]) == (900, 2.5)


def test_rq_needs_redis():
    env = {**BASE_ENV, "HUB_TASK_BACKEND": "rq"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "HUB_TASK_BACKEND=rq needs REDIS_URL" in result.stderr


def test_an_unknown_task_backend_is_refused():
    result = manage("check", env={**BASE_ENV, "HUB_TASK_BACKEND": "celery"})
    assert result.returncode != 0
    assert "HUB_TASK_BACKEND='celery' is not supported" in result.stderr


def test_cache_and_queues_may_live_in_separate_redis_instances():
    assert settings_of(SCALE_OUT_ENV, "s.CACHES['default']['LOCATION']") == "redis://cache.example.org:6379/1"
    assert settings_of({**SCALE_OUT_ENV, "HUB_CACHE_URL": "dummy://"}, "s.CACHES['default']['BACKEND']") == (
        "django.core.cache.backends.dummy.DummyCache"
    )
    result = manage("check", env={**SCALE_OUT_ENV, "HUB_CACHE_URL": "memcached://x"})
    assert result.returncode != 0


def test_public_media_and_private_evidence_in_separate_buckets():
    storages = json.loads(
        settings_of(
            SCALE_OUT_ENV,
            "__import__('json').dumps({a: {k: v for k, v in c.get('OPTIONS', {}).items() if k != 'client_config'}"
            " for a, c in s.STORAGES.items()}, default=str)",
        )
    )
    public, private = storages["default"], storages["private"]
    assert (public["bucket_name"], public["querystring_auth"], public["custom_domain"]) == (
        "hub-media",
        False,
        "media.hub.example.org",
    )
    assert (private["bucket_name"], private["querystring_auth"], private["custom_domain"]) == (
        "hub-consent",
        True,
        None,
    )
    assert private["querystring_expire"] == 300
    assert private["location"] == "private"
    backends = settings_of(SCALE_OUT_ENV, "s.STORAGES['default']['BACKEND'], s.STORAGES['private']['BACKEND']")
    assert backends.split() == ["hub.ops.s3.MediaS3Storage"] * 2


def test_check_deploy_is_clean_for_the_scale_out_profile():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=SCALE_OUT_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("private_bucket", [None, "hub-media", " hub-media "])
def test_a_private_bucket_missing_or_equal_to_the_public_one_is_refused_at_start(private_bucket):
    env = {k: v for k, v in SCALE_OUT_ENV.items() if k != "HUB_S3_PRIVATE_BUCKET"}
    if private_bucket is not None:
        env["HUB_S3_PRIVATE_BUCKET"] = private_bucket
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "HUB_S3_PRIVATE_BUCKET must name a second bucket" in result.stderr
    assert "docs/security.md" in result.stderr


def test_the_gunicorn_configuration_loads():
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUB_", "DATABASE", "REDIS"))}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env={**inherited, **SCALE_OUT_ENV, "WEB_CONCURRENCY": "3"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_is_clean_for_one_machine(tmp_path):
    """Only the required variables: SQLite, local disk, the database task backend."""
    env = {k: v for k, v in BASE_ENV.items() if k != "DATABASE_URL"} | {"HUB_VAR_DIR": str(tmp_path)}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    engine, backend = settings_of(env, "s.DATABASES['default']['ENGINE'], s.TASKS['default']['BACKEND']").split()
    assert (engine, backend) == ("django.db.backends.sqlite3", "django_tasks_db.DatabaseBackend")


def test_upload_limits_come_from_the_environment():
    env = {
        **BASE_ENV,
        "HUB_AUDIO_MAX_UPLOAD_BYTES": "1000000000",
        "HUB_IMAGE_MAX_UPLOAD_BYTES": "5000000",
        "HUB_DOCUMENT_MAX_UPLOAD_BYTES": "7000000",
    }
    limits = settings_of(
        env, "s.HUB_AUDIO_MAX_UPLOAD_BYTES, s.WAGTAILIMAGES_MAX_UPLOAD_SIZE, s.WAGTAILDOCS_MAX_UPLOAD_SIZE"
    )
    assert limits.split() == ["1000000000", "5000000", "7000000"]
    defaults = settings_of(BASE_ENV, "s.WAGTAILIMAGES_MAX_UPLOAD_SIZE, s.WAGTAILDOCS_MAX_UPLOAD_SIZE")
    assert defaults.split() == [str(10 * 1024 * 1024), str(20 * 1024 * 1024)]


def test_the_wsgi_module_loads_the_url_configuration():
    """gunicorn forks its workers from a master that imported hub.wsgi: nothing left to import on a first page."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUB_", "DATABASE", "REDIS"))}
    code = "import sys, hub.wsgi; print(sorted(m for m in ('hub.urls', 'wagtail.admin.urls') if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**inherited, **BASE_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "['hub.urls', 'wagtail.admin.urls']"
