"""The cache is an accelerator: with Redis gone, pages, feeds, admin saves and the partner rate
limit keep working, /healthz says "degraded", and invalidations lost meanwhile are made good once
Redis answers again.

The cache is the tests' real Redis, reached through a gate that cuts every connection at once.
"""

from __future__ import annotations

import logging
import os
import time
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from hub.core.pagecache import HEADER
from hub.ops import cache as resilient
from hub.radio.models import ShowPage
from tests.production.services import RedisLease

from .gate import Gate

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def redis_db():
    url = os.environ.get("HUB_TEST_REDIS_URL", "")
    if not url:
        pytest.fail("HUB_TEST_REDIS_URL is not set: run scripts/test (it starts Redis).", pytrace=False)
    lease = RedisLease(url)
    yield lease.url
    lease.release()


@pytest.fixture
def gate(redis_db):
    gate = Gate(urlsplit(redis_db).port or 6379)
    gate.open()
    yield gate
    gate.close()


@pytest.fixture
def redis_cache(settings, gate, redis_db):
    settings.CACHES = {
        "default": {
            "BACKEND": "hub.ops.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{gate.port}{urlsplit(redis_db).path}",
            "KEY_PREFIX": "hub",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.HUB_PAGE_CACHE_SECONDS = 300
    resilient._OUTAGES.clear()
    cache.clear()
    yield cache
    gate.open() if gate._server is None else None
    time.sleep(resilient.RETRY_SECONDS)
    cache.clear()
    resilient._OUTAGES.clear()


def wait_for_recovery(client) -> None:
    """The first request after RETRY_SECONDS tries the cache again."""
    time.sleep(resilient.RETRY_SECONDS + 0.1)
    assert client.get("/healthz").json()["checks"]["cache"]["ok"] is True


def test_pages_and_admin_saves_work_without_the_cache_and_nothing_stale_survives_it(
    site_tree, client, admin_client, redis_cache, gate
):
    story = site_tree.page("story")
    url = story.get_url()
    assert client.get(url)[HEADER] == "miss"
    assert client.get(url)[HEADER] == "hit"

    gate.close()
    during = client.get(url)
    assert during.status_code == 200, "rendered from the database"
    assert during.get(HEADER) != "hit"
    response = admin_client.post(f"/admin/pages/{story.pk}/unpublish/", {})
    assert response.status_code == 302, "the admin save succeeds although the page cache cannot be cleared"
    assert client.get(url).status_code == 404

    gate.open()
    wait_for_recovery(client)
    # The cached 200 from before the outage is still in Redis; the lost invalidation was made good.
    assert client.get(url).status_code == 404


def test_feeds_are_built_from_the_database_while_the_cache_is_down(site_tree, client, redis_cache, gate):
    show = ShowPage.objects.get(pk=site_tree.page("show").pk)
    feed = f"/feeds/shows/{show.pk}.xml"
    first = client.get(feed)
    assert first.status_code == 200
    gate.close()
    for _ in range(3):
        response = client.get(feed)
        assert response.status_code == 200
        assert response.content == first.content


def test_healthz_says_degraded_not_failed(db, client, redis_cache, gate):
    assert client.get("/healthz").json()["status"] == "ok"
    gate.close()
    response = client.get("/healthz")
    assert response.status_code == 200, "the node still serves: it stays in the load balancer"
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["ok"] is False
    assert all(body["checks"][name]["ok"] for name in ("database", "queue", "storage"))
    gate.open()
    wait_for_recovery(client)
    body = client.get("/healthz").json()
    assert body["status"] == "degraded", "for a while after an outage, so that a probe notices it"
    assert body["checks"]["cache"]["errors"] >= 1


def test_an_outage_is_logged_once_not_per_request(site_tree, client, redis_cache, gate, caplog):
    url = site_tree.page("story").get_url()
    gate.close()
    caplog.set_level(logging.WARNING, logger="hub.ops.cache")
    for _ in range(5):
        assert client.get(url).status_code == 200
        time.sleep(0.3)
    starts = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(starts) == 1
    outage = resilient.outage_of("default")
    assert outage.errors >= 2, "retried after RETRY_SECONDS"
    assert outage.skipped > outage.errors, "in between, the cache is not even tried"


def test_failed_partner_tokens_are_still_limited_without_the_cache(site_tree, client, redis_cache, gate, settings):
    settings.HUB_PARTNER_FAILURE_LIMIT = 3
    gate.close()
    address = {"REMOTE_ADDR": "198.51.100.77"}
    for attempt in range(3):
        assert client.get(f"/feeds/partners/guess-{attempt}/feed.xml", **address).status_code == 404
    limited = client.get("/feeds/partners/guess-again/feed.xml", **address)
    assert limited.status_code == 429
    assert client.get("/feeds/partners/guess-x/feed.xml", REMOTE_ADDR="198.51.100.78").status_code == 404
