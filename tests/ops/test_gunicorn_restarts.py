"""Workers of one node restart in turn: while one is restarting, the others keep accepting.

deploy/gunicorn.conf.py counts requests (GUNICORN_MAX_REQUESTS) and memory itself; a worker that
is due restarts only when no other worker of the node is restarting. gunicorn's own
``max_requests`` restarted both workers of a node at once and left nobody to answer
(bench/faults.py). A tiny WSGI application stands in for the hub: the subject is the
configuration, not Django.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading

import pytest
import requests

from tests.production.services import ROOT, free_port, tail, wait_for

pytestmark = pytest.mark.integration

APP = """
import os


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
"""


def test_workers_due_for_a_restart_take_turns(tmp_path):
    (tmp_path / "tiny_app.py").write_text(APP)
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "HUB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_MAX_REQUESTS": "30",
        "GUNICORN_RESTART_SPACING": "0.2",
        "HUB_LOG_FORMAT": "plain",
        "HUB_LOG_LEVEL": "info",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--pythonpath", str(tmp_path),
             "tiny_app:app"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: requests.get(base, timeout=2).ok, timeout=60), tail(log)
        answered: list[str] = []

        def client():
            with requests.Session() as session:  # keep-alive, as a browser or wrk
                for _ in range(150):
                    try:
                        answered.append(session.get(base, timeout=10).text)
                    except requests.ConnectionError:  # a restarting worker closed the kept-alive connection
                        continue

        clients = [threading.Thread(target=client) for _ in range(8)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=60)

    text = log.read_text(errors="replace")
    # A turn ends when the replacement has booted (not when the old worker says it exits: gunicorn
    # forks the replacement only once that process is gone, which can take seconds).
    events = re.findall(r"Worker (\d+) answered \d+ requests; restarting|(Booting worker)", text)
    restarting: str | None = None
    restarts = 0
    for decided, booted in events:
        if decided:
            assert restarting is None, f"worker {decided} restarted before {restarting} was replaced:\n{text}"
            restarting, restarts = decided, restarts + 1
        elif booted:
            restarting = None
    assert restarts >= 3, text
    assert len(set(answered)) >= 4, "requests were answered by the restarted workers too"
