"""One episode through the production setup, every hop over a real connection.

An editor uploads a recording through the admin of a gunicorn node -> the upload lands in the
private bucket and a job in Redis -> an RQ worker (another process) renders it -> the renditions
are in the private bucket -> the public feed lists the podcast rendition with its exact length, at
the hub's URL -> which redirects to a short-lived signed URL that answers a range request with 206.
"""

import hashlib
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import requests
from django_tasks_rq import Job
from rq import Queue
from rq.registry import FinishedJobRegistry

from hub.audio.models import AudioAsset, AudioStatus
from hub.ops.jobs import audio_job_timeout
from hub.radio.factories import EpisodePageFactory
from hub.radio.models import EpisodeChapter, EpisodeTranscript
from tests.audio_fixtures import make_tone

from .conftest import PRIVATE_BUCKET, PUBLIC_BUCKET, database_url, production_env
from .services import ROOT, Browser, tail, wait_for
from .site import ADMIN_PASSWORD, make_admin, make_show, publish

# Transactional: the web node and the workers are other processes, they see only committed rows.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_upload_render_store_and_serve_across_processes(
    transactional_db, hub_settings, web, start_worker, s3, moto, tmp_path
):
    show = make_show()
    make_admin()
    worker = start_worker("audio", "default")

    # 1. Upload through the admin of the web node.
    browser = Browser(web.base, web.log)
    browser.login("editor", ADMIN_PASSWORD)
    tone = make_tone(tmp_path / "interview.mp3", seconds=4.0)
    with tone.open("rb") as upload:
        response = browser.post(
            "/admin/snippets/audio/audioasset/add/",
            {"title": "Interview in Graz"},
            files={"source": ("interview.mp3", upload, "audio/mpeg")},
        )
    assert response.status_code == 302, response.text[:3000] + tail(web.log)
    asset = AudioAsset.objects.get(title="Interview in Graz")
    source = s3.head_object(Bucket=PRIVATE_BUCKET, Key=f"private/{asset.source.name}")
    assert source["ContentLength"] == tone.stat().st_size, "the web node stored the upload in the private bucket"

    # 2. The worker process renders it.
    assert wait_for(
        lambda: AudioAsset.objects.get(pk=asset.pk).status in (AudioStatus.READY, AudioStatus.FAILED), 180
    ), f"the worker did not finish the asset\n{worker.output()}"
    asset.refresh_from_db()
    assert asset.status == AudioStatus.READY, f"{asset.error_message}\n{worker.output()}"
    assert asset.attempts == 1

    # The job ran on the audio queue, with a time limit sized to the recording.
    connection = Queue("audio", connection=_redis(hub_settings)).connection
    finished = FinishedJobRegistry("audio", connection=connection, job_class=Job)
    jobs = [Job.fetch(job_id, connection=connection) for job_id in finished.get_job_ids()]
    assert [job.args for job in jobs] == [[asset.pk]] or [job.args for job in jobs] == [(asset.pk,)]
    expected = audio_job_timeout(
        None, asset.size_bytes, asset.source.name, base=600, per_second=4.0, max_duration=6 * 3600
    )
    assert jobs[0].timeout == expected

    # 3. The renditions and the peaks are in the private bucket, byte for byte what the rows say.
    renditions = {rendition.preset: rendition for rendition in asset.renditions.all()}
    assert set(renditions) == {"podcast-mp3", "lowband-opus", "broadcast-wav"}
    for rendition in renditions.values():
        stored = s3.get_object(Bucket=PRIVATE_BUCKET, Key=f"private/{rendition.file.name}")
        body = stored["Body"].read()
        assert len(body) == rendition.size_bytes
        assert hashlib.sha256(body).hexdigest() == rendition.sha256
    assert s3.head_object(Bucket=PRIVATE_BUCKET, Key=f"private/{asset.peaks.name}")["ContentLength"] > 0
    for name in (asset.source.name, asset.peaks.name, *(r.file.name for r in renditions.values())):
        assert s3.list_objects_v2(Bucket=PUBLIC_BUCKET, Prefix=name)["KeyCount"] == 0, f"{name} in the public bucket"

    # 4. The feed, served by the web node, points at the hub's stable URL with the exact length.
    episode = EpisodePageFactory(parent=show, audio=asset, title="Volunteering in Graz")
    episode.chapters.add(EpisodeChapter(start=timedelta(0), title="Arrival"))
    episode.chapters.add(EpisodeChapter(start=timedelta(seconds=2), title="The office"))
    episode.transcripts.add(EpisodeTranscript(content=TRANSCRIPT, language="de"))
    episode = publish(episode)
    feed = requests.get(f"{web.base}/feeds/shows/{show.pk}.xml", headers={"X-Forwarded-Proto": "https"}, timeout=30)
    assert feed.status_code == 200, feed.text[:2000] + tail(web.log)
    enclosures = ET.fromstring(feed.content).findall("./channel/item/enclosure")  # noqa: S314 - our own feed
    podcast = renditions["podcast-mp3"]
    assert len(enclosures) == 1
    enclosure = enclosures[0].attrib
    assert enclosure["url"] == f"https://{web.base.split('//', 1)[1]}/feeds/episodes/{episode.pk}.mp3"
    assert int(enclosure["length"]) == podcast.size_bytes
    assert enclosure["type"] == "audio/mpeg"

    # 4a. Chapters and transcripts too: written to the bucket on publish, linked there, the views' bytes.
    item = ET.fromstring(feed.content).find("./channel/item")  # noqa: S314 - our own feed
    transcript = episode.transcripts.get()
    view_paths = {item.find(f"{PODCAST}chapters").get("url"): f"/feeds/episodes/{episode.pk}/chapters.json"}
    for link in item.findall(f"{PODCAST}transcript"):
        fmt = link.get("url").rsplit(".", 1)[1]
        view_paths[link.get("url")] = f"/feeds/episodes/{episode.pk}/transcripts/{transcript.pk}.{fmt}"
    assert len(view_paths) == 4, view_paths
    types = {"json": "application/json", "vtt": "text/vtt", "srt": "application/x-subrip"}
    published = []
    for url, view_path in view_paths.items():
        assert url.startswith(f"{moto.endpoint}/{PUBLIC_BUCKET}/episodes/{episode.pk}/"), url
        stored = requests.get(url, timeout=30)  # anonymously, as a podcast app
        assert stored.status_code == 200, url
        assert stored.headers["Content-Type"] == types[url.rsplit(".", 1)[1]]
        view = requests.get(web.base + view_path, headers={"X-Forwarded-Proto": "https"}, timeout=30)
        assert view.status_code == 200, view_path  # the hub's URL keeps working
        assert stored.content == view.content, url
        published.append(url)
    assert b"Arrival" in requests.get(published[0], timeout=30).content

    # 4b. Behind a CDN (HUB_S3_CUSTOM_DOMAIN) the audio still goes through the hub's URL: the CDN
    # serves the public bucket, and audio is not there.
    cdn_feed = _feed_of_a_node(show.pk, production_env(database_url=database_url(), moto=moto, **CDN))
    cdn_enclosure = ET.fromstring(cdn_feed).find("./channel/item/enclosure").attrib  # noqa: S314 - our own feed
    assert cdn_enclosure["url"] == f"https://127.0.0.1/feeds/episodes/{episode.pk}.mp3"
    assert int(cdn_enclosure["length"]) == podcast.size_bytes

    # 5. Podcast apps fetch it anonymously: the hub checks the policy, then redirects to a signed
    # URL of the private bucket, which answers ranges. Without the signature the bucket refuses.
    hub_url = web.base + f"/feeds/episodes/{episode.pk}.mp3"
    redirect = requests.get(hub_url, headers={"X-Forwarded-Proto": "https"}, allow_redirects=False, timeout=30)
    assert redirect.status_code == 302, redirect.text[:2000] + tail(web.log)
    signed = redirect.headers["Location"]
    assert signed.startswith(f"{moto.endpoint}/{PRIVATE_BUCKET}/private/{podcast.file.name}?")
    assert requests.get(signed.split("?", 1)[0], timeout=30).status_code == 403
    whole = requests.get(signed, timeout=30)
    assert whole.status_code == 200
    assert int(whole.headers["Content-Length"]) == podcast.size_bytes
    assert whole.headers["Content-Type"] == "audio/mpeg"
    ranged = requests.get(signed, headers={"Range": "bytes=0-1"}, timeout=30)
    assert ranged.status_code == 206
    assert ranged.headers["Content-Range"] == f"bytes 0-1/{podcast.size_bytes}"
    assert ranged.content == b"ID"  # the ID3v2 tag the pipeline wrote comes first
    assert worker.alive(), "the worker keeps running"

    # 5b. Taking the episode down (as a consent withdrawal does) empties its folder in the bucket.
    episode.unpublish()
    gone = requests.get(hub_url, headers={"X-Forwarded-Proto": "https"}, allow_redirects=False, timeout=30)
    assert gone.status_code == 404, "unpublished: the hub's URL refuses at once"
    assert s3.list_objects_v2(Bucket=PUBLIC_BUCKET, Prefix=f"episodes/{episode.pk}/")["KeyCount"] == 0
    assert all(requests.get(url, timeout=30).status_code in (403, 404) for url in published)

    # 6. Both nodes wrote structured logs: every line one JSON object.
    for log, service in ((worker.log, "worker"), (web.log, "web")):
        records = [json.loads(line) for line in log.read_text().splitlines()]
        assert records, f"{service} wrote no log"
        assert {record["service"] for record in records} == {service}
    access = [r for r in map(json.loads, web.log.read_text().splitlines()) if r["logger"] == "gunicorn.access"]
    assert any(r["http_path"] == "/admin/snippets/audio/audioasset/add/" and r["http_status"] == 302 for r in access)


PODCAST = "{https://podcastindex.org/namespace/1.0}"
TRANSCRIPT = """WEBVTT

00:00:00.000 --> 00:00:02.000
<v Amina>Willkommen in Graz.

00:00:02.000 --> 00:00:04.000
<v Marco>Danke &amp; hallo.
"""
CDN = {"HUB_S3_CUSTOM_DOMAIN": "media.hub.example.org", "HUB_CACHE_URL": "dummy://"}


def _feed_of_a_node(show_id: int, env: dict[str, str]) -> bytes:
    """The show's feed as a production process configured by ``env`` builds it."""
    code = (
        "import sys; from django.test import Client;"
        f"r = Client().get('/feeds/shows/{show_id}.xml', HTTP_HOST='127.0.0.1', HTTP_X_FORWARDED_PROTO='https');"
        "assert r.status_code == 200, r.status_code; sys.stdout.buffer.write(r.content)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def _redis(settings):
    import redis

    return redis.Redis.from_url(settings.RQ_QUEUES["audio"]["URL"])
