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
GUNICORN_MAX_REQUESTS       restart a worker after this many requests, spread by a jitter of half
                            of it (default 0 = never; memory is watched instead)
FORWARDED_ALLOW_IPS         proxies whose X-Forwarded-* headers are trusted (default 127.0.0.1)
HUB_LOG_FORMAT              json (default) or plain

Why threads (``gthread``): a synchronous worker is held for the whole life of a connection, so as
many idle or slow clients as there are workers stall the node. A threaded worker keeps idle and
kept-alive connections in its poller and gives a thread only to a connection that has sent
something. The application is loaded once in the master (``preload_app``), so a worker that
restarts is forked ready in milliseconds instead of importing Django and Wagtail again for
seconds; restarts are rare (memory, not a request count) and therefore never synchronised.
docs/operations.md has the measurements.
"""

import multiprocessing
import os
import resource

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
max_requests = int(env_float("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 2
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


def post_request(worker, req, environ, resp):
    """Restart this worker (alone, after this request) once its memory passes the limit."""
    if MAX_MEMORY_MB <= 0 or not worker.alive:
        return
    worker.hub_requests = getattr(worker, "hub_requests", 0) + 1
    if worker.hub_requests % 50:
        return
    resident = _resident_mb()
    if resident > MAX_MEMORY_MB:
        worker.log.warning(
            "Worker %s uses %.0f MB (limit %.0f MB); restarting it after this request.",
            worker.pid,
            resident,
            MAX_MEMORY_MB,
        )
        worker.alive = False
