"""Fault bench of the production profile (not a test; not part of CI's time budget).

    .venv/bin/python bench/faults.py [--seconds 30] [--connections 16] [--quick] [--only NAME ...] [--keep]

Starts everything it needs on free ports of 127.0.0.1, in a temporary folder, and stops it at the
end (also after an error or Ctrl+C): its own PostgreSQL cluster (``initdb``/``pg_ctl``, never the
machine's shared server), its own Redis (queues and cache), gunicorn with ``deploy/gunicorn.conf.py``
(two workers) and one RQ worker (``manage.py rqworker audio default --with-scheduler``), local disk
for media. Then, per fault, a bounded ``wrk`` load (``--connections`` keep-alive connections,
2 threads, 2 s timeout) on cached public URLs while the fault is injected for the middle third:

- ``baseline``: no fault;
- ``cache``: Redis is killed (SIGKILL) and started again on the same port;
- ``database``: PostgreSQL is stopped (immediate mode) and started again;
- ``idle``: a hundred connections that send nothing are held open;
- ``recycling``: gunicorn restarts each worker after N requests (``GUNICORN_MAX_REQUESTS``,
  jitter N/2), the old configuration's way to contain leaks;
- ``kill``: the RQ worker, its work horse and ffmpeg are killed with SIGKILL mid-render; a new
  worker is started 5 s later (as systemd's ``Restart=on-failure``) and the time until the render
  runs again and until it is ready (on its loudness target) is measured.

Printed per fault: requests, non-2xx/3xx responses by status, client timeouts, p50 and p99
latency, and the recovery time: how long after the fault ended (the service back) until the node's
``/healthz`` (probed ten times a second alongside the load) answers "ok" for good. Then a summary
of the issue's targets with PASS/FAIL. The RQ worker runs under a supervisor that starts it again
5 s after it failed, as systemd does for deploy/systemd/hub-worker@.service. ``--quick`` shortens
every phase (a check of a few minutes; the numbers are then indicative only). ``--keep`` leaves
the temporary folder (logs) in place. bench/README.md explains how to read the output.
"""

from __future__ import annotations

import argparse
import contextlib
import json
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
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

from common import free_port, publish_show, table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.production.services import kill_tree, tail, wait_for  # noqa: E402

PY = sys.executable
SECRET = "bench-only-not-secret-Fa7#Ul2!Ts9@Qw4&Zx1^Pl6*Mn3%Rb8(Kc5)Dv0-Gh2+Yt7"  # noqa: S105
HTTPS = {"X-Forwarded-Proto": "https"}
PHASES = ("baseline", "cache", "database", "idle", "recycling", "kill")
# gunicorn's access records: worker pid, status, microseconds, the page cache's answer (X-Hub-Cache:
# hit, miss or -), request line (parsed per phase).
ACCESS_FORMAT = 'access %(p)s %(s)s %(D)s %({x-hub-cache}o)s "%(r)s"'
ACCESS_RECORD = re.compile(r'access <(\d+)> (\d{3}) (\d+) (\S+) "(\S+) (\S+)')

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
  io.write(string.format("max %d\n", latency.max))
end
"""


class BenchError(Exception):
    """Something the bench itself needs failed: the phase is reported as not measured."""


def say(message: str) -> None:
    print(f"-- {time.strftime('%H:%M:%S', time.gmtime())} {message}", file=sys.stderr, flush=True)


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


def run_quietly(argv: list[str], timeout: float, what: str) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise BenchError(f"{what} failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")


class Postgres:
    """A throw-away cluster of our own: initdb in the scratch folder, trust auth on 127.0.0.1 only."""

    def __init__(self, scratch: Path):
        self.port = free_port()
        self.data = scratch / "pg"
        self.log = scratch / "pg.log"
        self.url = f"postgres://hub@127.0.0.1:{self.port}/hub"
        self.initialised = False

    def init(self) -> None:
        self.data.mkdir()
        self.log.touch()
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
            shutil.chown(self.log, "postgres", "postgres")
        argv = [pg_tool("initdb"), "-D", str(self.data), "-U", "hub", "--auth=trust", "-E", "UTF8", "--no-instructions"]
        run_quietly(as_postgres(argv), 300, "initdb")
        self.initialised = True

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
        argv = [pg_tool("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "120", "start"]
        run_quietly(as_postgres(argv), 180, "pg_ctl start")

    def stop(self, mode: str = "fast") -> None:
        if self.initialised:
            argv = [pg_tool("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]
            subprocess.run(as_postgres(argv), check=False, capture_output=True, timeout=120)

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists() and port_open(self.port)

    def create_database(self) -> None:
        argv = [pg_tool("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "hub", "hub"]
        run_quietly(as_postgres(argv), 60, "createdb")


class Redis:
    """Our own redis-server; killed with SIGKILL for the cache outage and started again on its port."""

    def __init__(self, scratch: Path):
        self.port = free_port()
        self.dir = scratch / "redis"
        self.log = scratch / "redis.log"
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.dir.mkdir(exist_ok=True)
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(self.dir), "--logfile", str(self.log)]  # fmt: skip
        for _attempt in range(3):  # the port may still be held for a moment after a kill
            self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if wait_for(lambda: self.process.poll() is None and port_open(self.port), timeout=30):
                return
            self.kill()
            time.sleep(1)
        raise BenchError(f"redis-server did not start on port {self.port}:\n{tail(self.log, 10)}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None and port_open(self.port)


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


def get(port: int, path: str, timeout: float = 5.0) -> int:
    """Status of a GET (0: no answer in time, or the connection failed)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=HTTPS)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def patiently(action, what: str, timeout: float = 120.0):
    """Run a database or Redis action of the bench process itself, retrying while a service comes back.

    The bench's own connections outlive the outages it causes: a connection that died with the
    server is closed and opened again instead of ending the run.
    """
    import redis
    from django.db import DatabaseError, InterfaceError, connections

    deadline = time.monotonic() + timeout
    while True:
        try:
            return action()
        except (DatabaseError, InterfaceError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
                OSError) as error:  # fmt: skip
            if time.monotonic() > deadline:
                raise BenchError(f"{what}: {type(error).__name__}: {error}") from error
            connections.close_all()
            time.sleep(1)


def health(port: int, timeout: float = 2.0) -> str:
    """ "ok", or what the node's /healthz says is wrong ("503", "cache", ...; "no answer" on a timeout)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as error:
        return str(error.code)
    except (OSError, ValueError):
        return "no answer"
    failing = sorted(name for name, check in body.get("checks", {}).items() if not check.get("ok"))
    return ", ".join(failing) or "ok"


class Probe(threading.Thread):
    """Asks the node's /healthz ten times a second (a real round trip to the database, the cache, the
    queues and the storage, each of a few milliseconds); keeps (time, answer).

    An uncached page would be the more literal probe, but rendering one costs most of a second of
    CPU: ten a second would have been a load of their own, on the worker whose latency is measured.
    """

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port = port
        self.samples: list[tuple[float, str]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            self.samples.append((started, health(self.port)))
            self.stopping.wait(max(0.0, 0.1 - (time.monotonic() - started)))

    def recovery(self, fault_end: float) -> float | None:
        """Seconds after ``fault_end`` until the first "ok" from which every answer is "ok"."""
        after = [(t, s) for t, s in self.samples if t >= fault_end]
        last_bad = max((t for t, s in after if s != "ok"), default=None)
        if last_bad is None:
            return 0.0
        good = [t for t, s in after if t > last_bad and s == "ok"]
        return (good[0] - fault_end) if good else None


class Fault(threading.Thread):
    """Sleeps a third of the run, injects, sleeps a third, restores; keeps any error for the main thread."""

    def __init__(self, seconds: float, inject, restore):
        super().__init__(daemon=True)
        self.seconds, self.inject, self.restore = seconds, inject, restore
        self.start_at = self.end_at = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            time.sleep(self.seconds / 3)
            self.start_at = time.monotonic()
            if self.inject is not None:
                self.inject()
            time.sleep(max(0.0, self.start_at + self.seconds / 3 - time.monotonic()))
        except BaseException as error:  # reported by the main thread
            self.error = error
        finally:
            try:
                if self.restore is not None:
                    self.restore()
            except BaseException as error:
                self.error = self.error or error
            self.end_at = time.monotonic()


def run_wrk(port: int, paths: list[str], seconds: float, connections: int, scratch: Path) -> dict:
    script = scratch / "bench.lua"
    script.write_text(WRK_SCRIPT)
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "2s", "-s", str(script),
         f"http://127.0.0.1:{port}"],
        env={**os.environ, "BENCH_PATHS": ",".join(paths)}, capture_output=True, text=True,
        timeout=seconds + 60, check=False,
    )  # fmt: skip
    data: dict = {"statuses": {}}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "status":
            data["statuses"][int(parts[1])] = int(parts[2])
        elif len(parts) == 2 and parts[0] in {"requests", "timeouts", "connect_errors", "read_errors", "p50", "p99",
                                              "max"}:  # fmt: skip
            data[parts[0]] = int(parts[1])
    if "requests" not in data:
        raise BenchError(f"wrk failed:\n{result.stdout}\n{result.stderr}")
    return data


class Bench:
    def __init__(self, args):
        self.args = args
        self.scratch = Path(tempfile.mkdtemp(prefix="hub-faults-"))
        self.scratch.chmod(0o755)
        self.postgres = Postgres(self.scratch)
        self.redis = Redis(self.scratch)
        self.env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("DJANGO_", "HUB_", "DATABASE_", "REDIS_", "GUNICORN_"))
            },
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
        }
        self.web: subprocess.Popen | None = None
        self.web_port = 0
        self.web_log = self.scratch / "gunicorn.log"
        self.worker: subprocess.Popen | None = None
        self.worker_lock = threading.RLock()
        self.worker_restarts: list[str] = []
        self.stopping = threading.Event()
        self.retired: list[subprocess.Popen] = []
        self.loads: list[float] = []

    # --- set-up and tear-down ----------------------------------------------------------------

    def setup(self) -> dict[str, str]:
        say(f"own PostgreSQL on port {self.postgres.port}, own Redis on port {self.redis.port}, in {self.scratch}")
        self.postgres.init()
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
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second Ctrl+C must not cut this short
            signal.signal(signum, signal.SIG_IGN)
        self.stopping.set()
        say("stopping everything the bench started")
        with self.worker_lock:
            processes = [self.web, self.worker, *self.retired]
        for process in processes:
            if process is None or process.poll() is not None:
                continue
            if process is self.web:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=30)
            kill_tree(process.pid)  # RQ's work horse runs in a session of its own: the whole tree
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with contextlib.suppress(Exception):
            self.redis.kill()
        with contextlib.suppress(Exception):
            self.postgres.stop("immediate")
        if self.args.keep:
            say(f"logs kept in {self.scratch}")
        else:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def make_site(self) -> dict[str, str]:
        from datetime import timedelta

        from django.core.files.base import ContentFile
        from django.utils import timezone

        from hub.audio.models import AudioAsset, AudioStatus, Rendition
        from hub.partners.factories import PartnerOrganisationFactory
        from hub.partners.models import PartnerFeedToken, PartnerShowSubscription

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
        show, episode = publish_show(12, lambda index: asset, partner_release_at=timezone.now() - timedelta(1))
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

    def ensure_services(self) -> None:
        """Bring back whatever a failed phase may have left down, so that the next phase measures its own fault."""
        if not self.redis.running():
            say("Redis was down after the last phase: starting it again")
            self.redis.start()
        if not self.postgres.running():
            say("PostgreSQL was down after the last phase: starting it again")
            self.postgres.start()
        if self.web is None or self.web.poll() is not None or get(self.web_port, "/healthz", timeout=30) != 200:
            say("gunicorn was not healthy after the last phase: starting it again")
            self.start_web()

    # --- processes ---------------------------------------------------------------------------

    def start_web(self, **extra: str) -> None:
        self.stop_web()
        self.web_port = free_port()
        env = {**self.env, "HUB_BIND": f"127.0.0.1:{self.web_port}", "WEB_CONCURRENCY": "2",
               "GUNICORN_CMD_ARGS": f"--access-logformat='{ACCESS_FORMAT}'", **extra}  # fmt: skip
        with self.web_log.open("ab") as log:
            self.web = subprocess.Popen(
                [PY, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"], cwd=ROOT, env=env, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 120
        while get(self.web_port, "/healthz") != 200:
            if time.monotonic() > deadline or self.web.poll() is not None:
                raise BenchError(f"gunicorn did not become healthy:\n{tail(self.web_log)}")
            time.sleep(0.3)

    def stop_web(self) -> None:
        if self.web is not None and self.web.poll() is None:
            os.killpg(self.web.pid, signal.SIGTERM)
            try:
                self.web.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.web.pid, signal.SIGKILL)
                self.web.wait(timeout=10)

    def start_worker(self) -> subprocess.Popen | None:
        with self.worker_lock:
            if self.stopping.is_set():
                return None
            if self.worker is not None:
                self.retired.append(self.worker)
            with (self.scratch / "worker.log").open("ab") as log:
                self.worker = subprocess.Popen(
                    [PY, "manage.py", "rqworker", "audio", "default", "--with-scheduler"], cwd=ROOT, env=self.env,
                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                )  # fmt: skip
            return self.worker

    def supervise_worker(self) -> None:
        """What systemd does for deploy/systemd/hub-worker@.service (``Restart=on-failure``,
        ``RestartSec=5``): a worker that exits with an error or a signal is started again 5 s later.

        RQ's worker quits when Redis goes away while it watches a job (the cache outage kills the
        one Redis that also holds the queues); each restart is noted in ``worker_restarts``.
        """
        while not self.stopping.wait(0.5):
            worker = self.worker
            if worker is None or worker.poll() is None or worker.returncode == 0:
                continue
            self.worker_restarts.append(f"{time.strftime('%H:%M:%S', time.gmtime())} (exit {worker.returncode})")
            say(f"the RQ worker exited ({worker.returncode}); starting it again in 5 s, as systemd would")
            if self.stopping.wait(5):
                return
            self.start_worker()

    def gunicorn_workers(self) -> set[int]:
        """PIDs of the gunicorn master's children right now."""
        if self.web is None:
            return set()
        try:
            children = Path(f"/proc/{self.web.pid}/task/{self.web.pid}/children").read_text().split()
        except OSError:
            return set()
        return {int(pid) for pid in children}

    # --- faults ------------------------------------------------------------------------------

    def warm(self, urls: dict[str, str]) -> None:
        for _ in range(3):
            for name, path in urls.items():
                status = get(self.web_port, path, timeout=120)  # a first render on a busy machine may take a while
                if status not in (200, 302):
                    raise BenchError(f"{name} ({path}) answered {status} before any fault:\n{tail(self.web_log, 30)}")

    def access_records(self, offset: int) -> list[tuple[int, int, int, str, str]]:
        """(pid, status, microseconds, page cache, path) of gunicorn's access records after ``offset``."""
        with self.web_log.open("rb") as log:
            log.seek(offset)
            text = log.read().decode(errors="replace")
        return [(int(p), int(s), int(d), c, path) for p, s, d, c, _method, path in ACCESS_RECORD.findall(text)]

    def load(self, label: str, paths: list[str], urls: dict[str, str], inject=None, restore=None) -> dict:
        """wrk for --seconds; the fault (if any) runs over the middle third."""
        seconds = self.args.seconds
        offset = self.web_log.stat().st_size
        probe = Probe(self.web_port)
        probe.start()
        fault = Fault(seconds, inject, restore)
        workers: set[int] = set()
        watching = threading.Event()

        def watch_workers():
            while not watching.is_set():
                workers.update(self.gunicorn_workers())
                watching.wait(0.05)

        watcher = threading.Thread(target=watch_workers, daemon=True)
        watcher.start()
        fault.start()
        say(f"{label}: wrk for {seconds:.0f} s on {', '.join(paths)}")
        try:
            result = run_wrk(self.web_port, paths, seconds, self.args.connections, self.scratch)
        finally:
            fault.join(timeout=300)
            time.sleep(3 if self.args.quick else 10)  # the probe watches the recovery a little longer
            probe.stopping.set()
            probe.join(timeout=10)
            watching.set()
            watcher.join(timeout=5)
            self.loads.append(os.getloadavg()[0])
        if fault.error is not None:
            raise BenchError(f"injecting or restoring the fault failed: {fault.error}") from fault.error
        injected = inject is not None or restore is not None
        recovery = probe.recovery(fault.end_at) if injected and fault.end_at is not None else None
        records = self.access_records(offset)
        by_path = Counter((path, status) for _pid, status, _us, _cache, path in records if path != "/healthz")
        slow = Counter(
            f"{path} (page cache {cache})"
            for _pid, _status, us, cache, path in records
            if path != "/healthz" and us > 10 * max(1000, result.get("p50", 0))
        )
        bad_paths = {f"{path} {status}": n for (path, status), n in sorted(by_path.items()) if status >= 400}
        measured = {
            "label": label,
            **result,
            "injected": injected,
            "recovery": recovery,
            "probe_failures": dict(Counter(s for _, s in probe.samples if s != "ok")),
            "bad_paths": bad_paths,
            "workers": len(workers),
        }
        say(" | ".join(row(measured)))  # at once, so that an interrupted run still tells something
        if bad_paths:
            say(f"non-2xx/3xx by URL (gunicorn's records): {bad_paths}")
        if slow:
            say(f"answers slower than 10 x p50 in gunicorn's records: {dict(slow)}")
        return measured

    def database_down(self) -> None:
        from django.db import connections

        connections.close_all()
        self.postgres.stop("immediate")

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
        from hub.audio.tasks import process_audio_task

        connections.close_all()
        minutes = 3 if self.args.quick else 10
        source = self.scratch / "long.flac"
        subprocess.run(
            ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
             "-i", f"anoisesrc=color=pink:amplitude=0.1:duration={minutes * 60}:seed=5", "-ac", "2", "-ar", "44100",
             str(source)],
            check=True, timeout=600,
        )  # fmt: skip
        storage = AudioAsset._meta.get_field("source").storage
        with source.open("rb") as handle:
            name = storage.save("audio/sources/bench/long.flac", File(handle, name="long.flac"))

        def create():
            return AudioAsset.objects.create(
                title="Killed mid-render", source=name, size_bytes=source.stat().st_size, status=AudioStatus.QUEUED
            )

        asset = patiently(create, "creating the audio asset")
        patiently(lambda: process_audio_task.enqueue(asset.pk), "enqueueing the render")

        def progress() -> dict:
            return patiently(
                lambda: AudioAsset.objects.filter(pk=asset.pk).values("status", "attempts", "progress").first(),
                "reading the asset",
            )

        if not wait_for(lambda: progress()["progress"] >= 10, timeout=600, interval=0.2):
            raise BenchError(f"the render never got to 10 %:\n{tail(self.scratch / 'worker.log')}")
        running = progress()
        killed = self.worker
        kill_tree(killed.pid)  # the worker, its work horse (a session of its own) and ffmpeg
        killed.wait(timeout=30)
        killed_at = time.monotonic()
        say(f"render killed at {running['progress']} %; the supervisor starts a new worker in 5 s")
        resumed = ready = None
        deadline = killed_at + (900 if self.args.quick else 1800)
        current = running
        while time.monotonic() < deadline:
            current = progress()
            if resumed is None and current["attempts"] > running["attempts"]:
                resumed = time.monotonic() - killed_at
                say(f"render running again after {resumed:.1f} s")
            if current["status"] in (AudioStatus.READY, AudioStatus.FAILED):
                ready = time.monotonic() - killed_at
                break
            time.sleep(0.5)
        renditions = patiently(
            lambda: list(AudioAsset.objects.get(pk=asset.pk).renditions.values("preset", "integrated_lufs",
                                                                                 "target_lufs")),
            "reading the renditions",
        )  # fmt: skip
        on_target = len(renditions) == 3 and all(
            abs(r["integrated_lufs"] - r["target_lufs"]) <= 1.0 for r in renditions
        )
        loudness = ", ".join(
            f"{r['preset']} {r['integrated_lufs']:.1f}/{r['target_lufs']:.0f} LUFS" for r in renditions
        )
        return {
            "resumed": resumed,
            "ready": ready,
            "status": current["status"],
            "attempts": current["attempts"],
            "on_target": on_target,
            "loudness": loudness or "no renditions",
        }


def row(result: dict) -> list[str]:
    non2xx = {s: n for s, n in sorted(result["statuses"].items()) if not 200 <= s < 400}
    errors = result.get("connect_errors", 0) + result.get("read_errors", 0)
    recovery = result["recovery"]
    if not result["injected"]:
        recovered = "-"
    elif recovery is None:
        recovered = "not within the run"
    else:
        recovered = "< 0.1 s" if recovery < 0.1 else f"{recovery:.1f} s"
    return [
        result["label"],
        str(result["requests"]),
        ", ".join(f"{s}: {n}" for s, n in non2xx.items()) or "none",
        str(result.get("timeouts", 0)) + (f" (+{errors} socket errors)" if errors else ""),
        f"{result['p50'] / 1000:.1f}",
        f"{result['p99'] / 1000:.1f}",
        f"{result.get('max', 0) / 1000:.0f}",
        recovered,
        ", ".join(f"{s}: {n}" for s, n in sorted(result["probe_failures"].items())) or "none",
    ]


def five_xx(result: dict) -> int:
    return sum(n for s, n in result["statuses"].items() if s >= 500)


def verdicts(results: dict[str, dict], render: dict | None, skipped: dict[str, str]) -> list[list[str]]:
    """The issue's targets, each with what was measured and PASS/FAIL."""
    lines = [["target", "measured", "verdict"]]

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    for key, name in (("cache", "cache outage"), ("database", "database outage")):
        runs = [r for k, r in results.items() if k.startswith(key)]
        if not runs:
            lines.append([f"0 5xx on cached pages and feeds, {name}", skipped.get(key, "not run"), "-"])
            continue
        errors = sum(five_xx(r) for r in runs)
        timeouts = sum(r.get("timeouts", 0) for r in runs)
        lines.append([
            f"0 5xx on cached pages and feeds, {name}",
            f"{errors} 5xx, {timeouts} client timeouts in {sum(r['requests'] for r in runs)} requests",
            verdict(errors == 0),
        ])  # fmt: skip
    recycling = results.get("recycling")
    if recycling is None:
        lines.append(["p99 <= 10 x p50 with recycling on", skipped.get("recycling", "not run"), "-"])
    else:
        ratio = recycling["p99"] / max(1, recycling["p50"])
        lines.append([
            "p99 <= 10 x p50 with recycling on",
            f"p50 {recycling['p50'] / 1000:.1f} ms, p99 {recycling['p99'] / 1000:.1f} ms ({ratio:.1f}x), "
            f"{recycling.get('timeouts', 0)} timeouts, {recycling['workers']} worker processes seen",
            verdict(ratio <= 10 and recycling.get("timeouts", 0) == 0),
        ])  # fmt: skip
    idle = results.get("idle")
    if idle is None:
        lines.append(["no stall from 100 idle connections", skipped.get("idle", "not run"), "-"])
    else:
        stalled = idle.get("timeouts", 0) + sum(idle["probe_failures"].values())
        lines.append([
            "no stall from 100 idle connections",
            f"{idle.get('timeouts', 0)} client timeouts, longest answer {idle.get('max', 0) / 1000:.0f} ms, "
            f"/healthz probe failures {sum(idle['probe_failures'].values())}",
            verdict(stalled == 0 and not any(s >= 500 for s in idle["statuses"])),
        ])  # fmt: skip
    if render is None:
        lines.append(["killed render resumed <= 60 s, finished on target", skipped.get("kill", "not run"), "-"])
    else:

        def seconds(value):
            return "never" if value is None else f"{value:.1f} s"

        ok = render["resumed"] is not None and render["resumed"] <= 60 and render["status"] == "ready"
        lines.append([
            "killed render resumed <= 60 s, finished on target",
            f"running again after {seconds(render['resumed'])}, {render['status']} after {seconds(render['ready'])} "
            f"(attempts {render['attempts']}); {render['loudness']}",
            verdict(ok and render["on_target"]),
        ])  # fmt: skip
    return lines


def interrupt(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each load run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--quick", action="store_true", help="short runs: a check that everything works")
    parser.add_argument("--only", nargs="+", choices=PHASES, help="run only these phases (the baseline always runs)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder with every log")
    args = parser.parse_args()
    if args.quick:
        args.seconds = min(args.seconds, 9.0)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    wanted = set(args.only or PHASES) | {"baseline"}
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGHUP, interrupt)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_at_start = os.getloadavg()[0]
    bench = Bench(args)
    results: dict[str, dict] = {}
    render = None
    skipped: dict[str, str] = {}
    max_requests = "300" if args.quick else "2000"
    interrupted = False
    try:
        urls = bench.setup()
        bench.start_worker()
        threading.Thread(target=bench.supervise_worker, daemon=True).start()
        bench.start_web()
        bench.warm(urls)
        public = [urls["feed"], urls["page"]]
        everything = [urls["feed"], urls["page"], urls["enclosure"], urls["partner feed"]]

        def redis_down():
            bench.redis.kill()

        phases = [
            ("baseline", "baseline", lambda: bench.load("baseline", everything, urls)),
            ("cache", "cache", lambda: bench.load("cache outage (Redis killed)", public, urls, redis_down,
                                                  bench.redis.start)),
            ("cache", "cache, all", lambda: bench.load("cache outage, all four URLs", everything, urls, redis_down,
                                                       bench.redis.start)),
            ("database", "database", lambda: bench.load("database outage (stopped)", everything, urls,
                                                        bench.database_down, bench.postgres.start)),
            ("idle", "idle", lambda: bench.load("100 idle connections", everything, urls,
                                                *bench.idle_connections(100))),
        ]  # fmt: skip

        def recycling():
            bench.start_web(GUNICORN_MAX_REQUESTS=max_requests)
            try:
                bench.warm(urls)
                return bench.load(f"worker recycling (max_requests {max_requests})", public, urls)
            finally:
                bench.start_web()

        phases.append(("recycling", "recycling", recycling))
        for phase, key, measure in phases:
            if phase not in wanted:
                continue
            try:
                bench.ensure_services()
                bench.warm(urls)
                if phase == "database":
                    bench.warm(urls)  # the second round fills the cached visibility decisions
                results[key] = measure()
            except BenchError as error:
                say(f"{phase}: not measured: {error}")
                skipped[phase] = f"not measured: {str(error).splitlines()[0]}"
        if "kill" in wanted:
            try:
                bench.ensure_services()
                say("kill -9 of the RQ worker mid-render")
                render = bench.killed_render()
            except BenchError as error:
                say(f"kill: not measured: {error}")
                skipped["kill"] = f"not measured: {str(error).splitlines()[0]}"
    except KeyboardInterrupt:
        interrupted = True
        say("interrupted")
    except BenchError as error:
        say(f"the bench could not go on: {error}")
    finally:
        bench.teardown()

    load_at_end = os.getloadavg()[0]
    loads = [load_at_start, *bench.loads, load_at_end]
    print(
        f"\nFault bench{' (--quick)' if args.quick else ''}, {started}: gunicorn 2 workers (deploy/gunicorn.conf.py), "
        f"wrk 2 threads, {args.connections} connections, {args.seconds:.0f} s per run, fault over the middle third; "
        f"{os.cpu_count()} CPUs, load average {load_at_start:.2f} at the start, {min(loads):.2f}-{max(loads):.2f} "
        f"during, {load_at_end:.2f} at the end{'; INTERRUPTED' if interrupted else ''}\n"
    )
    if results:
        header = ["fault", "requests", "non-2xx/3xx", "timeouts", "p50 ms", "p99 ms", "max ms", "recovery",
                  "/healthz not ok"]  # fmt: skip
        print(table([header, *[row(result) for result in results.values()]]))
    if render is not None:
        print(
            f"\nkill -9 mid-render: running again after {render['resumed'] or 0:.1f} s, {render['status']} after "
            f"{render['ready'] or 0:.1f} s; {render['loudness']}"
        )
    if bench.worker_restarts:
        print(
            f"\nThe RQ worker exited and was started again 5 s later (as systemd's Restart=on-failure) at: "
            f"{', '.join(bench.worker_restarts)} UTC{' (one of them after the kill -9)' if render else ''}"
        )
    print("\nTargets (issue 13)\n")
    print(table(verdicts(results, render, skipped)))


if __name__ == "__main__":
    main()
