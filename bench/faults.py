"""Fault bench of the production profile (not a test; not part of CI's time budget).

    .venv/bin/python bench/faults.py [--seconds 30] [--connections 16] [--quick]

Starts everything it needs on free ports of 127.0.0.1, in a temporary folder, and stops it at the
end: its own PostgreSQL cluster (``initdb``/``pg_ctl``, never the machine's shared server), its own
Redis (queues and cache), gunicorn with ``deploy/gunicorn.conf.py`` (two workers) and one RQ worker
(``manage.py rqworker audio default --with-scheduler``), local disk for media. Then, per fault, a
bounded ``wrk`` load (``--connections`` keep-alive connections, 2 threads, 2 s timeout) on cached
public URLs while the fault is injected for the middle third of the run:

- ``baseline``: no fault;
- ``cache outage``: Redis is killed (SIGKILL) and started again on the same port;
- ``database outage``: PostgreSQL is stopped (immediate mode) and started again;
- ``worker recycling``: gunicorn restarts each worker after N requests (``GUNICORN_MAX_REQUESTS``,
  jitter N/2), the old configuration's way to contain leaks;
- ``100 idle connections``: a hundred connections that send nothing are held open;
- ``kill -9 mid-render``: the RQ worker and its ffmpeg children are killed during a render; a new
  worker is started 5 s later (as systemd's ``Restart=on-failure``) and the time until the render
  is running again and until it is ready (on its loudness target) is measured.

Printed per fault: requests, non-2xx responses by status, client timeouts, p50 and p99 latency,
and the recovery time: how long after the fault ended until an *uncached* page (a probe that
needs the database, ten times a second) answers 200 again. ``--quick`` shortens every phase
(a correctness run of a few minutes; the numbers are then indicative only).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from common import free_port, table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable
SECRET = "bench-only-not-secret-Fa7#Ul2!Ts9@Qw4&Zx1^Pl6*Mn3%Rb8(Kc5)Dv0-Gh2+Yt7"  # noqa: S105
HTTPS = {"X-Forwarded-Proto": "https"}

WRK_SCRIPT = r"""
local threads = {}
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS"), "[^,]+") do table.insert(paths, p) end
local counter = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], {["X-Forwarded-Proto"] = "https"})
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do io.write(string.format("status %d %d\n", status, count)) end
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("timeouts %d\n", summary.errors.timeout))
  io.write(string.format("connect_errors %d\n", summary.errors.connect))
  io.write(string.format("read_errors %d\n", summary.errors.read))
  io.write(string.format("p50 %d\n", latency:percentile(50)))
  io.write(string.format("p99 %d\n", latency:percentile(99)))
end
"""


def say(message: str) -> None:
    print(f"-- {message}", file=sys.stderr, flush=True)


def as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise SystemExit(f"{name} not found: install PostgreSQL's server package (Debian: postgresql)")


class Postgres:
    """A throw-away cluster of our own: initdb in the scratch folder, trust auth on 127.0.0.1 only."""

    def __init__(self, scratch: Path):
        self.port = free_port()
        self.data = scratch / "pg"
        self.log = scratch / "pg.log"
        self.data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
            self.log.touch()
            shutil.chown(self.log, "postgres", "postgres")
        subprocess.run(
            as_postgres([pg_tool("initdb"), "-D", str(self.data), "-U", "hub", "--auth=trust", "-E", "UTF8",
                         "--no-instructions"]),
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        self.url = f"postgres://hub@127.0.0.1:{self.port}/hub"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
        subprocess.run(
            as_postgres([pg_tool("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            as_postgres([pg_tool("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]),
            check=False, capture_output=True, timeout=120,
        )  # fmt: skip

    def create_database(self) -> None:
        subprocess.run(
            as_postgres([pg_tool("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "hub", "hub"]),
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip


class Redis:
    def __init__(self, scratch: Path):
        self.port = free_port()
        self.dir = scratch / "redis"
        self.dir.mkdir()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(self.dir)]  # fmt: skip
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)


def wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port}")


def get(port: int, path: str, timeout: float = 5.0) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=HTTPS)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


class Probe(threading.Thread):
    """Asks for an uncached page (it needs the database) ten times a second; keeps (time, status)."""

    def __init__(self, port: int, path: str):
        super().__init__(daemon=True)
        self.port, self.path = port, path
        self.samples: list[tuple[float, int]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stopping.is_set():
            n += 1
            started = time.monotonic()
            self.samples.append((started, get(self.port, f"{self.path}?probe={n}", timeout=2)))
            self.stopping.wait(max(0.0, 0.1 - (time.monotonic() - started)))

    def recovery(self, fault_end: float) -> float | None:
        """Seconds after ``fault_end`` until the first 200 from which every answer is 200."""
        after = [(t, s) for t, s in self.samples if t >= fault_end]
        last_bad = max((t for t, s in after if s != 200), default=None)
        if last_bad is None:
            return 0.0
        good = [t for t, s in after if t > last_bad and s == 200]
        return (good[0] - fault_end) if good else None


def run_wrk(port: int, paths: list[str], seconds: float, connections: int, scratch: Path) -> dict:
    script = scratch / "bench.lua"
    script.write_text(WRK_SCRIPT)
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{max(1, int(seconds))}s", "--timeout", "2s", "-s", str(script),
         f"http://127.0.0.1:{port}"],
        env={**os.environ, "BENCH_PATHS": ",".join(paths)}, capture_output=True, text=True,
        timeout=seconds + 60, check=False,
    )  # fmt: skip
    data: dict = {"statuses": {}}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "status":
            data["statuses"][int(parts[1])] = int(parts[2])
        elif len(parts) == 2 and parts[0] in {"requests", "timeouts", "connect_errors", "read_errors", "p50", "p99"}:
            data[parts[0]] = int(parts[1])
    if "requests" not in data:
        raise SystemExit(f"wrk failed:\n{result.stdout}\n{result.stderr}")
    return data


class Bench:
    def __init__(self, args):
        self.args = args
        self.scratch = Path(tempfile.mkdtemp(prefix="hub-faults-"))
        self.scratch.chmod(0o755)
        self.postgres = Postgres(self.scratch)
        self.redis = Redis(self.scratch)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUB_", "DATABASE_", "REDIS_"))},
            "DJANGO_SETTINGS_MODULE": "hub.settings.production",
            "DJANGO_SECRET_KEY": SECRET,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": self.postgres.url,
            "REDIS_URL": self.redis.url,
            "HUB_TASK_BACKEND": "rq",
            "HUB_MEDIA_ROOT": str(self.scratch / "media"),
            "HUB_PRIVATE_ROOT": str(self.scratch / "private"),
            "HUB_STATIC_ROOT": str(self.scratch / "static"),
            "HUB_LOG_LEVEL": "WARNING",
            "HUB_LOG_FORMAT": "plain",
            "GUNICORN_MAX_MEMORY_MB": "0",
        }
        self.web: subprocess.Popen | None = None
        self.web_port = 0
        self.worker: subprocess.Popen | None = None
        self.others: list[subprocess.Popen] = []

    # --- set-up and tear-down ----------------------------------------------------------------

    def setup(self) -> dict[str, str]:
        say(f"own PostgreSQL on port {self.postgres.port}, own Redis on port {self.redis.port}, in {self.scratch}")
        self.postgres.start()
        self.postgres.create_database()
        self.redis.start()
        say("migrating and collecting static files")
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=self.env, check=True, timeout=1200)
        subprocess.run(
            [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=self.env, check=True, timeout=900
        )
        os.environ.update(self.env)
        import django

        django.setup()
        return self.make_site()

    def teardown(self) -> None:
        for process in [self.web, self.worker, *self.others]:
            if process is not None and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=30)
                if process.poll() is None:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        self.redis.kill()
        self.postgres.stop("immediate")
        shutil.rmtree(self.scratch, ignore_errors=True)

    def make_site(self) -> dict[str, str]:
        from datetime import timedelta

        from django.core.files.base import ContentFile
        from django.utils import timezone
        from wagtail.models import Locale, Page, Site

        from hub.audio.models import AudioAsset, AudioStatus, Rendition
        from hub.core.factories import HomePageFactory
        from hub.partners.factories import PartnerOrganisationFactory
        from hub.partners.models import PartnerFeedToken, PartnerShowSubscription
        from hub.radio.factories import EpisodePageFactory, RadioIndexPageFactory, ShowPageFactory

        locale, _ = Locale.objects.get_or_create(language_code="en")
        root = Page.get_first_root_node()
        for stale in root.get_children():
            stale.delete()
        home = HomePageFactory(parent=root, slug="home", locale=locale)
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
        )
        radio = RadioIndexPageFactory(parent=home)
        show = ShowPageFactory(parent=radio, slug="voices")
        for page in (home, radio, show):
            page.save_revision().publish()
        asset = AudioAsset.objects.create(title="Bench recording", status=AudioStatus.READY, duration_seconds=61.4)
        presets = {
            "podcast-mp3": (".mp3", "audio/mpeg", -16.0),
            "lowband-opus": (".opus", "audio/ogg", -16.0),
            "broadcast-wav": (".wav", "audio/wav", -23.0),
        }
        for preset, (ext, mime, lufs) in presets.items():
            data = os.urandom(40_000)
            Rendition.objects.create(
                asset=asset, preset=preset, file=ContentFile(data, name=f"bench-{preset}{ext}"), mime_type=mime,
                size_bytes=len(data), duration_seconds=61.4, bitrate=128000, sample_rate=44100, channels=2,
                integrated_lufs=lufs, true_peak_dbtp=-2.0, target_lufs=lufs, sha256="0" * 64,
            )  # fmt: skip
        episode = None
        for index in range(12):
            episode = EpisodePageFactory(
                parent=show, audio=asset, title=f"Episode {index + 1}", partner_release_at=timezone.now() - timedelta(1)
            )
            episode.save_revision().publish()
        partner = PartnerOrganisationFactory(name="Radio Bench", is_broadcast_partner=True)
        PartnerShowSubscription.objects.create(partner=partner, show=show)
        token = PartnerFeedToken(partner=partner, label="Playout")
        raw = token.set_new_token()
        token.save()
        episode = type(episode).objects.get(pk=episode.pk)
        return {
            "feed": f"/feeds/shows/{show.pk}.xml",
            "page": episode.get_url(),
            "enclosure": f"/feeds/episodes/{episode.pk}.mp3",
            "partner feed": f"/feeds/partners/{raw}/feed.xml",
            "uncached": show.get_url(),
        }

    # --- processes ---------------------------------------------------------------------------

    def start_web(self, **extra: str) -> None:
        self.stop_web()
        self.web_port = free_port()
        env = {**self.env, "HUB_BIND": f"127.0.0.1:{self.web_port}", "WEB_CONCURRENCY": "2", **extra}
        log = (self.scratch / "gunicorn.log").open("ab")
        self.web = subprocess.Popen(
            [PY, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"], cwd=ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while get(self.web_port, "/healthz") != 200:
            if time.monotonic() > deadline or self.web.poll() is not None:
                raise SystemExit(f"gunicorn did not become healthy:\n{tail(self.scratch / 'gunicorn.log')}")
            time.sleep(0.3)

    def stop_web(self) -> None:
        if self.web is not None and self.web.poll() is None:
            os.killpg(self.web.pid, signal.SIGTERM)
            self.web.wait(timeout=40)

    def start_worker(self) -> subprocess.Popen:
        log = (self.scratch / "worker.log").open("ab")
        self.worker = subprocess.Popen(
            [PY, "manage.py", "rqworker", "audio", "default", "--with-scheduler"], cwd=ROOT, env=self.env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        return self.worker

    # --- faults ------------------------------------------------------------------------------

    def warm(self, urls: dict[str, str]) -> None:
        for _ in range(3):
            for name, path in urls.items():
                status = get(self.web_port, path, timeout=120)  # a first render on a busy machine may take a while
                if status not in (200, 302):
                    log = tail(self.scratch / "gunicorn.log", 80)
                    raise SystemExit(f"{name} ({path}) answered {status} before any fault:\n{log}")

    def load(self, label: str, paths: list[str], urls: dict[str, str], inject=None, restore=None) -> dict:
        """wrk for --seconds; the fault runs over the middle third."""
        seconds = self.args.seconds
        probe = Probe(self.web_port, urls["uncached"])
        probe.start()
        fault_end = None

        def fault():
            nonlocal fault_end
            time.sleep(seconds / 3)
            if inject is not None:
                inject()
            time.sleep(seconds / 3)
            if restore is not None:
                restore()
            fault_end = time.monotonic()

        injector = threading.Thread(target=fault, daemon=True)
        injector.start()
        say(f"{label}: wrk for {seconds} s on {', '.join(paths)}")
        result = run_wrk(self.web_port, paths, seconds, self.args.connections, self.scratch)
        injector.join(timeout=120)
        time.sleep(3 if self.args.quick else 10)  # the probe watches the recovery a little longer
        probe.stopping.set()
        probe.join(timeout=10)
        recovery = probe.recovery(fault_end) if (inject is not None and fault_end is not None) else 0.0
        uncached = sorted({s for _, s in probe.samples if s != 200})
        measured = {"label": label, **result, "recovery": recovery, "probe_non200": uncached}
        say(" | ".join(row(measured, 0)))  # at once, so that an interrupted run still tells something
        return measured

    def database_down(self) -> None:
        from django.db import connections

        connections.close_all()
        self.postgres.stop("immediate")

    def database_up(self) -> None:
        self.postgres.start()

    def redis_down(self) -> None:
        self.redis.kill()

    def redis_up(self) -> None:
        self.redis.start()

    def idle_connections(self, count: int = 100):
        held: list[socket.socket] = []

        def open_them():
            for _ in range(count):
                held.append(socket.create_connection(("127.0.0.1", self.web_port), timeout=5))

        def close_them():
            for sock in held:
                sock.close()

        return open_them, close_them

    def killed_render(self) -> dict:
        """Upload a recording, kill -9 the worker mid-render, start a new one 5 s later."""
        from django.core.files import File
        from django.db import connections

        from hub.audio.models import AudioAsset, AudioStatus

        connections.close_all()
        minutes = 3 if self.args.quick else 10
        source = self.scratch / "long.flac"
        subprocess.run(
            ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
             "-i", f"anoisesrc=color=pink:amplitude=0.1:duration={minutes * 60}:seed=5", "-ac", "2", "-ar", "44100",
             str(source)],
            check=True, timeout=600,
        )  # fmt: skip
        with source.open("rb") as handle:
            asset = AudioAsset(title="Killed mid-render")
            asset.source = File(handle, name="long.flac")
            asset.save()
        deadline = time.monotonic() + 600
        while AudioAsset.objects.get(pk=asset.pk).progress < 10:
            if time.monotonic() > deadline:
                raise SystemExit(f"the render never started:\n{tail(self.scratch / 'worker.log')}")
            time.sleep(0.2)
        worker = self.worker
        kill_tree(worker.pid)  # the worker, its work horse (a session of its own) and ffmpeg
        worker.wait(timeout=30)
        killed_at = time.monotonic()
        say("render killed; a new worker starts in 5 s")
        time.sleep(5)
        self.start_worker()
        resumed = ready = None
        deadline = killed_at + 1800
        while time.monotonic() < deadline:
            row = AudioAsset.objects.filter(pk=asset.pk).values("status", "attempts", "progress").first()
            if resumed is None and row["attempts"] >= 2:
                resumed = time.monotonic() - killed_at
            if row["status"] in (AudioStatus.READY, AudioStatus.FAILED):
                ready = time.monotonic() - killed_at
                break
            time.sleep(0.5)
        asset.refresh_from_db()
        on_target = (
            all(abs(r.integrated_lufs - r.target_lufs) <= 1.0 for r in asset.renditions.all())
            and asset.renditions.count() == 3
        )
        return {"resumed": resumed, "ready": ready, "status": asset.status, "on_target": on_target}


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (RQ's work horse runs in a session of its own, ffmpeg under it)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_tree(pid: int) -> None:
    """SIGKILL a process and everything below it, at once (kill -9 of a worker mid-render)."""
    for target in [pid, *descendants(pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(target, signal.SIGKILL)


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def row(result: dict, paths: int) -> list[str]:
    non2xx = {s: n for s, n in sorted(result["statuses"].items()) if not 200 <= s < 400}
    errors = result.get("connect_errors", 0) + result.get("read_errors", 0)
    recovery = result["recovery"]
    return [
        result["label"],
        str(result["requests"]),
        ", ".join(f"{s}: {n}" for s, n in non2xx.items()) or "none",
        str(result.get("timeouts", 0)) + (f" (+{errors} socket errors)" if errors else ""),
        f"{result['p50'] / 1000:.1f}",
        f"{result['p99'] / 1000:.1f}",
        "n/a" if recovery is None else f"{recovery:.1f} s",
        ", ".join(map(str, result["probe_non200"])) or "none",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each load run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--quick", action="store_true", help="short runs: a check that everything works")
    args = parser.parse_args()
    if args.quick:
        args.seconds = min(args.seconds, 9.0)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    load_average = os.getloadavg()[0]
    bench = Bench(args)
    try:
        urls = bench.setup()
        bench.start_worker()
        bench.start_web()
        bench.warm(urls)
        public = [urls["feed"], urls["page"]]
        everything = [urls["feed"], urls["page"], urls["enclosure"], urls["partner feed"]]
        results = [bench.load("baseline", everything, urls)]
        results.append(bench.load("cache outage (Redis killed)", public, urls, bench.redis_down, bench.redis_up))
        bench.warm(urls)
        results.append(bench.load("cache outage, all four URLs", everything, urls, bench.redis_down, bench.redis_up))
        bench.warm(urls)
        bench.warm(urls)
        results.append(
            bench.load("database outage (stopped)", everything, urls, bench.database_down, bench.database_up)
        )
        bench.warm(urls)
        opened, closed = bench.idle_connections(100)
        results.append(bench.load("100 idle connections", everything, urls, opened, closed))
        max_requests = "300" if args.quick else "2000"
        bench.start_web(GUNICORN_MAX_REQUESTS=max_requests)
        bench.warm(urls)
        result = bench.load(f"worker recycling (every {max_requests} requests)", public, urls)
        restarts = len(re.findall(r"Autorestarting worker|Worker exiting|Booting worker", tail(
            bench.scratch / "gunicorn.log", 100000)))  # fmt: skip
        result["label"] += f", {restarts} boot/exit lines"
        results.append(result)
        bench.start_web()
        say("kill -9 of the RQ worker mid-render")
        render = bench.killed_render()
    finally:
        bench.teardown()

    header = ["fault", "requests", "non-2xx/3xx", "timeouts", "p50 ms", "p99 ms", "recovery", "uncached probe non-200"]
    print(f"\nFault bench: gunicorn 2 workers (deploy/gunicorn.conf.py), {args.connections} connections, "
          f"{args.seconds:.0f} s per run, fault over the middle third; load average {load_average:.2f} at start, "
          f"{os.getloadavg()[0]:.2f} at the end{' (--quick)' if args.quick else ''}\n")  # fmt: skip
    print(table([header, *[row(result, 0) for result in results]]))

    def seconds(value):
        return "never" if value is None else f"{value:.1f} s"

    print(
        f"\nkill -9 mid-render: running again after {seconds(render['resumed'])} (target <= 60 s), "
        f"{render['status']} after {seconds(render['ready'])}, renditions on target: {render['on_target']}"
    )


if __name__ == "__main__":
    main()
