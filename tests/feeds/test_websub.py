"""WebSub: publishing pings the configured hub; failures are logged and retried, never fatal."""

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from hub.feeds.tasks import MAX_ATTEMPTS
from hub.radio.models import ShowPage

from .conftest import fresh, make_episode, publish

pytestmark = pytest.mark.django_db


class Hub:
    """A real WebSub hub stand-in on 127.0.0.1 that answers with the given statuses in turn."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.requests = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                hub.requests.append((self.headers.get("Content-Type"), parse_qs(self.rfile.read(length).decode())))
                status = hub.statuses.pop(0) if hub.statuses else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hub_server(settings):
    servers = []

    def start(statuses=()):
        server = Hub(statuses)
        servers.append(server)
        settings.HUB_WEBSUB_HUB = server.url
        return server

    yield start
    for server in servers:
        server.close()


def test_publishing_an_episode_pings_the_hub(hub_server, show, django_capture_on_commit_callbacks):
    hub = hub_server()
    with django_capture_on_commit_callbacks(execute=True):
        make_episode(show)
    feed_url = f"http://localhost:8000/feeds/shows/{show.pk}.xml"
    assert hub.requests, "no ping"
    content_type, form = hub.requests[-1]
    assert content_type == "application/x-www-form-urlencoded"
    assert form == {"hub.mode": ["publish"], "hub.url": [feed_url]}


def test_publishing_a_show_pings_its_own_feed(hub_server, show, django_capture_on_commit_callbacks):
    hub = hub_server()
    with django_capture_on_commit_callbacks(execute=True):
        publish(fresh(show))
    assert [form["hub.url"] for _type, form in hub.requests] == [[fresh(show).canonical_feed_url]]


def test_failures_are_retried(hub_server, show, django_capture_on_commit_callbacks, caplog):
    hub = hub_server([500, 503, 204])
    with caplog.at_level(logging.WARNING, logger="hub.feeds.tasks"), django_capture_on_commit_callbacks(execute=True):
        publish(fresh(show))
    assert len(hub.requests) == 3
    assert sum("attempt" in record.getMessage() for record in caplog.records) == 2


def test_an_unreachable_hub_never_breaks_publishing(settings, show, django_capture_on_commit_callbacks, caplog):
    closed = Hub([])
    url = closed.url
    closed.close()  # nothing listens there any more
    settings.HUB_WEBSUB_HUB = url
    settings.HUB_WEBSUB_TIMEOUT = 2
    page = fresh(show)
    page.title = "Still published"
    with caplog.at_level(logging.WARNING, logger="hub.feeds.tasks"), django_capture_on_commit_callbacks(execute=True):
        publish(page)
    assert ShowPage.objects.get(pk=show.pk).title == "Still published"
    messages = [r.getMessage() for r in caplog.records if r.name == "hub.feeds.tasks"]
    assert len(messages) == MAX_ATTEMPTS
    assert "giving up" in messages[-1]


def test_no_hub_no_ping(settings, show, django_capture_on_commit_callbacks):
    settings.HUB_WEBSUB_HUB = ""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish(fresh(show))
    assert callbacks  # publishing went through its commit hooks, none of which failed
