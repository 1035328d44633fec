"""Fixtures for the production profile against real services.

PostgreSQL and Redis are the machine's own (``scripts/services.sh`` starts them; ``scripts/test``
exports ``HUB_TEST_DATABASE_URL`` and ``HUB_TEST_REDIS_URL``); moto's S3 server, gunicorn and the
RQ workers are started here, on free ports of 127.0.0.1. Nothing is skipped: a missing service
fails the tests with a message that says how to provide it.

The test process plays the editor's side where convenient (creating pages, reading rows); the
web node and the workers are separate processes configured by the environment alone, exactly as
on a server: ``DJANGO_SETTINGS_MODULE=hub.settings.production`` plus the variables of docs/production.md.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import redis
import requests
from django.db import connection

from .services import (
    ROOT,
    S3_KEY_ID,
    S3_REGION,
    S3_SECRET,
    SECRET_KEY,
    MotoServer,
    Process,
    RedisLease,
    free_port,
    public_read_policy,
    tail,
    wait_for,
)

PUBLIC_BUCKET = "hub-media"
PRIVATE_BUCKET = "hub-private"
HOW_TO = "Run scripts/test (it starts PostgreSQL and Redis), or scripts/services.sh and export what it prints."


@pytest.fixture(scope="session")
def services(django_db_setup):
    if connection.vendor != "postgresql":
        pytest.fail(
            "The integration tests run on PostgreSQL, but the test database is "
            f"{connection.vendor}: set HUB_TEST_DATABASE_URL. {HOW_TO}",
            pytrace=False,
        )
    redis_url = os.environ.get("HUB_TEST_REDIS_URL", "")
    if not redis_url:
        pytest.fail(f"HUB_TEST_REDIS_URL is not set. {HOW_TO}", pytrace=False)
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {redis_url} does not answer ({exc}). {HOW_TO}", pytrace=False)
    # A Redis database of this run's own: test runs of other engineers on the same server empty theirs.
    lease = RedisLease(redis_url)
    try:
        yield {"redis_url": lease.url}
    finally:
        lease.release()


def database_url(name: str | None = None) -> str:
    db = connection.settings_dict
    if not str(db["NAME"]).startswith("test_"):
        raise RuntimeError("The test database is not set up: mark the test django_db(transaction=True).")
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name or db['NAME']}"


@pytest.fixture(scope="session")
def moto(tmp_path_factory):
    server = MotoServer(tmp_path_factory.mktemp("moto") / "moto.log")
    client = server.client()
    for bucket in (PUBLIC_BUCKET, PRIVATE_BUCKET):
        client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_REGION})
    client.put_bucket_policy(Bucket=PUBLIC_BUCKET, Policy=public_read_policy(PUBLIC_BUCKET))
    yield server
    server.stop()


@pytest.fixture
def s3(moto):
    return moto.client()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """collectstatic once, as a deployment does: WhiteNoise's manifest storage needs it."""
    root = tmp_path_factory.mktemp("static")
    env = production_env(static_root=root, database_url="")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return root


def production_env(
    *, database_url: str, redis_url: str = "", moto: MotoServer | None = None, static_root=None, **extra: str
) -> dict[str, str]:
    """The environment of a production node: nothing but variables (see the table in docs/production.md)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUB_", "DATABASE_", "REDIS_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "hub.settings.production",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # The tests talk to gunicorn directly; X-Forwarded-Proto tells it the request came over HTTPS.
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "HUB_LOG_FORMAT": "json",
            "HUB_TASK_RETRY_BACKOFF": "2,2,2",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env.update({"REDIS_URL": redis_url, "HUB_TASK_BACKEND": "rq"})
    if moto is not None:
        env.update(
            {
                "HUB_S3_BUCKET": PUBLIC_BUCKET,
                "HUB_S3_PRIVATE_BUCKET": PRIVATE_BUCKET,
                "HUB_S3_ENDPOINT_URL": moto.endpoint,
                "HUB_S3_REGION": S3_REGION,
                "HUB_S3_ACCESS_KEY_ID": S3_KEY_ID,
                "HUB_S3_SECRET_ACCESS_KEY": S3_SECRET,
            }
        )
    if static_root is not None:
        env["HUB_STATIC_ROOT"] = str(static_root)
    env.update(extra)
    return env


@pytest.fixture
def redis_url(services):
    """The tests' Redis database, emptied: no job of an earlier test is left in a queue."""
    url = services["redis_url"]
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def node_env(services, moto, static_root, redis_url):
    """Environment for gunicorn and RQ workers on the test database, Redis and the S3 server."""
    return production_env(database_url=database_url(), redis_url=redis_url, moto=moto, static_root=static_root)


@pytest.fixture
def hub_settings(settings, moto, redis_url):
    """The test process configured like a production node, so what it stores and enqueues is shared."""
    s3 = {
        "bucket_name": PUBLIC_BUCKET,
        "endpoint_url": moto.endpoint,
        "region_name": S3_REGION,
        "access_key": S3_KEY_ID,
        "secret_key": S3_SECRET,
        "signature_version": "s3v4",
        "file_overwrite": False,
        "default_acl": None,
    }
    settings.STORAGES = {
        "default": {"BACKEND": "hub.ops.s3.MediaS3Storage", "OPTIONS": {**s3, "querystring_auth": False}},
        "private": {
            "BACKEND": "hub.ops.s3.MediaS3Storage",
            "OPTIONS": {**s3, "bucket_name": PRIVATE_BUCKET, "location": "private", "querystring_expire": 300},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The same cache as the web node, so that what this process publishes clears the node's feed cache.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "hub",
        }
    }
    settings.RQ_QUEUES = {name: {"URL": redis_url, "DEFAULT_TIMEOUT": 600} for name in ("default", "audio")}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    settings.TASKS = rq_tasks_setting()
    return settings


def rq_tasks_setting(**options) -> dict:
    """TASKS as the production profile builds it for HUB_TASK_BACKEND=rq (defaults of docs/production.md)."""
    return {
        "default": {
            "BACKEND": "hub.ops.jobs.HubRQBackend",
            "QUEUES": ["default", "audio"],
            "OPTIONS": {
                "TIMEOUT": 600,
                "RETRIES": 3,
                "BACKOFF": [2, 2, 2],
                "AUDIO_TIMEOUT_BASE": 600,
                "AUDIO_TIMEOUT_PER_SECOND": 4.0,
                "POLICIES": {"hub.audio.tasks.process_audio_task": "hub.ops.jobs.AudioProcessingPolicy"},
                **options,
            },
        }
    }


@pytest.fixture(scope="session")
def web(services, moto, static_root, tmp_path_factory):
    """A web node: gunicorn with deploy/gunicorn.conf.py and two workers."""
    port = free_port()
    env = production_env(
        database_url=database_url(),
        redis_url=services["redis_url"],
        moto=moto,
        static_root=static_root,
        HUB_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        HUB_SERVICE_NAME="web",
    )
    log = tmp_path_factory.mktemp("web") / "gunicorn.log"
    process = Process(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "hub.wsgi:application"], env, log
    )
    base = f"http://127.0.0.1:{port}"
    if not wait_for(lambda: requests.get(f"{base}/healthz", timeout=5).status_code in (200, 503), timeout=60):
        process.stop()
        pytest.fail(f"gunicorn did not start:\n{tail(log)}", pytrace=False)
    process.base = base
    yield process
    process.stop()


@pytest.fixture
def start_worker(node_env, tmp_path):
    """Start RQ worker processes (``manage.py rqworker``), each on its own log; stopped afterwards."""
    workers = []

    def start(*queues: str, name: str = "worker", **extra: str) -> Process:
        env = {**node_env, "HUB_SERVICE_NAME": name, **extra}
        argv = [sys.executable, "manage.py", "rqworker", *(queues or ("audio", "default")), "--with-scheduler"]
        worker = Process(argv, env, tmp_path / f"{name}.log")
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
