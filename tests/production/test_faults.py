"""A production web node keeps serving when parts fail (the behaviours of bench/faults.py).

gunicorn with deploy/gunicorn.conf.py reaches PostgreSQL and the Redis cache through gates that
cut every connection at once: the cache going away must cost nothing but speed, the database
going away must leave cached pages, feeds, enclosures and partner feeds up and answer everything
else with a translated 503 and Retry-After; a hundred idle connections must not stall the node;
and a render whose worker is killed with SIGKILL must be taken up again by a new worker.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from django.utils import timezone

from hub.audio.factories import AudioAssetFactory
from hub.audio.models import AudioAsset, AudioStatus
from hub.partners.factories import PartnerOrganisationFactory
from hub.partners.models import PartnerFeedToken, PartnerShowSubscription
from tests.feeds.conftest import add_renditions
from tests.ops.gate import Gate

from .conftest import PRIVATE_BUCKET, database_url, production_env
from .services import ROOT, Process, free_port, kill_tree, tail, wait_for
from .site import add_episode, make_show

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture
def gates(redis_url):
    db = urlsplit(database_url())
    redis = urlsplit(redis_url)
    database_gate, cache_gate = Gate(db.port or 5432), Gate(redis.port or 6379)
    database_gate.open()
    cache_gate.open()
    yield database_gate, cache_gate
    database_gate.close()
    cache_gate.close()


@pytest.fixture
def node(gates, services, moto, static_root, redis_url, tmp_path):
    """A web node whose database and cache connections go through the gates."""
    database_gate, cache_gate = gates
    db = urlsplit(database_url())
    port = free_port()
    env = production_env(
        database_url=database_url().replace(f"@{db.hostname}:{db.port}/", f"@127.0.0.1:{database_gate.port}/"),
        redis_url=redis_url,
        moto=moto,
        static_root=static_root,
        HUB_CACHE_URL=f"redis://127.0.0.1:{cache_gate.port}{urlsplit(redis_url).path}",
        HUB_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        HUB_SERVICE_NAME="web",
        # moto answers unsigned requests for any bucket; bucket policies are tests/production/test_storage.py's.
        HUB_VERIFY_PRIVATE_STORAGE="false",
    )
    log = tmp_path / "gunicorn.log"
    process = Process([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"], env, log)
    process.base = f"http://127.0.0.1:{port}"
    if not wait_for(lambda: requests.get(f"{process.base}/healthz", timeout=5).status_code == 200, timeout=90):
        process.stop()
        pytest.fail(f"gunicorn did not start:\n{tail(log)}", pytrace=False)
    yield process
    process.stop()


@pytest.fixture
def content(hub_settings):
    show = make_show()
    asset = AudioAssetFactory()
    add_renditions(asset)
    episode = add_episode(show, asset, title="Crossing the river", partner_release_at=timezone.now() - timedelta(1))
    partner = PartnerOrganisationFactory(name="Radio Gate", is_broadcast_partner=True)
    PartnerShowSubscription.objects.create(partner=partner, show=show)
    token = PartnerFeedToken(partner=partner, label="Playout")
    raw = token.set_new_token()
    token.save()
    return {
        "page": urlsplit(episode.full_url).path,
        "feed": f"/feeds/shows/{show.pk}.xml",
        "enclosure": f"/feeds/episodes/{episode.pk}.mp3",
        "partner feed": f"/feeds/partners/{raw}/feed.xml",
    }


def get(node, path, **headers):
    return requests.get(node.base + path, headers={**HTTPS, **headers}, allow_redirects=False, timeout=30)


def warm(node, content):
    for name, path in content.items():
        response = get(node, path)
        assert response.status_code in (200, 302), f"{name}: {response.status_code}\n{tail(node.log)}"


def test_without_the_cache_everything_is_served_from_the_database(node, gates, content):
    _database_gate, cache_gate = gates
    warm(node, content)
    cache_gate.close()
    statuses = {name: {get(node, path).status_code for _ in range(5)} for name, path in content.items()}
    assert statuses == {name: {302 if name == "enclosure" else 200} for name in content}, tail(node.log)
    health = requests.get(f"{node.base}/healthz", timeout=30)
    assert (health.status_code, health.json()["status"]) == (200, "degraded")

    cache_gate.open()
    assert wait_for(lambda: requests.get(f"{node.base}/healthz", timeout=10).json()["checks"]["cache"]["ok"], 30)
    assert get(node, content["feed"]).status_code == 200


def test_without_the_database_cached_answers_stay_up_and_the_rest_is_a_503(node, gates, content):
    database_gate, _cache_gate = gates
    warm(node, content)
    warm(node, content)  # the second round is answered from the cache (and fills the decisions)
    database_gate.close()

    for name, path in content.items():
        for _ in range(3):
            response = get(node, path)
            assert response.status_code in (200, 302), f"{name}: {response.status_code}\n{tail(node.log)}"
    uncached = get(node, content["page"].replace("/en/", "/de/", 1) + "?utm_source=outage")
    assert uncached.status_code == 503
    assert int(uncached.headers["Retry-After"]) > 0
    assert "Datenbank" in uncached.text, "translated"
    login = get(node, "/admin/login/")
    assert login.status_code == 503
    assert requests.get(f"{node.base}/healthz", timeout=30).status_code == 503

    database_gate.open()
    assert wait_for(lambda: get(node, content["page"] + "?utm_source=after").status_code == 200, timeout=30)
    assert get(node, "/admin/login/").status_code == 200


def test_a_hundred_idle_connections_do_not_stall_the_node(node, content):
    warm(node, content)
    idle = []
    try:
        for _ in range(100):
            idle.append(socket.create_connection(("127.0.0.1", int(node.base.rsplit(":", 1)[1])), timeout=10))
        for _ in range(20):
            # A stalled node would leave these waiting until the idle connections are dropped.
            response = requests.get(node.base + content["feed"], headers=HTTPS, timeout=4)
            assert response.status_code == 200
    finally:
        for sock in idle:
            sock.close()


def test_a_render_killed_mid_run_is_taken_up_again_by_a_new_worker(hub_settings, node_env, s3, tmp_path):
    source = tmp_path / "long.flac"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", "anoisesrc=color=pink:amplitude=0.1:duration=300:seed=5", "-ac", "2", "-ar", "44100", str(source)],
        check=True, timeout=120,
    )  # fmt: skip
    env = {**node_env, "HUB_AUDIO_STALE_SECONDS": "8", "HUB_AUDIO_HEARTBEAT_SECONDS": "2"}

    def start(name):
        log = (tmp_path / f"{name}.log").open("ab")
        argv = [sys.executable, "manage.py", "rqworker", "audio", "default", "--with-scheduler"]
        return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    from hub.audio.tasks import process_audio_task

    first = start("first")
    try:
        # Stored where the workers' storage (the private bucket) has it, as an upload through a node would be.
        name = "audio/sources/killed/long.flac"
        s3.upload_file(str(source), PRIVATE_BUCKET, f"private/{name}")
        asset = AudioAsset.objects.create(
            title="Long interview", source=name, size_bytes=source.stat().st_size, status=AudioStatus.QUEUED
        )
        process_audio_task.enqueue(asset.pk)
        assert wait_for(lambda: AudioAsset.objects.get(pk=asset.pk).progress >= 3, timeout=180), tail(
            tmp_path / "first.log"
        )
        kill_tree(first.pid)  # the worker, its work horse and their ffmpeg children
        first.wait(timeout=20)
    finally:
        if first.poll() is None:
            kill_tree(first.pid)
    assert AudioAsset.objects.get(pk=asset.pk).status == AudioStatus.PROCESSING

    second = start("second")  # what systemd's Restart= does
    try:
        assert wait_for(lambda: AudioAsset.objects.get(pk=asset.pk).status == AudioStatus.READY, timeout=600), tail(
            tmp_path / "second.log"
        )
    finally:
        second.terminate()
        second.wait(timeout=30)
    asset.refresh_from_db()
    assert asset.renditions.count() == 3
    assert asset.attempts >= 2
