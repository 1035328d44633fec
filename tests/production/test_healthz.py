"""/healthz: 200 when every service answers, 503 naming the one that does not (a dead port);
a dead cache only degrades the node (200, "degraded"): it serves from the database."""

import json
import subprocess
import sys

import pytest
import requests

from .conftest import database_url, production_env
from .services import ROOT, free_port

# Transactional: the web node and the workers are other processes, they see only committed rows.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

COMPONENTS = ("database", "cache", "queue", "storage")


def test_a_web_node_is_healthy_when_every_service_answers(web):
    response = requests.get(f"{web.base}/healthz", timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == dict.fromkeys(COMPONENTS, True)
    assert body["checks"]["database"]["vendor"] == "postgresql"
    assert body["checks"]["cache"]["backend"] == "ResilientRedisCache"
    assert body["checks"]["queue"] == {**body["checks"]["queue"], "backend": "rq", "queues": "audio,default"}
    assert body["checks"]["storage"]["default"] == body["checks"]["storage"]["private"] == "s3"
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_load_balancers_probe_by_address_over_plain_http(web):
    """No allowed host name, no X-Forwarded-Proto: /healthz answers, other paths refuse the host."""
    probe = requests.get(f"{web.base}/healthz", headers={"Host": "10.1.2.3:8000"}, timeout=30)
    assert probe.status_code == 200
    other = requests.get(f"{web.base}/en/", headers={"Host": "10.1.2.3:8000"}, timeout=30)
    assert other.status_code == 400


def _healthz_with(env) -> tuple[int, dict]:
    """Call /healthz in a fresh production process configured by ``env``."""
    code = (
        "from django.test import Client; r = Client().get('/healthz', HTTP_HOST='127.0.0.1');"
        "print(r.status_code); print(r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split("\n", 1)
    return int(status), json.loads(body)


@pytest.mark.parametrize("component", COMPONENTS)
def test_a_dead_service_makes_the_node_unhealthy_or_degraded(component, services, moto, redis_url):
    dead = free_port()  # nothing listens there
    good_database = database_url()
    env = production_env(database_url=good_database, redis_url=redis_url, moto=moto, HUB_CACHE_URL=redis_url)
    if component == "database":
        env["DATABASE_URL"] = database_url().replace(f":{_port(good_database)}/", f":{dead}/")
    elif component == "cache":
        env["HUB_CACHE_URL"] = f"redis://127.0.0.1:{dead}/0"
    elif component == "queue":
        env["REDIS_URL"] = f"redis://127.0.0.1:{dead}/0"
    else:
        env["HUB_S3_ENDPOINT_URL"] = f"http://127.0.0.1:{dead}"

    status, body = _healthz_with(env)

    if component == "cache":
        assert (status, body["status"]) == (200, "degraded")
    else:
        assert (status, body["status"]) == (503, "fail")
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        name: name != component for name in COMPONENTS
    }
    assert body["checks"][component]["error"], "the failed check names the kind of error"
    assert str(dead) not in json.dumps(body), "addresses stay in the log, out of the public answer"


def _port(url: str) -> str:
    return url.rsplit(":", 1)[1].split("/", 1)[0]
