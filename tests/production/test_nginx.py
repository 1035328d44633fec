"""deploy/nginx/hub.conf, run by a real nginx in front of a gunicorn node.

The sample is used as written, with only its machine-specific parts replaced: addresses and ports
(127.0.0.1), the install folder and the certificate (self-signed, made here). Its upstream keeps
its two nodes: the live gunicorn and a dead port, which nginx must route around. The node keeps
its files on the local disk, in the install folder nginx serves from, and hands private audio to
nginx with X-Accel-Redirect after its policy check.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from .conftest import database_url, production_env
from .services import ROOT, Process, free_port, tail, wait_for

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
def install(tmp_path_factory):
    return tmp_path_factory.mktemp("nginx") / "srv" / "hub"


@pytest.fixture(scope="module")
def local_web(services, static_root, install, tmp_path_factory):
    """A web node on the local disk (no bucket), behind nginx: X-Accel-Redirect to its private folder."""
    port = free_port()
    env = production_env(
        database_url=database_url(),
        redis_url=services["redis_url"],
        static_root=static_root,
        HUB_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        HUB_SERVICE_NAME="web",
        HUB_MEDIA_ROOT=str(install / "var" / "media"),
        HUB_PRIVATE_ROOT=str(install / "var" / "private"),
        HUB_ACCEL_REDIRECT_LOCATION="/_hub_private/",
    )
    log = tmp_path_factory.mktemp("local-web") / "gunicorn.log"
    process = Process(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "hub.wsgi:application"], env, log
    )
    process.base = f"http://127.0.0.1:{port}"
    if not wait_for(lambda: requests.get(f"{process.base}/healthz", timeout=5).status_code in (200, 503), timeout=60):
        process.stop()
        pytest.fail(f"gunicorn did not start:\n{tail(log)}", pytrace=False)
    yield process
    process.stop()


@pytest.fixture(scope="module")
def nginx(local_web, install):
    web = local_web
    if shutil.which("nginx") is None:
        pytest.fail("nginx is not installed: scripts/services.sh installs it (Debian package nginx).", pytrace=False)
    folder = install.parent.parent
    media = install / "var" / "media" / "episodes" / "1" / "abc"
    media.mkdir(parents=True)
    (media / "episode.mp3").write_bytes(b"ID3" + bytes(range(256)) * 40)
    hidden = install / "var" / "media" / "documents"
    hidden.mkdir(parents=True)
    (hidden / "board-minutes.pdf").write_bytes(b"%PDF-1.4 private collection")
    (install / "var" / "private" / "consent").mkdir(parents=True)
    (install / "var" / "private" / "consent" / "form.pdf").write_bytes(b"%PDF-1.4 consent")
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
    yield {
        "base": base,
        "http": f"http://127.0.0.1:{http_port}",
        "cert": str(cert),
        "media": media,
        "private": install / "var" / "private",
    }
    process.terminate()
    process.wait(timeout=20)


def test_plain_http_is_redirected_to_https(nginx):
    response = requests.get(f"{nginx['http']}/feeds/shows/1.xml", allow_redirects=False, timeout=10)
    assert response.status_code == 301
    assert response.headers["Location"] == "https://127.0.0.1/feeds/shows/1.xml"


def test_media_is_served_with_head_and_byte_ranges(nginx):
    url = f"{nginx['base']}/media/episodes/1/abc/episode.mp3"
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


def test_nothing_else_under_media_and_nothing_of_the_private_folder_is_served(nginx):
    for path in ("/media/documents/board-minutes.pdf", "/_hub_private/consent/form.pdf"):
        response = requests.get(nginx["base"] + path, verify=nginx["cert"], timeout=10)
        assert response.status_code == 404, path
        assert b"%PDF" not in response.content
    # nginx resolves the dots first; what is left (/private/...) is no file location at all.
    climbed = requests.get(nginx["base"] + "/media/../private/consent/form.pdf", verify=nginx["cert"], timeout=10)
    assert climbed.status_code != 200 and b"%PDF" not in climbed.content


def test_released_audio_is_sent_by_nginx_after_the_nodes_policy_check(nginx):
    """The node answers X-Accel-Redirect; nginx sends the file with HEAD and ranges. Embargoed: 404."""
    from datetime import timedelta

    from django.utils import timezone

    from hub.audio.factories import AudioAssetFactory
    from hub.audio.models import Rendition

    from .site import add_episode, make_show

    show = make_show()
    data = b"ID3" + bytes(range(256)) * 100
    episodes = {}
    for state, release in (("released", None), ("embargoed", timezone.now() + timedelta(days=2))):
        asset = AudioAssetFactory()
        name = f"audio/renditions/{asset.pk}/run/podcast-mp3.mp3"
        target = nginx["private"] / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        Rendition.objects.create(
            asset=asset, preset="podcast-mp3", file=name, mime_type="audio/mpeg", size_bytes=len(data),
            duration_seconds=3.0, sample_rate=44100, channels=2, integrated_lufs=-16, target_lufs=-16,
            sha256="a" * 64,
        )  # fmt: skip
        episodes[state] = add_episode(show, asset, title=f"{state} episode", public_release_at=release)

    for route in (
        f"/feeds/episodes/{episodes['released'].pk}.mp3",
        f"/audio/{episodes['released'].audio.pk}/podcast-mp3.mp3",
    ):
        url = nginx["base"] + route
        whole = requests.get(url, verify=nginx["cert"], timeout=30)
        assert (whole.status_code, whole.content) == (200, data), route
        assert whole.headers["Content-Type"] == "audio/mpeg"
        head = requests.head(url, verify=nginx["cert"], timeout=30)
        assert (head.status_code, int(head.headers["Content-Length"])) == (200, len(data))
        ranged = requests.get(url, headers={"Range": "bytes=0-2"}, verify=nginx["cert"], timeout=30)
        assert (ranged.status_code, ranged.content) == (206, b"ID3")
        assert ranged.headers["Content-Range"] == f"bytes 0-2/{len(data)}"
    for route in (
        f"/feeds/episodes/{episodes['embargoed'].pk}.mp3",
        f"/audio/{episodes['embargoed'].audio.pk}/podcast-mp3.mp3",
    ):
        refused = requests.get(nginx["base"] + route, verify=nginx["cert"], timeout=30)
        assert refused.status_code == 404, route
        assert b"ID3" not in refused.content
