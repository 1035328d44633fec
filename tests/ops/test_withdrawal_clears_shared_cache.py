"""A withdrawal run by the task worker (another process) takes the page and the feed entry away
from anonymous visitors at once: web and worker share the embedded default's file cache.

The worker is a real ``db_worker`` process on the test database; the test process is the web
server (Django's test client, with the page cache on).
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hub.consent.models import ConsentRecord
from hub.core.pagecache import HEADER
from hub.radio.factories import EpisodePageFactory
from hub.radio.models import EpisodePage, ShowPage
from tests.conftest import build_site_tree
from tests.feeds.conftest import add_renditions

ROOT = Path(__file__).resolve().parents[2]
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "audio"]}}


@pytest.fixture
def shared_cache(settings, tmp_path):
    folder = tmp_path / "cache"
    settings.CACHES = {"default": {"BACKEND": "hub.ops.cache.ResilientFileCache", "LOCATION": str(folder)}}
    settings.HUB_PAGE_CACHE_SECONDS = 300
    settings.TASKS = DATABASE_BACKEND
    return folder


@pytest.fixture
def worker(transactional_db, shared_cache, tmp_path):
    log = (tmp_path / "worker.log").open("w+")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hub.settings.test",
        "HUB_TEST_WORKER": "1",
        "HUB_TEST_CACHE_DIR": str(shared_cache),
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-startup-delay", "--interval", "0.2",
         "--no-reload", "-v", "2"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield process
    process.terminate()
    process.wait(timeout=20)
    log.seek(0)
    print(log.read()[-3000:])
    log.close()


@pytest.mark.worker
def test_a_withdrawal_in_the_worker_process_is_visible_to_visitors_at_once(worker, client, admin_client):
    tree = build_site_tree()
    show = ShowPage.objects.get(pk=tree.page("show").pk)
    amina = ConsentRecord.objects.create(
        public_name="Amina",
        granted_on=datetime.date.today() - datetime.timedelta(days=30),
        scope_website=True,
        scope_podcast=True,
        scope_broadcast=True,
        scope_redistribution=True,
    )
    episode = EpisodePageFactory(parent=show, live=False, title="Amina's crossing", slug="crossing")
    add_renditions(episode.audio)
    episode.consents.set([amina])
    episode.save_revision().publish()
    episode = EpisodePage.objects.get(pk=episode.pk)
    url = episode.get_url()
    feed = f"/feeds/shows/{show.pk}.xml"

    assert client.get(url)[HEADER] == "miss"
    assert client.get(url)[HEADER] == "hit", "the page is cached for anonymous visitors"
    assert b"Amina&#x27;s crossing" in client.get(feed).content or b"Amina's crossing" in client.get(feed).content

    response = admin_client.post(f"/admin/consent/{amina.pk}/withdraw/", {"reason": "Asked by phone"})
    assert response.status_code == 302
    deadline = time.monotonic() + 90
    while EpisodePage.objects.filter(pk=episode.pk, live=True).exists():
        assert worker.poll() is None, "the worker died"
        assert time.monotonic() < deadline, "the worker did not run the withdrawal"
        time.sleep(0.1)
    # The worker committed the takedown: the very next anonymous request must not see the page.
    after = client.get(url)
    assert after.status_code == 404, after.get(HEADER)
    assert b"crossing" not in client.get(feed).content
