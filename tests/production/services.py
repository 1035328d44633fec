"""Real servers for the production profile's tests: moto's S3 server, gunicorn, RQ workers.

Everything listens on 127.0.0.1 and is started and stopped by the fixtures in ``conftest.py``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "integration-tests-only-Yq3#vK8!pW2@zR6&nT9^mB4*hL7%cX1(dF5)gJ0-sE2+aU"
S3_KEY_ID = "hub-test-key"
S3_SECRET = "hub-test-secret"
S3_REGION = "eu-central-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return True
        time.sleep(interval)
    return False


def tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


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


class Process:
    """A child process whose output goes to a log file; stopped with SIGTERM, then SIGKILL."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT):
        self.log = log
        self._handle = log.open("ab")
        self.popen = subprocess.Popen(argv, cwd=cwd, env=env, stdout=self._handle, stderr=subprocess.STDOUT)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 20.0) -> None:
        if self.alive():
            self.popen.terminate()
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        self._handle.close()

    def output(self) -> str:
        return tail(self.log)


class RedisLease:
    """One numbered database of the tests' Redis server, for this test run alone.

    Queues, the cache and the tests' ``flushdb`` then touch only this run's keys, so that several
    runs (other engineers', CI) can share one Redis. The lease is a key with an expiry in the
    database of ``HUB_TEST_REDIS_URL``, which no run leases; database 14 is the scale-out
    benchmark's. A server with fewer databases than that gives the configured database itself.
    """

    PREFIX = "hub-test-redis-lease:"
    SECONDS = 4 * 3600
    CANDIDATES = range(1, 14)

    def __init__(self, url: str):
        import redis

        self._book = redis.Redis.from_url(url, socket_connect_timeout=3)
        self._token = f"{os.getpid()}-{uuid.uuid4().hex}"
        self._key = ""
        own = self._book.connection_pool.connection_kwargs.get("db", 0)
        self.url = url
        for number in self.CANDIDATES:
            if number == own or not self._book.set(f"{self.PREFIX}{number}", self._token, nx=True, ex=self.SECONDS):
                continue
            candidate = with_database(url, number)
            try:
                leased = redis.Redis.from_url(candidate, socket_connect_timeout=3)
                leased.flushdb()  # what a crashed run may have left
            except redis.ResponseError:  # "DB index is out of range"
                self._book.delete(f"{self.PREFIX}{number}")
                break
            self._key, self.url = f"{self.PREFIX}{number}", candidate
            return
        else:
            raise RuntimeError(f"Every Redis database {self.CANDIDATES} is leased by another test run.")

    def release(self) -> None:
        if self._key and self._book.get(self._key) == self._token.encode():
            import redis

            redis.Redis.from_url(self.url).flushdb()
            self._book.delete(self._key)
        self._key = ""


def with_database(url: str, number: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{number}"))


class MotoServer:
    """moto's S3-compatible server (``moto.server``), in its own process on a free port."""

    def __init__(self, log: Path):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"}
        self.process = Process(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)], env=env, log=log
        )
        if not wait_for(lambda: requests.get(f"{self.endpoint}/moto-api/", timeout=2).ok, timeout=60):
            self.process.stop()
            raise RuntimeError(f"moto's S3 server did not start:\n{self.process.output()}")

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=S3_REGION,
            aws_access_key_id=S3_KEY_ID,
            aws_secret_access_key=S3_SECRET,
            config=Config(signature_version="s3v4"),
        )

    def stop(self):
        self.process.stop()


def public_read_policy(bucket: str) -> str:
    """The same policy as deploy/s3-public-read-policy.json, for one bucket."""
    policy = (ROOT / "deploy" / "s3-public-read-policy.json").read_text()
    return policy.replace("BUCKET_NAME", bucket)


class TcpGate:
    """A TCP forwarder to ``target_port`` that can be closed (connections refused) and opened again.

    It stands for a network path to the storage that goes down and comes back.
    """

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self._server: socket.socket | None = None
        self._stop = threading.Event()

    def open(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(64)
        server.settimeout(0.2)
        self._server = server
        self._stop.clear()
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.close()
            self._server = None

    def _accept(self, server: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=10)
            except OSError:
                client.close()
                continue
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class Browser:
    """An HTTP client for the admin behind a TLS-terminating proxy (as nginx would forward it).

    The production profile sets Secure cookies and checks CSRF origins for HTTPS; the requests
    carry ``X-Forwarded-Proto: https``, and the cookies (which requests would keep to HTTPS)
    are sent by hand.
    """

    def __init__(self, base: str, log: Path | None = None):
        self.base = base
        self.log = log
        self.session = requests.Session()
        origin = "https://" + base.split("://", 1)[1]
        self.session.headers.update({"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/admin/"})

    def _cookies(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.session.cookies)}

    def get(self, path: str, **kwargs):
        return self.session.get(self.base + path, allow_redirects=False, timeout=60, headers=self._cookies(), **kwargs)

    def post(self, path: str, data: dict, files=None):
        data = {**data, "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", "")}
        return self.session.post(
            self.base + path, data=data, files=files, allow_redirects=False, timeout=120, headers=self._cookies()
        )

    def login(self, username: str, password: str) -> None:
        self.get("/admin/login/")
        response = self.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})
        if response.status_code != 302:
            text = response.text
            reason = text[text.find("Reason given") :][:300] if "Reason given" in text else text[:500]
            raise AssertionError(f"login failed: {response.status_code} {reason}\n{tail(self.log) if self.log else ''}")
