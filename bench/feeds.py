"""Benchmark of the feeds (not a test).

    .venv/bin/python bench/feeds.py [--episodes 1000] [--seconds 5] [--rounds 3] [--rebuild] [--skip-django-cast]

(a) Cold generation of a show feed with 1,000 episodes (every episode with three renditions,
    two contributors, two chapters and a transcript): wall time and query count, in-process,
    cache emptied before every run; the query count for 10 episodes is shown beside it.
(b) Warm requests per second over loopback: gunicorn (production profile, 2 workers) serving the
    cached feed, against the same bytes served as a static file by the same stack (WhiteNoise),
    and the 304 path (If-None-Match) against WhiteNoise's 304 for the static file. Load tool: wrk
    (Debian package ``wrk``), or a small Python keep-alive load generator if wrk is missing;
    interleaved rounds; the ratios are paired per round (the median of each round's ratio).
(c) django-cast (the Wagtail podcast package on PyPI), pinned, installed in its own virtualenv
    under bench/.cache, generating its podcast feed for the same 1,000 episodes (MP3 audio with
    cached sizes, two chapter marks each) the same way: in-process, cold, median of the runs.

Data is built once and kept in bench/.cache (``--rebuild`` starts over). Results also go to
bench/results/feeds.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from common import free_port, table

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"
HUB_VAR = CACHE / "hub-feeds"
CAST_VENV = CACHE / "django-cast-venv"
CAST_PROJECT = CACHE / "django-cast-project"
DJANGO_CAST = "django-cast==0.2.67"
RESULTS = ROOT / "bench" / "results"
RUNS = 5
ROUNDS = 3

HUB_ENV = {
    "DJANGO_SETTINGS_MODULE": "hub.settings.production",
    "DJANGO_SECRET_KEY": "bench-only-" + "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "HUB_VAR_DIR": str(HUB_VAR),
    "HUB_LOG_LEVEL": "WARNING",
    "HUB_FEED_CACHE_SECONDS": "3600",
}

VTT = (
    "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n<v Host>Welcome.\n\n00:00:02.500 --> 00:00:05.000\n<v Guest>Thank you.\n"
)


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


# --- Our side: data ------------------------------------------------------------------


def setup_django() -> None:
    os.environ.update(HUB_ENV)
    (HUB_VAR / "static" / "bench").mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # Building 1,000 pages should not queue 2,000 search-index tasks in the database.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "audio"]}
    }


def build_hub(episodes: int) -> dict:
    """A home page, a radio index and two shows (10 and ``episodes`` episodes); returns their ids."""
    from django.core.files.base import ContentFile
    from django.core.files.images import ImageFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.utils import timezone
    from PIL import Image as PILImage
    from wagtail.images import get_image_model
    from wagtail.models import Locale, Page, Site

    from hub.audio.models import AudioAsset, AudioStatus, Rendition
    from hub.consent.models import ConsentRecord
    from hub.core.models import HomePage
    from hub.radio.models import (
        Contributor,
        EpisodeChapter,
        EpisodeContributor,
        EpisodePage,
        EpisodeTranscript,
        RadioIndexPage,
        ShowPage,
    )

    marker = HUB_VAR / f"built-{episodes}.json"
    call_command("migrate", verbosity=0)
    if marker.exists():
        return json.loads(marker.read_text())
    say(f"building the hub's bench data ({episodes} episodes; once, kept in {HUB_VAR})")
    locale, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node()
    for child in root.get_children():
        child.delete()
    home = root.add_child(instance=HomePage(title="Home", slug="home", locale=locale))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    radio = home.add_child(instance=RadioIndexPage(title="Radio", slug="radio"))
    buffer = io.BytesIO()
    PILImage.new("RGB", (1400, 1400), (200, 80, 40)).save(buffer, "JPEG")
    buffer.seek(0)
    image_model = get_image_model()
    artwork = image_model.objects.create(title="Artwork", file=ImageFile(buffer, name="bench-artwork.jpg"))
    files = {
        preset: default_storage.save(f"audio/renditions/bench/{preset}{ext}", ContentFile(b"\0" * size))
        for preset, ext, size in [
            ("podcast-mp3", ".mp3", 980_000),
            ("lowband-opus", ".opus", 300_000),
            ("broadcast-wav", ".wav", 11_000_000),
        ]
    }
    people = [Contributor.objects.create(name=f"Person {n}", role="host", locale=locale) for n in range(6)]
    # Everyone heard has consented to every channel: the feed's consent filter runs on real links.
    consents = [
        ConsentRecord.objects.create(
            public_name=person.name,
            scope_website=True,
            scope_podcast=True,
            scope_broadcast=True,
            scope_redistribution=True,
            granted_on=date(2026, 1, 1),
        )
        for person in people
    ]
    ids = {}
    for count in (10, episodes):
        show = radio.add_child(
            instance=ShowPage(
                title=f"Bench show ({count} episodes)",
                slug=f"bench-{count}",
                description="Stories of volunteering, told by the people who live them.",
                artwork=artwork,
                podcast_language="en",
                apple_category="Society & Culture > Documentary",
                owner_name="FREIRAD",
                owner_email="podcast@example.org",
                first_published_at=timezone.now(),
                last_published_at=timezone.now(),
            )
        )
        start = timezone.now() - timedelta(days=count)
        for n in range(count):
            asset = AudioAsset.objects.create(
                title=f"Recording {n}", source=files["podcast-mp3"], status=AudioStatus.READY, duration_seconds=1800
            )
            for preset, name in files.items():
                Rendition.objects.create(
                    asset=asset,
                    preset=preset,
                    file=name,
                    mime_type={"podcast-mp3": "audio/mpeg", "lowband-opus": "audio/ogg; codecs=opus"}.get(
                        preset, "audio/wav"
                    ),
                    size_bytes=default_storage.size(name),
                    duration_seconds=1800.0,
                    bitrate=128_000 if preset == "podcast-mp3" else 40_000,
                    sample_rate=48_000,
                    channels=2,
                    integrated_lufs=-16.0,
                    target_lufs=-16.0,
                    sha256="0" * 64,
                )
            published = start + timedelta(days=n)
            episode = show.add_child(
                instance=EpisodePage(
                    title=f"Episode {n + 1}: volunteering in the city",
                    slug=f"episode-{n + 1}",
                    summary="Volunteers run a food bank; they tell us how it started and what it changed.",
                    show_notes='<p>Show notes with a <a href="https://example.org/">link</a>.</p>',
                    audio=asset,
                    season_number=1,
                    episode_number=n + 1,
                    location="Innsbruck",
                    country="AT",
                    publication_date=published.date(),
                    first_published_at=published,
                    last_published_at=published,
                    consents=[consents[n % 6], consents[(n + 1) % 6]],
                )
            )
            EpisodeContributor.objects.create(episode=episode, contributor=people[n % 6], role="host", sort_order=0)
            EpisodeContributor.objects.create(
                episode=episode, contributor=people[(n + 1) % 6], role="guest", sort_order=1
            )
            EpisodeChapter.objects.create(episode=episode, start=timedelta(0), title="Intro", sort_order=0)
            EpisodeChapter.objects.create(episode=episode, start=timedelta(seconds=300), title="Story", sort_order=1)
            EpisodeTranscript.objects.create(episode=episode, content=VTT, language="en", sort_order=0)
        ids[str(count)] = show.pk
    marker.write_text(json.dumps(ids))
    return ids


def measure_cold(show_id: int, runs: int = RUNS) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    url = f"/feeds/shows/{show_id}.xml"
    client.get(url)  # warm the process (imports, artwork rendition), not the feed cache
    times, queries, size = [], 0, 0
    for _ in range(runs):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        queries, size = len(captured), len(response.content)
    return {
        "seconds": statistics.median(times),
        "queries": queries,
        "bytes": size,
        "items": response.content.count(b"<item>"),
    }


# --- django-cast side ------------------------------------------------------------------

CAST_SETTINGS = """
from pathlib import Path
from cast import CAST_APPS, CAST_MIDDLEWARE

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles", "django.contrib.sites",
] + CAST_APPS
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
] + CAST_MIDDLEWARE
ROOT_URLCONF = "bench_urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.debug", "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth", "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "cast.sqlite3"}}
# Every request generates the feed anew: the same "cold" as on the hub's side.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / "media"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1
WAGTAIL_SITE_NAME = "bench"
WAGTAILADMIN_BASE_URL = "http://testserver"
COMMENTS_APP = "cast.comments"
CAST_COMMENTS_ENABLED = False
CRISPY_TEMPLATE_PACK = "bootstrap4"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap4"
DJANGO_VITE = {"cast": {"dev_mode": False, "static_url_prefix": "cast/vite/",
                        "manifest_path": BASE_DIR / "static" / "cast" / "vite" / "manifest.json"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
"""

CAST_URLS = """
from django.urls import include, path
from wagtail import urls as wagtail_urls

urlpatterns = [path("cast/", include("cast.urls", namespace="cast")), path("", include(wagtail_urls))]
"""

CAST_SCRIPT = """
import json, os, statistics, sys, time
from datetime import time as dtime, timedelta
from pathlib import Path

os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
sys.path.insert(0, str(Path(__file__).resolve().parent))
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

episodes = int(sys.argv[1]); runs = int(sys.argv[2])
marker = Path(__file__).resolve().parent / f"built-{episodes}.json"
call_command("migrate", verbosity=0)
if not marker.exists():
    from django.contrib.auth import get_user_model
    from cast.models import Audio, ChapterMark, Episode, Podcast
    user = get_user_model().objects.create(username="bench")
    site = Site.objects.get(is_default_site=True)
    podcast = site.root_page.add_child(instance=Podcast(title="Bench podcast", slug="bench-podcast", owner=user,
        description="Stories of volunteering, told by the people who live them."))
    mp3 = default_storage.save("cast_audio/bench.mp3", ContentFile(b"\\0" * 980_000))
    start = timezone.now() - timedelta(days=episodes)
    body = json.dumps([{"type": "overview", "value": [{"type": "paragraph",
        "value": "<p>Volunteers run a food bank; they tell us how it started and what it changed.</p>"}]},
        {"type": "detail", "value": [{"type": "paragraph",
        "value": "<p>Show notes with a <a href='https://example.org/'>link</a>.</p>"}]}])
    for n in range(episodes):
        audio = Audio(user=user, title=f"Recording {n}", duration=timedelta(seconds=1800),
                      data={"size": {"mp3": 980_000}})
        audio.mp3.name = mp3
        audio.save(duration=False, cache_file_sizes=False)
        ChapterMark.objects.create(audio=audio, start=dtime(0, 0, 0), title="Intro")
        ChapterMark.objects.create(audio=audio, start=dtime(0, 5, 0), title="Story")
        podcast.add_child(instance=Episode(title=f"Episode {n + 1}: volunteering in the city", slug=f"episode-{n + 1}",
            owner=user, podcast_audio=audio, body=body, visible_date=start + timedelta(days=n)))
    marker.write_text("ok")

client = Client()
url = "/cast/bench-podcast/feed/podcast/mp3/rss.xml"
first = client.get(url)
assert first.status_code == 200, (first.status_code, first.content[:2000])
times = []
for _ in range(runs):
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
print(json.dumps({"seconds": statistics.median(times), "queries": len(captured), "bytes": len(response.content),
                  "items": response.content.count(b"<item>")}))
"""


def run_django_cast(episodes: int) -> dict:
    python = CAST_VENV / "bin" / "python"
    if not python.exists():
        say(f"creating django-cast's own virtualenv in {CAST_VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(CAST_VENV)], check=True)
    installed = subprocess.run([str(python), "-m", "pip", "show", "django-cast"], capture_output=True, text=True)
    if f"Version: {DJANGO_CAST.split('==')[1]}" not in installed.stdout:
        say(f"installing {DJANGO_CAST} from PyPI into its virtualenv")
        subprocess.run([str(python), "-m", "pip", "install", "-q", DJANGO_CAST], check=True)
    CAST_PROJECT.mkdir(parents=True, exist_ok=True)
    (CAST_PROJECT / "bench_settings.py").write_text(CAST_SETTINGS)
    (CAST_PROJECT / "bench_urls.py").write_text(CAST_URLS)
    (CAST_PROJECT / "bench_cast.py").write_text(CAST_SCRIPT)
    say(f"django-cast: building (once) and generating its feed for {episodes} episodes")
    result = subprocess.run(
        [str(python), str(CAST_PROJECT / "bench_cast.py"), str(episodes), str(RUNS)],
        cwd=CAST_PROJECT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        raise SystemExit(f"django-cast run failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- HTTP throughput -------------------------------------------------------------------


def wait_for(port: int, path: str, timeout: float = 60) -> None:
    import http.client

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on port {port}")


def fetch(port: int, path: str, headers=None):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def python_load(port: int, path: str, headers: dict, seconds: float, connections: int = 8) -> float:
    """Keep-alive load generator for machines without wrk: requests per second."""
    import http.client

    counts = [0] * connections
    stop = time.time() + seconds

    def worker(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.time() < stop:
            connection.request("GET", path, headers=headers)
            connection.getresponse().read()
            counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds


def load(port: int, path: str, headers: dict, seconds: float) -> tuple[float, str]:
    wrk = shutil.which("wrk")
    if wrk is None:
        return python_load(port, path, headers, seconds), "python"
    args = [wrk, "-t1", "-c8", f"-d{max(1, round(seconds))}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"wrk saw error responses for {path}:\n{output}")
    return float(match.group(1)), "wrk"


def measure_http(show_ids: dict, episodes: int, seconds: float, rounds: int = ROUNDS) -> list[dict]:
    from django.conf import settings

    static_dir = Path(settings.STATIC_ROOT) / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    gunicorn = [
        str(Path(sys.executable).with_name("gunicorn")),
        "hub.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]
    env = {**os.environ, **HUB_ENV}
    # The static copies must exist before the server starts (WhiteNoise indexes its files then):
    # render the feeds in-process for the host the server will answer on (the same bytes).
    from django.test import Client

    bodies = {}
    for count in ("10", str(episodes)):
        response = Client().get(f"/feeds/shows/{show_ids[count]}.xml", HTTP_HOST=f"127.0.0.1:{port}")
        bodies[count] = response.content
        (static_dir / f"feed-{count}.xml").write_bytes(response.content)
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    rows = []
    try:
        for count in ("10", str(episodes)):
            feed_path = f"/feeds/shows/{show_ids[count]}.xml"
            static_path = f"/static/bench/feed-{count}.xml"
            wait_for(port, feed_path)
            for _ in range(4):  # every worker builds and caches the feed
                fetch(port, feed_path)
            _s, feed_headers, feed_body = fetch(port, feed_path)
            _s, static_headers, static_body = fetch(port, static_path)
            assert feed_body == static_body == bodies[count], "the static copy must be the same bytes"
            status, _h, _b = fetch(port, feed_path, {"If-None-Match": feed_headers["ETag"]})
            assert status == 304
            status, _h, _b = fetch(port, static_path, {"If-None-Match": static_headers["ETag"]})
            assert status == 304
            # Interleaved rounds, median of each: a shared machine's load drifts during a run.
            runs = {"feed": [], "static": [], "feed_304": [], "static_304": []}
            for _round in range(rounds):
                rps, tool = load(port, feed_path, {}, seconds)
                runs["feed"].append(rps)
                runs["static"].append(load(port, static_path, {}, seconds)[0])
                runs["feed_304"].append(load(port, feed_path, {"If-None-Match": feed_headers["ETag"]}, seconds)[0])
                runs["static_304"].append(
                    load(port, static_path, {"If-None-Match": static_headers["ETag"]}, seconds)[0]
                )
            feed_rps, static_rps, feed_304, static_304 = (statistics.median(runs[k]) for k in runs)
            # Ratios of the runs taken side by side in each round, then their median: a drift in the
            # machine's load between rounds then cancels out instead of landing on one side.
            paired_200 = statistics.median(f / s for f, s in zip(runs["feed"], runs["static"], strict=True))
            paired_304 = statistics.median(f / s for f, s in zip(runs["feed_304"], runs["static_304"], strict=True))
            rows.append(
                {
                    "episodes": int(count),
                    "bytes": len(feed_body),
                    "tool": tool,
                    "feed_rps": feed_rps,
                    "static_rps": static_rps,
                    "ratio_200": paired_200,
                    "feed_304_rps": feed_304,
                    "static_304_rps": static_304,
                    "ratio_304": paired_304,
                }
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows


# --- Report ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each load run")
    parser.add_argument("--rebuild", action="store_true", help="build the bench data again")
    parser.add_argument("--skip-django-cast", action="store_true")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="interleaved load rounds (median of each)")
    args = parser.parse_args()
    if args.rebuild:
        shutil.rmtree(HUB_VAR, ignore_errors=True)
        shutil.rmtree(CAST_PROJECT, ignore_errors=True)

    setup_django()
    ids = build_hub(args.episodes)
    say("cold generation (in-process, cache emptied before each run)")
    cold_small = measure_cold(ids["10"])
    cold = measure_cold(ids[str(args.episodes)])
    cast = None if args.skip_django_cast else run_django_cast(args.episodes)
    say("warm requests over loopback (gunicorn, production profile)")
    http = measure_http(ids, args.episodes, args.seconds, args.rounds)

    rows = [["measure", "hub", "reference", "ratio", "target"]]
    rows.append(
        [
            f"cold feed, {args.episodes} episodes: time",
            f"{cold['seconds'] * 1000:.0f} ms ({cold['bytes'] // 1024} KiB)",
            f"django-cast {cast['seconds'] * 1000:.0f} ms ({cast['bytes'] // 1024} KiB)" if cast else "-",
            f"{cast['seconds'] / cold['seconds']:.2f}x faster" if cast else "-",
            "hub faster",
        ]
    )
    rows.append(
        [
            "cold feed: queries (10 / N episodes)",
            f"{cold_small['queries']} / {cold['queries']}",
            f"django-cast {cast['queries']}" if cast else "-",
            "constant" if cold["queries"] <= cold_small["queries"] else "GROWS",
            "constant",
        ]
    )
    for row in http:
        rows.append(
            [
                f"warm GET, {row['episodes']} episodes ({row['bytes'] // 1024} KiB), req/s",
                f"{row['feed_rps']:.0f}",
                f"static file {row['static_rps']:.0f}",
                f"{row['ratio_200']:.2f}",
                ">= 0.5",
            ]
        )
        rows.append(
            [
                f"304 (If-None-Match), {row['episodes']} episodes, req/s",
                f"{row['feed_304_rps']:.0f}",
                f"static file {row['static_304_rps']:.0f}",
                f"{row['ratio_304']:.2f}",
                ">= 0.8",
            ]
        )
    print()
    print(table(rows))
    print(
        f"\nload tool: {http[0]['tool']} (1 thread, 8 connections, {args.seconds:g} s per run, median of {args.rounds} "
        f"interleaved rounds, ratios paired per round); gunicorn 2 workers, production profile, loopback; "
        f"cold runs: median of {RUNS}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "feeds.json").write_text(
        json.dumps({"cold": cold, "cold_10": cold_small, "django_cast": cast, "http": http}, indent=2)
    )


if __name__ == "__main__":
    main()
