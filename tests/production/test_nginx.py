"""deploy/nginx/hub.conf, run by a real nginx in front of a gunicorn node.

The sample is used as written, with only its machine-specific parts replaced: addresses and ports
(127.0.0.1), the install folder and the certificate (self-signed, made here). Its upstream keeps
its two nodes: the live gunicorn and a dead port, which nginx must route around.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from .services import ROOT, free_port, tail, wait_for

# Transactional: the web node and the workers are other processes, they see only committed rows.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", str(key),
         "-out", str(cert), "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module")
def nginx(web, tmp_path_factory):
    if shutil.which("nginx") is None:
        pytest.fail("nginx is not installed: scripts/services.sh installs it (Debian package nginx).", pytrace=False)
    folder = tmp_path_factory.mktemp("nginx")
    install = folder / "srv" / "hub"
    media = install / "var" / "media" / "audio" / "renditions"
    media.mkdir(parents=True)
    (media / "episode.mp3").write_bytes(b"ID3" + bytes(range(256)) * 40)
    cert, key = _certificate(folder)
    http_port, https_port, dead_port = free_port(), free_port(), free_port()
    web_address = web.base.split("//", 1)[1]

    site = (ROOT / "deploy" / "nginx" / "hub.conf").read_text()
    replacements = {
        "server 10.0.0.11:8000": f"server {web_address}",
        "server 10.0.0.12:8000": f"server 127.0.0.1:{dead_port}",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "/etc/letsencrypt/live/hub.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/hub.example.org/privkey.pem": str(key),
        "/srv/hub": str(install),
        "/var/log/nginx/": f"{folder}/",  # the test's own logs, not the machine's
    }
    for old, new in replacements.items():
        assert old in site, f"the sample no longer contains {old!r}"
        site = site.replace(old, new)
    (folder / "hub.conf").write_text(site)
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    # As root, nginx's workers would switch to a user that cannot read the test's private folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        user + f"worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 128; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  access_log {folder}/access.log;\n"
        + "".join(f"  {name}_temp_path {path};\n" for name, path in temp.items()).replace(
            "body_temp", "client_body_temp"
        )
        + f"  include {folder}/hub.conf;\n}}\n"
    )
    check = subprocess.run(
        ["nginx", "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"https://127.0.0.1:{https_port}"
    assert wait_for(lambda: requests.get(f"{base}/healthz", verify=str(cert), timeout=5).ok, 30), tail(
        folder / "error.log"
    )
    yield {"base": base, "http": f"http://127.0.0.1:{http_port}", "cert": str(cert), "media": media}
    process.terminate()
    process.wait(timeout=20)


def test_plain_http_is_redirected_to_https(nginx):
    response = requests.get(f"{nginx['http']}/feeds/shows/1.xml", allow_redirects=False, timeout=10)
    assert response.status_code == 301
    assert response.headers["Location"] == "https://127.0.0.1/feeds/shows/1.xml"


def test_media_is_served_with_head_and_byte_ranges(nginx):
    url = f"{nginx['base']}/media/audio/renditions/episode.mp3"
    size = (nginx["media"] / "episode.mp3").stat().st_size
    head = requests.head(url, verify=nginx["cert"], timeout=10)
    assert (head.status_code, int(head.headers["Content-Length"])) == (200, size)
    assert head.headers["Accept-Ranges"] == "bytes"
    assert head.headers["Content-Type"] == "audio/mpeg"
    ranged = requests.get(url, headers={"Range": "bytes=0-2"}, verify=nginx["cert"], timeout=10)
    assert (ranged.status_code, ranged.content) == (206, b"ID3")
    assert ranged.headers["Content-Range"] == f"bytes 0-2/{size}"
    beyond = requests.get(url, headers={"Range": f"bytes={size + 10}-"}, verify=nginx["cert"], timeout=10)
    assert beyond.status_code == 416


def test_requests_reach_a_live_node_past_a_dead_one_and_it_sees_https(nginx):
    for _ in range(6):  # round robin: every other request is first sent to the dead node
        response = requests.get(f"{nginx['base']}/healthz", verify=nginx["cert"], timeout=30)
        assert response.status_code == 200
    login = requests.get(f"{nginx['base']}/admin/login/", verify=nginx["cert"], timeout=30)
    assert login.status_code == 200
    assert "secure" in login.headers["Set-Cookie"].lower(), "the node knows the request came over HTTPS"
