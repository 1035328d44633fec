"""Gunicorn configuration of a web node.

    gunicorn -c deploy/gunicorn.conf.py hub.wsgi:application

Every setting can be changed through the environment, so one file serves every machine:

HUB_BIND            address to listen on (default 127.0.0.1:8000; nginx proxies to it)
WEB_CONCURRENCY     worker processes (default 2 x cores + 1)
GUNICORN_THREADS    threads per worker (default 1: sync workers; >1 switches to gthread)
GUNICORN_TIMEOUT    seconds a request may take (default 300: a large upload is copied to object
                    storage inside its request)
FORWARDED_ALLOW_IPS proxies whose X-Forwarded-* headers are trusted (default 127.0.0.1)
HUB_LOG_FORMAT      json (default) or plain
"""

import multiprocessing
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.production")

wsgi_app = "hub.wsgi:application"
bind = os.environ.get("HUB_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never grows into an outage.
max_requests = 2000
max_requests_jitter = 200
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
