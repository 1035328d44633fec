"""/healthz in the test process: every check passes on the embedded setup; a dead port fails one."""

import pytest

from .dead import dead_port

pytestmark = pytest.mark.django_db


def test_healthy_embedded_setup(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "queue", "storage"}
    assert body["checks"]["storage"] == {**body["checks"]["storage"], "default": "filesystem", "private": "filesystem"}
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_a_cache_on_a_dead_port_is_reported(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 2},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200, "without its cache the node still serves, from the database"
    assert response.json()["status"] == "degraded"
    checks = response.json()["checks"]
    assert checks["cache"]["ok"] is False
    assert checks["cache"]["error"] == "ConnectionError"
    assert all(checks[name]["ok"] for name in ("database", "queue", "storage"))


def test_a_bucket_behind_a_dead_port_is_reported(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "media",
                "endpoint_url": f"http://127.0.0.1:{dead_port()}",
                "access_key": "x",
                "secret_key": "y",
                "region_name": "eu-central-1",
            },
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {
        **response.json()["checks"]["storage"],
        "ok": False,
        "error": "EndpointConnectionError",
    }


def test_a_cache_turned_off_on_purpose_is_not_a_failure(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"]["backend"] == "DummyCache"
