"""Benchmark of the public pages (not a test).

    .venv/bin/python bench/pages.py [--seconds 5] [--connections 8] [--rebuild] [--skip-lighthouse]

For the home, a story and an episode page of the demo site (production profile, gunicorn with
2 workers, loopback):

(a) requests per second and p50/p95 latency, with the anonymous page cache on (what visitors
    get) and off (every request rendered), against the same bytes served as a static file by
    the same stack (WhiteNoise in the same gunicorn). Load tool: wrk (Debian package ``wrk``)
    with a small Lua reporter for the percentiles, or a Python keep-alive client without it.
(b) page weight without audio and images: the HTML, stylesheet and scripts as a browser gets
    them (gzip), target <= 100 KB.
(c) Lighthouse (npm ``lighthouse``, run with Debian's Chromium through CHROME_PATH) in its default
    mobile mode (emulated phone, simulated slow 4G and 4x CPU slowdown): performance and
    accessibility scores of the story and episode pages. Reported, not asserted.

The demo site (``load_demo_content``: real audio through the pipeline) is built once into
bench/.cache/hub-pages (``--rebuild`` starts over). Results also go to bench/results/pages.json.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

from common import free_port, table

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"
HUB_VAR = CACHE / "hub-pages"
RESULTS = ROOT / "bench" / "results"
WEIGHT_TARGET_KB = 100
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("HUB %d %d %d %.3f %.3f %.3f\\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""

HUB_ENV = {
    "DJANGO_SETTINGS_MODULE": "hub.settings.production",
    "DJANGO_SECRET_KEY": "bench-only-" + "p" * 60,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "HUB_VAR_DIR": str(HUB_VAR),
    "HUB_LOG_LEVEL": "WARNING",
}


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


# --- The demo site ---------------------------------------------------------------------


def ensure_vendor_files() -> None:
    """The waveform library comes from npm (scripts/setup.sh copies it); copy it if needed."""
    target = ROOT / "static_src" / "vendor" / "wavesurfer" / "wavesurfer.min.js"
    source = ROOT / "node_modules" / "wavesurfer.js" / "dist" / "wavesurfer.min.js"
    if target.exists():
        return
    if not source.exists():
        raise SystemExit("wavesurfer.js is not installed: run scripts/test or scripts/run once (npm ci).")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    shutil.copyfile(source.parents[1] / "LICENSE", target.with_name("LICENSE.txt"))


def setup_django(rebuild: bool) -> None:
    if rebuild and HUB_VAR.exists():
        shutil.rmtree(HUB_VAR)
    HUB_VAR.mkdir(parents=True, exist_ok=True)
    os.environ.update(HUB_ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # Index updates and feed pings would only queue up: nobody runs a worker here.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "audio"]}
    }


def build_site() -> dict[str, str]:
    """Migrate, load the demo content (first run only), collect static files; the pages to measure."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from hub.radio.models import EpisodePage
    from hub.stories.models import StoryPage

    if not StoryPage.objects.exists():
        say("loading the demo content (audio through the real pipeline; a few minutes, first run only)")
        call_command("load_demo_content")
    ensure_vendor_files()
    call_command("collectstatic", interactive=False, verbosity=0)
    story = StoryPage.objects.live().filter(locale__language_code="en").order_by("-publication_date", "pk").first()
    episode = (
        EpisodePage.objects.live()
        .filter(locale__language_code="en", audio__status="ready")
        .order_by("-publication_date", "pk")
        .first()
    )
    if story is None or episode is None:
        raise SystemExit("the demo site has no English story or episode with audio")
    return {"home": "/en/", "story": story.get_url(), "episode": episode.get_url()}


# --- HTTP ------------------------------------------------------------------------------


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    return response.status, {key.lower(): value for key, value in response.getheaders()}, response.read()


def wait_for(port: int, path: str, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if fetch(port, path)[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on port {port}")


def start_gunicorn(port: int, page_cache_seconds: int) -> subprocess.Popen:
    env = {**os.environ, **HUB_ENV, "HUB_PAGE_CACHE_SECONDS": str(page_cache_seconds)}
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "hub.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def python_load(port: int, path: str, seconds: float, connections: int) -> dict:
    """Keep-alive load for machines without wrk: every request's latency is recorded."""
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            latencies[index].append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                errors[index] += 1

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    samples = sorted(value for values in latencies for value in values)
    if sum(errors):
        raise SystemExit(f"{sum(errors)} error responses for {path}")
    return {
        "rps": len(samples) / seconds,
        "p50_ms": statistics.median(samples),
        "p95_ms": samples[int(0.95 * (len(samples) - 1))],
        "tool": "python",
    }


def load(port: int, path: str, seconds: float, connections: int) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        return python_load(port, path, seconds, connections)
    script = CACHE / "report.lua"
    script.write_text(WRK_REPORT)
    output = subprocess.run(
        [
            wrk,
            "-t2",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    match = re.search(r"^HUB (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)$", output, re.M)
    requests, bad_status, socket_errors, duration, p50, p95 = match.groups()
    if int(bad_status) or int(socket_errors):
        raise SystemExit(f"wrk saw errors for {path}:\n{output}")
    return {"rps": int(requests) / float(duration), "p50_ms": float(p50), "p95_ms": float(p95), "tool": "wrk"}


# --- Page weight -----------------------------------------------------------------------


class Subresources(HTMLParser):
    """Stylesheets and scripts a page loads (images and audio are left out by design)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.urls.append(attributes["href"])
        elif tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"])


def page_weight(port: int, path: str) -> dict:
    headers = {"Accept-Encoding": "gzip"}
    status, response_headers, body = fetch(port, path, headers)
    assert status == 200, path
    html = gzip.decompress(body) if response_headers.get("content-encoding") == "gzip" else body
    parser = Subresources()
    parser.feed(html.decode())
    weight = {"html": len(body), "css": 0, "js": 0, "files": 1}
    for url in parser.urls:
        sub_status, sub_headers, sub_body = fetch(port, url, headers)
        assert sub_status == 200, url
        weight["css" if url.split("?")[0].endswith(".css") else "js"] += len(sub_body)
        weight["files"] += 1
        if sub_headers.get("content-encoding") not in ("gzip", "br"):
            weight.setdefault("uncompressed", []).append(url)
    weight["total"] = weight["html"] + weight["css"] + weight["js"]
    return weight


# --- Lighthouse ------------------------------------------------------------------------


def lighthouse(url: str, out: Path) -> dict:
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary.exists() or not chrome:
        return {"error": "lighthouse (npm) or chromium missing"}
    command = [
        str(binary),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
    ]
    result = subprocess.run(
        command, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0 or not out.exists():
        return {"error": (result.stderr or result.stdout)[-400:]}
    report = json.loads(out.read_text())
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "failed_accessibility": [
            ref["id"]
            for ref in report["categories"]["accessibility"]["auditRefs"]
            if ref["weight"] and audits[ref["id"]]["score"] not in (None, 1)
        ],
    }


# --- Run -------------------------------------------------------------------------------


def measure(pages: dict[str, str], seconds: float, connections: int, run_lighthouse: bool) -> dict:
    from django.conf import settings
    from django.test import Client

    static_dir = Path(settings.STATIC_ROOT) / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    results: dict = {"pages": pages, "throughput": {}, "weight": {}, "lighthouse": {}}
    for mode, cache_seconds in (("cached", 600), ("rendered", 0)):
        port = free_port()
        # Static twins: the same bytes as each page, written before the server starts
        # (WhiteNoise indexes its files then).
        for name, path in pages.items():
            body = Client().get(path, HTTP_HOST=f"127.0.0.1:{port}").content
            (static_dir / f"{name}.html").write_bytes(body)
        server = start_gunicorn(port, cache_seconds)
        try:
            for name, path in pages.items():
                wait_for(port, path)
                for _ in range(4):  # warm both workers: renditions, caches
                    fetch(port, path)
                page = load(port, path, seconds, connections)
                static = load(port, f"/static/bench/{name}.html", seconds, connections)
                results["throughput"].setdefault(name, {})[mode] = page
                results["throughput"][name]["static"] = static
            if mode == "cached":
                for name, path in pages.items():
                    results["weight"][name] = page_weight(port, path)
                if run_lighthouse:
                    for name in ("story", "episode"):
                        say(f"lighthouse, mobile: {name}")
                        out = CACHE / f"lighthouse-{name}.json"
                        results["lighthouse"][name] = lighthouse(f"http://127.0.0.1:{port}{pages[name]}", out)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return results


def report(results: dict, seconds: float, connections: int) -> str:
    rows = [["page", "served", "req/s", "p50 ms", "p95 ms", "static req/s", "static p50", "static p95", "ratio"]]
    for name, modes in results["throughput"].items():
        static = modes["static"]
        for mode in ("cached", "rendered"):
            item = modes[mode]
            rows.append(
                [
                    name,
                    "page cache" if mode == "cached" else "rendered",
                    f"{item['rps']:.0f}",
                    f"{item['p50_ms']:.1f}",
                    f"{item['p95_ms']:.1f}",
                    f"{static['rps']:.0f}",
                    f"{static['p50_ms']:.1f}",
                    f"{static['p95_ms']:.1f}",
                    f"{item['rps'] / static['rps']:.2f}",
                ]
            )
    weight_rows = [["page", "HTML gz", "CSS gz", "JS gz", "total", "files", f"<= {WEIGHT_TARGET_KB} KB"]]
    for name, weight in results["weight"].items():
        weight_rows.append(
            [
                name,
                f"{weight['html'] / 1024:.1f} KB",
                f"{weight['css'] / 1024:.1f} KB",
                f"{weight['js'] / 1024:.1f} KB",
                f"{weight['total'] / 1024:.1f} KB",
                str(weight["files"]),
                "yes" if weight["total"] <= WEIGHT_TARGET_KB * 1024 else "NO",
            ]
        )
    parts = [
        "Public pages: gunicorn (2 workers, production profile) over loopback, demo site",
        table(rows),
        f"load: {results['throughput']['home']['cached']['tool']}, {connections} connections, {seconds:g} s per row; "
        "static = the same bytes as a file served by WhiteNoise in the same gunicorn; ratio = page / static req/s",
        "",
        "Page weight without audio and images (as sent with Accept-Encoding: gzip)",
        table(weight_rows),
    ]
    if results["lighthouse"]:
        light_rows = [
            ["page", "performance", "accessibility", "FCP", "LCP", "TBT", "CLS", "accessibility audits failed"]
        ]
        for name, item in results["lighthouse"].items():
            if "error" in item:
                light_rows.append([name, "error", item["error"][:60], "", "", "", "", ""])
                continue
            light_rows.append(
                [
                    name,
                    str(item["performance"]),
                    str(item["accessibility"]),
                    f"{item['fcp_s']:.2f} s",
                    f"{item['lcp_s']:.2f} s",
                    f"{item['tbt_ms']:.0f} ms",
                    f"{item['cls']:.3f}",
                    ", ".join(item["failed_accessibility"]) or "none",
                ]
            )
        parts += [
            "",
            "Lighthouse, mobile (emulated phone, simulated slow 4G, 4x CPU); "
            "targets: performance >= 95, accessibility 100",
            table(light_rows),
        ]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="load per row (default 5)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections (default 8)")
    parser.add_argument("--rebuild", action="store_true", help="build the demo site again")
    parser.add_argument("--skip-lighthouse", action="store_true")
    args = parser.parse_args()

    setup_django(args.rebuild)
    say("demo site: migrate, content, static files")
    pages = build_site()
    say(f"measuring {', '.join(pages.values())}")
    results = measure(pages, args.seconds, args.connections, not args.skip_lighthouse)
    results["load_average"] = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps(results, indent=2))
    print(report(results, args.seconds, args.connections))
    print(f"\nload average at the end: {results['load_average'][0]:.2f} (2 CPUs); results in bench/results/pages.json")


if __name__ == "__main__":
    main()
