"""Scale-out benchmark of the production profile (not a test).

    .venv/bin/python bench/scaleout.py [--episodes 8] [--seconds 30] [--feed-episodes 40]
                                       [--requests 400] [--concurrency 4] [--quick]

(a) A batch of short episodes is rendered by one, then by two RQ worker processes
    (``manage.py rqworker audio``): the same production code path as on a server (upload
    stored, job enqueued in Redis, worker probes, measures, renders three presets, writes peaks
    and swaps the renditions in). The workers are started first; the clock runs from the first
    upload until the last episode is ready. Reported: that wall time, the busy span from the
    first job's start to the last job's end, the speed-up of two workers over one, and how many
    jobs each worker took.
(b) One show's podcast feed is served by gunicorn with one, then two worker processes
    (``deploy/gunicorn.conf.py``), to ``--concurrency`` clients making ``--requests`` requests
    in all: requests per second and latency. Twice: with the feed cache off (``HUB_CACHE_URL=dummy://``,
    every request builds the XML from the database) and with the Redis cache of a production node;
    and how many requests each gunicorn worker answered (from its JSON access records).

Runs against this machine's PostgreSQL and Redis (``scripts/services.sh`` starts them); uses a
database of its own (``hub_bench_*``, dropped afterwards), Redis database 14 and local disk for
media, so that the numbers are about spreading work, not about a storage server. Every server it
starts listens on 127.0.0.1 and is stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from common import free_port, publish_show

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable
SECRET = "bench-only-not-secret-Qw8#Lm2!Zx7@Rt4&Yp1^Kd6*Hs3%Vn9(Bf5)Gc0-Ju8+Ea2"  # noqa: S105


def say(message: str) -> None:
    print(f"-- {message}", file=sys.stderr, flush=True)


def services() -> tuple[str, str]:
    """PostgreSQL and Redis URLs from scripts/services.sh (which starts them if needed)."""
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "services.sh")], capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        sys.exit(f"PostgreSQL and Redis are needed:\n{result.stderr}")
    found = dict(re.findall(r"export (\w+)='([^']*)'", result.stdout))
    redis_url = re.sub(r"/\d+$", "/14", found["HUB_TEST_REDIS_URL"])
    return found["HUB_TEST_DATABASE_URL"], redis_url


def psql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(sql)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


class Bench:
    def __init__(self, args):
        self.args = args
        self.scratch = Path(tempfile.mkdtemp(prefix="hub-scaleout-"))
        server_url, self.redis_url = services()
        self.server_url = server_url
        self.db_name = f"hub_bench_{uuid.uuid4().hex[:8]}"
        self.db_url = server_url.rsplit("/", 1)[0] + "/" + self.db_name
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUB_", "DATABASE_", "REDIS_"))},
            "DJANGO_SETTINGS_MODULE": "hub.settings.production",
            "DJANGO_SECRET_KEY": SECRET,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": self.db_url,
            "REDIS_URL": self.redis_url,
            "HUB_TASK_BACKEND": "rq",
            "HUB_MEDIA_ROOT": str(self.scratch / "media"),
            "HUB_PRIVATE_ROOT": str(self.scratch / "private"),
            "HUB_STATIC_ROOT": str(self.scratch / "static"),
            "HUB_LOG_LEVEL": "WARNING",
        }
        self.processes: list[subprocess.Popen] = []

    # --- set-up -----------------------------------------------------------------------------

    def setup(self) -> None:
        say(f"creating database {self.db_name} and migrating it")
        admin_url = self.server_url.rsplit("/", 1)[0] + "/postgres"
        psql(admin_url, f'CREATE DATABASE "{self.db_name}"')
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=self.env, check=True, timeout=900)
        os.environ.update(self.env)
        import django

        django.setup()
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()

    def teardown(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=20)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with contextlib.suppress(Exception):
            psql(
                self.server_url.rsplit("/", 1)[0] + "/postgres",
                f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)',
            )
        with contextlib.suppress(Exception):
            import redis

            redis.Redis.from_url(self.redis_url).flushdb()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def source(self) -> Path:
        """A speech-like short recording (noise shaped like syllables, plus a voice tone), as MP3."""
        path = self.scratch / "source.mp3"
        if not path.exists():
            seconds = self.args.seconds
            graph = (
                f"anoisesrc=c=pink:r=44100:a=0.4:d={seconds},highpass=f=150,lowpass=f=4000[n];"
                f"sine=f=170:r=44100:d={seconds},volume=0.3[v];"
                "[n][v]amix=inputs=2:normalize=0,volume='0.15+0.85*abs(sin(2*PI*2.2*t))':eval=frame[out]"
            )
            subprocess.run(
                ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-filter_complex", graph,
                 "-map", "[out]", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k", str(path)],
                check=True, timeout=120,
            )  # fmt: skip
        return path

    # --- (a) RQ workers ---------------------------------------------------------------------

    def upload_batch(self, label: str) -> list[int]:
        from django.core.files import File

        from hub.audio.models import AudioAsset

        ids = []
        for index in range(self.args.episodes):
            with self.source().open("rb") as handle:
                asset = AudioAsset(title=f"{label} {index + 1}", source=File(handle, name="episode.mp3"))
                asset.save()  # stored on disk, job enqueued in Redis on commit
            ids.append(asset.pk)
        return ids

    def render_round(self, workers: int) -> dict:
        """Start the workers, wait until they listen, then upload the batch and time it to the end."""
        import django_rq
        from django.db.models import Max, Min
        from rq import Worker

        from hub.audio.models import AudioAsset, AudioStatus

        queue = django_rq.get_queue("audio")
        procs = [
            subprocess.Popen(
                [PY, "manage.py", "rqworker", "audio", "--name", f"bench-{workers}-{n}-{uuid.uuid4().hex[:4]}"],
                cwd=ROOT,
                env={**self.env, "HUB_SERVICE_NAME": f"worker-{n}"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for n in range(workers)
        ]
        self.processes.extend(procs)
        deadline = time.monotonic() + 120
        while Worker.count(queue=queue) < workers:
            if time.monotonic() > deadline:
                raise SystemExit("the RQ workers did not start")
            time.sleep(0.2)
        cpu_before = sum(process_cpu_seconds(proc.pid) for proc in procs)  # Django's start-up
        started = time.monotonic()
        ids = self.upload_batch(f"{workers}-worker round")
        settled = AudioAsset.objects.filter(pk__in=ids, status__in=(AudioStatus.READY, AudioStatus.FAILED))
        while settled.count() < len(ids):
            if time.monotonic() - started > 3600:
                raise SystemExit("the batch did not finish within an hour")
            time.sleep(0.2)
        wall = time.monotonic() - started
        for proc in procs:
            proc.terminate()
        # CPU time of each worker with its job processes and their ffmpeg children (all reaped).
        cpu = sum(reap_cpu_seconds(proc) for proc in procs) - cpu_before
        assets = AudioAsset.objects.filter(pk__in=ids)
        ready = assets.filter(status=AudioStatus.READY).count()
        if ready != len(ids):
            failed = list(assets.exclude(status=AudioStatus.READY).values_list("status", "error_message")[:3])
            raise SystemExit(f"{len(ids) - ready} episodes were not rendered: {failed}")
        span = assets.aggregate(first=Min("started_at"), last=Max("finished_at"))
        busy = (span["last"] - span["first"]).total_seconds()
        return {
            "workers": workers,
            "wall": wall,
            "busy": busy,
            "cpu": cpu,
            "episodes": len(ids),
            "spread": jobs_per_worker(ids),
        }

    # --- (b) feeds --------------------------------------------------------------------------

    def make_feed(self) -> int:
        from hub.audio.models import AudioAsset, AudioStatus

        assets = list(AudioAsset.objects.filter(status=AudioStatus.READY).order_by("pk"))
        show, _ = publish_show(self.args.feed_episodes, lambda index: assets[index % len(assets)])
        return show.pk

    def serve_round(self, show_id: int, workers: int, cache: str) -> dict:
        port = free_port()
        env = {**self.env, "HUB_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers), "HUB_SERVICE_NAME": "web"}
        if cache == "none":
            env["HUB_CACHE_URL"] = "dummy://"
        log_path = self.scratch / f"gunicorn-{workers}-{cache}.log"
        log = log_path.open("wb")
        proc = subprocess.Popen(
            [PY, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(proc)
        path = f"/feeds/shows/{show_id}.xml"
        try:
            deadline = time.monotonic() + 60
            status, body = 0, b""
            while True:
                with contextlib.suppress(OSError):
                    status, body = request(port, "/healthz")
                    if status == 200:
                        break
                if time.monotonic() > deadline:
                    log.flush()
                    output = log_path.read_text(errors="replace")[-3000:]
                    raise SystemExit(f"gunicorn did not become healthy ({status} {body[:500]!r}):\n{output}")
                time.sleep(0.3)
            status, body = request(port, path)
            items = body.count(b"<item>")
            if status != 200 or items != self.args.feed_episodes:
                raise SystemExit(f"the feed answered {status} with {items} items")
            for _ in range(workers * 10):  # warm up every worker (imports, connections)
                request(port, path)
            latencies, elapsed = load(port, path, self.args.requests, self.args.concurrency)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            log.close()
        latencies.sort()
        return {
            "cache": cache,
            "workers": workers,
            "spread": requests_per_worker(log_path, path),
            "rps": len(latencies) / elapsed,
            "p50": latencies[len(latencies) // 2] * 1000,
            "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        }


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (not of its children), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reap_cpu_seconds(proc: subprocess.Popen) -> float:
    """Wait for a process to end (a minute, then kill it); its CPU time with every descendant it waited for."""
    deadline = time.monotonic() + 60
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_utime + usage.ru_stime
        if time.monotonic() > deadline:
            proc.kill()
            deadline = time.monotonic() + 30
        time.sleep(0.1)


def jobs_per_worker(asset_ids: list[int]) -> list[int]:
    """How many of these assets' jobs each RQ worker ran (from the jobs' results in Redis)."""
    import django_rq
    from django_tasks_rq import Job

    queue = django_rq.get_queue("audio", job_class=Job)
    counts: Counter[str] = Counter()
    for job in Job.fetch_many(queue.finished_job_registry.get_job_ids(), connection=queue.connection):
        if job is not None and job.args and job.args[0] in asset_ids:
            counts[job.latest_result().worker_name] += 1
    return sorted(counts.values(), reverse=True)


def requests_per_worker(log: Path, path: str) -> list[int]:
    """How many requests for ``path`` each gunicorn worker process answered (JSON access records)."""
    counts: Counter[int] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if record.get("logger") == "gunicorn.access" and record.get("http_path") == path:
                counts[record["pid"]] += 1
    return sorted(counts.values(), reverse=True)


def request(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def load(port: int, path: str, total: int, concurrency: int) -> tuple[list[float], float]:
    """``total`` GETs by ``concurrency`` threads; every answer must be 200. Bounded in count and time."""
    latencies: list[float] = []
    errors: list[str] = []
    remaining = iter(range(total))
    lock = threading.Lock()

    def client():
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            begun = time.perf_counter()
            status, _ = request(port, path)
            took = time.perf_counter() - begun
            with lock:
                latencies.append(took)
                if status != 200:
                    errors.append(str(status))

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} requests failed: {sorted(set(errors))}")
    return latencies, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=8, help="episodes per worker round")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each episode")
    parser.add_argument("--feed-episodes", type=int, default=40, help="episodes in the benchmarked feed")
    parser.add_argument("--requests", type=int, default=400, help="requests per feed round")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent feed clients")
    parser.add_argument("--quick", action="store_true", help="4 episodes of 10 s, 150 requests")
    args = parser.parse_args()
    if args.quick:
        args.episodes, args.seconds, args.requests, args.feed_episodes = 4, 10.0, 150, 20

    bench = Bench(args)
    print(f"machine: {os.cpu_count()} cores, load average at start {load_average()}")
    try:
        bench.setup()
        say(f"rendering {args.episodes} episodes of {args.seconds:g} s with 1, then 2 RQ workers")
        renders = [bench.render_round(1), bench.render_round(2)]
        say(f"serving a feed of {args.feed_episodes} episodes with 1, then 2 gunicorn workers")
        show_id = bench.make_feed()
        feeds = [bench.serve_round(show_id, workers, cache) for cache in ("none", "redis") for workers in (1, 2)]
    finally:
        bench.teardown()

    print()
    print(f"(a) RQ workers: {args.episodes} episodes of {args.seconds:g} s each (3 renditions + peaks per episode)")
    print(
        f"{'workers':>8} {'wall s':>8} {'busy s':>8} {'CPU s':>7} {'cores used':>11} {'episodes/min':>13}"
        f" {'speed-up':>9}  jobs per worker"
    )
    base = renders[0]
    for row in renders:
        speed = base["wall"] / row["wall"]
        per_minute = row["episodes"] / row["wall"] * 60
        spread = " / ".join(map(str, row["spread"]))
        cores = row["cpu"] / row["wall"]
        print(
            f"{row['workers']:>8} {row['wall']:>8.1f} {row['busy']:>8.1f} {row['cpu']:>7.1f} {cores:>11.2f}"
            f" {per_minute:>13.1f} {speed:>8.2f}x  {spread}"
        )
    print(
        "(CPU s: the workers' CPU time with their jobs and ffmpeg; cores used = CPU s / wall. The speed-up"
        f" two workers can reach here is at most {os.cpu_count()} / the cores one worker already uses.)"
    )
    print(
        f"\n(b) Feed /feeds/shows/<id>.xml with {args.feed_episodes} episodes: "
        f"{args.requests} requests by {args.concurrency} concurrent clients"
    )
    print(
        f"{'cache':>6} {'gunicorn workers':>17} {'requests/s':>11} {'p50 ms':>8} {'p95 ms':>8} {'speed-up':>9}"
        "  requests per worker"
    )
    for cache in ("none", "redis"):
        rows = [row for row in feeds if row["cache"] == cache]
        for row in rows:
            speed = row["rps"] / rows[0]["rps"]
            numbers = f"{row['rps']:>11.1f} {row['p50']:>8.1f} {row['p95']:>8.1f} {speed:>8.2f}x"
            print(f"{cache:>6} {row['workers']:>17} {numbers}  {' / '.join(map(str, row['spread']))}")
    print(f"\nload average at the end {load_average()} (other work on the machine skews the numbers)")


if __name__ == "__main__":
    main()
