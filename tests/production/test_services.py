"""Test runs sharing one Redis server each get a database of their own."""

import os

import pytest
import redis

from .services import RedisLease

pytestmark = pytest.mark.integration


def test_concurrent_runs_lease_separate_redis_databases(services):
    configured = os.environ["HUB_TEST_REDIS_URL"]
    first, second = RedisLease(configured), RedisLease(configured)
    try:
        urls = {services["redis_url"], first.url, second.url}
        assert len(urls) == 3, urls
        assert configured not in urls, "the database of the leases themselves is never leased"
        redis.Redis.from_url(first.url).set("mine", "1")
        assert redis.Redis.from_url(second.url).get("mine") is None
    finally:
        first.release()
        second.release()
    assert redis.Redis.from_url(first.url).dbsize() == 0, "a released database is left empty"
