"""HTTP that podcast apps and pollers rely on: validators, 304 (also gzipped), HEAD, caching, invalidation."""

import gzip
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from hub.audio.models import Rendition
from hub.radio.models import Contributor, EpisodePage

from .conftest import fresh, make_episode, publish, rich_episode

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed_url(show):
    return f"/feeds/shows/{show.pk}.xml"


def test_headers(client, show, feed_url, settings):
    settings.HUB_FEED_MAX_AGE = 120
    make_episode(show)
    response = client.get(feed_url)
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert response["Cache-Control"] == "public, max-age=120"
    assert "Accept-Encoding" in response["Vary"]
    assert int(response["Content-Length"]) == len(response.content)
    assert response["Last-Modified"]


def test_etag_is_a_hash_of_the_content(client, show, feed_url):
    make_episode(show)
    first = client.get(feed_url)
    from django.core.cache import cache

    cache.clear()  # rebuilt from scratch, the same content gives the same validators
    second = client.get(feed_url)
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    assert first["Last-Modified"] == second["Last-Modified"]


def test_last_modified_comes_from_the_content(client, show, feed_url):
    episode = make_episode(show)
    response = client.get(feed_url)
    newest = max(
        [fresh(episode).last_published_at, fresh(show).last_published_at]
        + [r.created_at for r in Rendition.objects.filter(asset=episode.audio)]
    )
    assert response["Last-Modified"] == http_date(int(newest.timestamp()))


def test_conditional_get(client, show, feed_url):
    make_episode(show)
    response = client.get(feed_url)
    etag, modified = response["ETag"], response["Last-Modified"]
    not_modified = client.get(feed_url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert not_modified["Cache-Control"].startswith("public")
    assert client.get(feed_url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(feed_url, headers={"If-None-Match": '"something-else"'}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110).
    both = client.get(feed_url, headers={"If-None-Match": '"other"', "If-Modified-Since": modified})
    assert both.status_code == 200
    earlier = http_date(time.time() - 10 * 365 * 86400)
    assert client.get(feed_url, headers={"If-Modified-Since": earlier}).status_code == 200


def test_gzip_and_conditional_get_under_gzip(client, show, feed_url):
    make_episode(show)
    plain = client.get(feed_url)
    zipped = client.get(feed_url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert zipped["ETag"] != plain["ETag"]
    assert int(zipped["Content-Length"]) == len(zipped.content)
    # The client revalidates with the ETag of the representation it got, or a weakened one
    # (GZipMiddleware and proxies rewrite strong ETags to W/"..."): all mean "unchanged".
    for etag in [zipped["ETag"], plain["ETag"], "W/" + zipped["ETag"], "W/" + plain["ETag"]]:
        response = client.get(feed_url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
        assert response.status_code == 304, etag
    assert client.get(feed_url, headers={"Accept-Encoding": "gzip;q=0"}).get("Content-Encoding") is None


def test_head(client, show, feed_url):
    make_episode(show)
    full = client.get(feed_url)
    head = client.head(feed_url)
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(full.content))
    assert head["ETag"] == full["ETag"]
    assert head["Content-Type"] == full["Content-Type"]
    assert client.head(feed_url, headers={"If-None-Match": full["ETag"]}).status_code == 304


def test_other_methods_are_refused(client, feed_url):
    assert client.post(feed_url).status_code == 405


def test_warm_requests_do_not_touch_the_database(client, show, feed_url):
    for _ in range(5):
        make_episode(show)
    client.get(feed_url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(feed_url)
        conditional = client.get(feed_url, headers={"If-None-Match": response["ETag"]})
    assert response.status_code == 200 and conditional.status_code == 304
    assert len(queries) == 0, [q["sql"] for q in queries]


def _changed(client, feed_url, before):
    after = client.get(feed_url)
    return after["ETag"] != before["ETag"], after


def test_invalidated_when_an_episode_changes(client, show, feed_url):
    episode = rich_episode(show)
    before = client.get(feed_url)
    page = fresh(episode)
    page.title = "A new title"
    publish(page)
    changed, after = _changed(client, feed_url, before)
    assert changed and b"A new title" in after.content


def test_invalidated_when_a_rendition_changes(client, show, feed_url):
    episode = make_episode(show)
    before = client.get(feed_url)
    Rendition.objects.filter(asset=episode.audio, preset="podcast-mp3").get().delete()
    changed, after = _changed(client, feed_url, before)
    assert changed and episode.title.encode() not in after.content


def test_invalidated_when_a_contributor_changes(client, show, feed_url):
    rich_episode(show)
    before = client.get(feed_url)
    contributor = Contributor.objects.get(name="Amina K.")
    contributor.name = "Amina Karimi"
    contributor.save()
    changed, after = _changed(client, feed_url, before)
    assert changed and b"Amina Karimi" in after.content
    # Last-Modified moves on even though the contributor row has no timestamp.
    assert after["Last-Modified"] != before["Last-Modified"] or after["ETag"] != before["ETag"]
    assert client.get(feed_url, headers={"If-Modified-Since": before["Last-Modified"]}).status_code in (200, 304)


def test_invalidated_on_unpublish_and_publish(client, show, feed_url):
    episode = make_episode(show, title="Comes and goes")
    assert b"Comes and goes" in client.get(feed_url).content
    fresh(episode).unpublish()
    assert b"Comes and goes" not in client.get(feed_url).content
    publish(fresh(episode))
    assert b"Comes and goes" in client.get(feed_url).content


def test_invalidated_when_the_show_changes(client, show, feed_url):
    before = client.get(feed_url)
    page = fresh(show)
    page.description = "A brand new description."
    publish(page)
    changed, after = _changed(client, feed_url, before)
    assert changed and b"A brand new description." in after.content


def test_embargo_end_is_not_served_stale(client, show, feed_url):
    from datetime import timedelta

    from django.utils import timezone

    episode = make_episode(show, title="Soon", public_release_at=timezone.now() + timedelta(seconds=2))
    assert b"Soon" not in client.get(feed_url).content
    # Nothing is saved when the embargo ends: the cache entry must simply not outlive it.
    EpisodePage.objects.filter(pk=episode.pk).update(public_release_at=timezone.now() + timedelta(seconds=1))
    time.sleep(2.2)
    assert b"Soon" in client.get(feed_url).content


def test_a_feed_whose_body_left_the_cache_is_built_again(client, show, feed_url):
    from django.core.cache import cache

    from hub.feeds import cache as feed_cache

    make_episode(show, title="Still there")
    first = client.get(feed_url)
    entry = feed_cache.lookup(f"path:{feed_url}:http://testserver")
    assert entry is not None and entry.body is None, "validators are cached apart from the bodies"
    cache.delete(entry.key + ":body")  # evicted under memory pressure
    again = client.get(feed_url)
    assert again.status_code == 200 and again.content == first.content
    assert client.get(feed_url, headers={"If-None-Match": first["ETag"]}).status_code == 304
