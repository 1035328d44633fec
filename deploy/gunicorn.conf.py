"""Gunicorn configuration of a web node.

    gunicorn -c deploy/gunicorn.conf.py hub.wsgi:application

Every setting can be changed through the environment, so one file serves every machine:

HUB_BIND                    address to listen on (default 127.0.0.1:8000, or unix:/run/hub/web.sock;
                            nginx proxies to it and buffers requests and responses)
WEB_CONCURRENCY             worker processes (default cores + 1)
GUNICORN_THREADS            threads per worker (default 8)
GUNICORN_TIMEOUT            seconds a worker may go without checking in before it is restarted
                            (default 30; with threads this is not a limit on a request's length)
GUNICORN_KEEPALIVE          seconds an idle keep-alive connection is kept (default 5)
GUNICORN_FIRST_BYTE_TIMEOUT seconds a thread waits for the first bytes of a new connection before it
                            hands the connection back to the poller (default 0.05)
GUNICORN_MAX_MEMORY_MB      a worker whose resident memory passes this restarts after its current
                            request (default 512; 0 = never)
GUNICORN_MAX_REQUESTS       restart a worker after this many requests, plus a random jitter of up
                            to half of it (default 0 = never; memory is watched instead)
GUNICORN_RESTART_SPACING    seconds that must pass after one worker's replacement has booted
                            before another worker of the node may restart (default 2)
FORWARDED_ALLOW_IPS         proxies whose X-Forwarded-* headers are trusted (default 127.0.0.1)
HUB_LOG_FORMAT              json (default) or plain

Why threads (``gthread``): a synchronous worker is held for the whole life of a connection, so as
many idle or slow clients as there are workers stall the node. A threaded worker keeps idle and
kept-alive connections in its poller and gives a thread only to a connection that has sent
something. The application is loaded once in the master (``preload_app``), so a worker that
restarts is forked ready in milliseconds instead of importing Django and Wagtail again for
seconds. Restarts (memory, or a request count if one is set) take turns: a worker that is due
waits until no other worker of the node is restarting, so at least one is always accepting
(gunicorn's own ``max_requests`` restarted both at once and left nobody to answer).
docs/operations.md has the measurements.
"""

import contextlib
import fcntl
import multiprocessing
import os
import random
import resource
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.production")


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


wsgi_app = "hub.wsgi:application"
bind = os.environ.get("HUB_BIND", "127.0.0.1:8000").split(",")
workers = int(env_float("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(env_float("GUNICORN_THREADS", 8))
# Idle connections a worker keeps open (kept-alive ones included) beside its busy threads.
worker_connections = 1000
timeout = int(env_float("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = int(env_float("GUNICORN_KEEPALIVE", 5))
# Limits on the request line and headers: a client cannot make a thread parse megabytes of them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() not in {"0", "false", "no", "off"}
# Counted by post_request below, not by gunicorn (whose restarts do not take turns).
MAX_REQUESTS = int(env_float("GUNICORN_MAX_REQUESTS", 0))
max_requests = 0
RESTART_SPACING = env_float("GUNICORN_RESTART_SPACING", 2)
MAX_MEMORY_MB = env_float("GUNICORN_MAX_MEMORY_MB", 512)
# Heartbeat files in memory, not on a disk that may stall (gunicorn's own advice).
SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = SHM if os.path.isdir(SHM) else None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "hub-web"

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("HUB_LOG_LEVEL", "info").lower()
if os.environ.get("HUB_LOG_FORMAT", "json") == "json":
    logger_class = "hub.ops.logs.GunicornJsonLogger"

# A new connection holds a thread only until its first bytes arrive or this many seconds pass;
# then it waits in the poller like a kept-alive one (gunicorn's default is 5 s, which lets a
# hundred silent connections queue real requests behind them for a while).
try:
    from gunicorn.workers import gthread as _gthread

    if hasattr(_gthread, "DEFAULT_WORKER_DATA_TIMEOUT"):
        _gthread.DEFAULT_WORKER_DATA_TIMEOUT = env_float("GUNICORN_FIRST_BYTE_TIMEOUT", 0.05)
except ImportError:  # pragma: no cover - gunicorn without threads
    pass

_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


def _resident_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * _PAGE_KB / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _turns_path(master_pid: int) -> str:
    return os.path.join(worker_tmp_dir or "/tmp", f"hub-web-{master_pid}.restarts")  # noqa: S108


def _turn(worker, update) -> bool:
    """Run ``update(state) -> bool`` on the node's restart record, under an exclusive file lock.

    The record is "<pid of the last worker that restarted> <decided at> <a worker booted at>"
    (wall-clock seconds); every worker of one master shares it. An unreadable record lets the
    worker restart.
    """
    try:
        fd = os.open(_turns_path(worker.ppid), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        fields = os.pread(fd, 100, 0).decode(errors="replace").split()
        try:
            state = [int(fields[0]), float(fields[1]), float(fields[2])]
        except (IndexError, ValueError):
            state = [0, 0.0, 0.0]
        allowed = update(state)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{state[0]} {state[1]:.3f} {state[2]:.3f}".encode(), 0)
        return allowed
    finally:
        os.close(fd)  # releases the lock


# A restart whose replacement never booted stops blocking the others after this long.
STUCK_RESTART_SECONDS = graceful_timeout + timeout + 5


def _take_turn(worker) -> bool:
    """True if this worker may restart now: no other one is waiting for its replacement.

    A turn ends when the replacement has booted, not when the old worker exits: a large Python
    process can take seconds to finish exiting, and gunicorn forks the replacement only then.
    """
    now = time.time()

    def update(state):
        pid, decided, booted = state
        if pid == worker.pid and booted < decided:
            return False  # another thread of this worker took the turn already
        waiting = booted < decided and now - decided < STUCK_RESTART_SECONDS
        if waiting or now - booted < RESTART_SPACING:
            return False
        state[:] = [worker.pid, now, booted]
        return True

    return _turn(worker, update)


def post_fork(server, worker):
    """In the new worker, at once: when it was forked (see post_worker_init)."""
    worker.hub_forked_at = time.time()


def post_worker_init(worker):
    """In a worker that has just booted: if it was forked after the current turn was taken, it is
    that restart's replacement, and the turn is over. A first worker that is only now done booting
    (slowly, on a busy machine) ends no turn: it was forked before the decision."""
    if MAX_MEMORY_MB > 0 or MAX_REQUESTS > 0:
        forked_at = getattr(worker, "hub_forked_at", time.time())

        def update(state):
            if forked_at >= state[1]:
                state[2] = time.time()
            return True

        _turn(worker, update)


def on_exit(server):
    with contextlib.suppress(OSError):
        os.unlink(_turns_path(os.getpid()))


def post_request(worker, req, environ, resp):
    """Restart this worker after this request, when it is due and its turn has come.

    Due: its resident memory passed the limit (looked at every 50 requests), or it has answered
    GUNICORN_MAX_REQUESTS plus its own jitter. A worker that is due but finds another one
    restarting keeps serving and asks again after its next request.
    """
    if not worker.alive:
        return
    worker.hub_requests = getattr(worker, "hub_requests", 0) + 1
    due = ""
    if MAX_REQUESTS > 0:
        if not hasattr(worker, "hub_request_limit"):
            worker.hub_request_limit = MAX_REQUESTS + random.randint(0, MAX_REQUESTS // 2)  # noqa: S311
        if worker.hub_requests >= worker.hub_request_limit:
            due = f"answered {worker.hub_requests} requests"
    memory_due = getattr(worker, "hub_memory_due", "")
    if not memory_due and MAX_MEMORY_MB > 0 and worker.hub_requests % 50 == 0:
        resident = _resident_mb()
        if resident > MAX_MEMORY_MB:
            worker.hub_memory_due = memory_due = f"uses {resident:.0f} MB (limit {MAX_MEMORY_MB:.0f} MB)"
    due = due or memory_due
    if due and _take_turn(worker):
        worker.log.warning("Worker %s %s; restarting it after this request.", worker.pid, due)
        worker.alive = False
