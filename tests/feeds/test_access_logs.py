"""Partner tokens never reach the access logs of the real servers: gunicorn (both formats) and nginx.

Both run as deployed (``deploy/gunicorn.conf.py``, ``deploy/nginx/hub.conf``) and are asked for
partner URLs over loopback. The in-process logs (Django's) are covered in test_partner_feeds.py.
"""

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "S3cretPartnerT0ken-abcdefghijklmnopqrstuvwxyz0"
REFERRER_TOKEN = "An0therSecretFromTheReferrer-abcdefghijklmnop"

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def fetch(url: str, headers: dict | None = None, context=None) -> int:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("log_format", ["json", "plain"])
def test_gunicorn_access_log_has_no_token(tmp_path, log_format):
    """A failed-attempt limit of 0 answers 429 before any database query: no database needed."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUB_"))},
        "DJANGO_SETTINGS_MODULE": "hub.settings.test",
        "HUB_PARTNER_FAILURE_LIMIT": "0",
        "HUB_LOG_FORMAT": log_format,
        "HUB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: fetch(f"{base}/healthz") < 500), log.read_text()
        referrer = {"Referer": f"https://hub.example.org/feeds/partners/{REFERRER_TOKEN}/feed.xml"}
        assert fetch(f"{base}/feeds/partners/{TOKEN}/feed.xml?x=1", referrer) == 429
        assert fetch(f"{base}/feeds/partners/{TOKEN}/episodes/12.wav") == 429
        assert wait_for(lambda: log.read_text().count("/feeds/partners/[token]/") >= 3, 20), log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=30)
    text = log.read_text()
    assert TOKEN not in text and REFERRER_TOKEN not in text
    assert "/feeds/partners/[token]/episodes/12.wav" in text


class Backend:
    """The upstream nginx proxies to: answers 200 to everything, as a web node would."""

    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", "3")
                self.end_headers()
                self.wfile.write(b"ok\n")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_nginx_logs_have_no_token(tmp_path):
    if shutil.which("nginx") is None:
        pytest.fail("nginx is not installed: scripts/services.sh installs it (Debian package nginx).", pytrace=False)
    backend = Backend()
    folder = tmp_path
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", str(key),
         "-out", str(cert), "-subj", "/CN=127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    http_port, https_port, dead_port = free_port(), free_port(), free_port()
    site = (ROOT / "deploy" / "nginx" / "hub.conf").read_text()
    replacements = {
        "server 10.0.0.11:8000": f"server {backend.address}",
        "server 10.0.0.12:8000": f"server 127.0.0.1:{dead_port}",  # refused: nginx logs an upstream error
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "/etc/letsencrypt/live/hub.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/hub.example.org/privkey.pem": str(key),
        "/var/log/nginx/": f"{folder}/",
        "/srv/hub": str(folder / "srv"),
    }
    for old, new in replacements.items():
        assert old in site, f"the sample no longer contains {old!r}"
        site = site.replace(old, new)
    (folder / "hub.conf").write_text(site)
    temp = "".join(f"  {name}_temp_path {folder}/{name};\n" for name in ("proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  access_log {folder}/default-access.log;\n"
        f"  client_body_temp_path {folder}/body;\n{temp}  include {folder}/hub.conf;\n}}\n"
    )
    argv = ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")]
    check = subprocess.run([*argv, "-t"], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([*argv, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False
        base = f"https://127.0.0.1:{https_port}"
        assert wait_for(lambda: fetch(f"{base}/healthz", context=context) == 200, 30)
        referrer = {"Referer": f"https://hub.example.org/feeds/partners/{REFERRER_TOKEN}/feed.xml"}
        # Round robin over a live and a dead node (disabled after its third failure): the request
        # elsewhere or the health check meets it once at most, so two of the four partner requests do.
        assert fetch(f"{base}/elsewhere/", context=context) == 200
        for _ in range(4):
            assert fetch(f"{base}/feeds/partners/{TOKEN}/feed.xml?x=1", referrer, context) == 200
        plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
        plain.request("GET", f"/feeds/partners/{TOKEN}/feed.xml")
        assert plain.getresponse().status == 301
        plain.close()
        time.sleep(0.5)  # nginx writes its logs as requests end; give the last line a moment
    finally:
        process.terminate()
        process.wait(timeout=20)
        backend.close()
    logs = {path.name: path.read_text(errors="replace") for path in folder.glob("*.log")}
    assert "hub.access.log" in logs
    for name, text in logs.items():
        assert TOKEN not in text and REFERRER_TOKEN not in text, f"{name} holds a token:\n{text}"
    access = logs["hub.access.log"]
    assert access.count('"GET /feeds/partners/[token]/feed.xml?x=1 HTTP/') == 4
    assert '"https://hub.example.org/feeds/partners/[token]/feed.xml"' in access
    assert " 301 " in access, "the plain-HTTP redirect is logged, redacted, too"
    # Upstream errors are still logged, for other paths (2 of the 6 requests met the dead node first).
    assert logs["error.log"].count("connect() failed") in (1, 2), logs["error.log"]
