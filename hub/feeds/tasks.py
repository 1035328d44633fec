"""WebSub: tell the configured hub that a feed changed, so subscribers fetch it at once.

``websub_ping_task`` POSTs ``hub.mode=publish&hub.url=<feed>`` to ``HUB_WEBSUB_HUB``. A failure is
logged and retried later with growing delays (on a backend that can defer tasks; the immediate
backend of the tests retries at once); it never reaches the editor who published.
"""

import logging
from datetime import timedelta
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

RETRY_DELAYS = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(hours=1))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


class WebSubError(Exception):
    pass


def send_ping(hub_url: str, feed_url: str) -> int:
    """POST one publish notification; returns the hub's status, raises WebSubError otherwise."""
    if urlsplit(hub_url).scheme not in {"http", "https"}:
        raise WebSubError(f"WebSub hub must be an http(s) URL, not {hub_url!r}")
    data = urlencode({"hub.mode": "publish", "hub.url": feed_url}).encode()
    request = Request(  # noqa: S310 (scheme checked above)
        hub_url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "Volunteering-Hub-WebSub/1"},
    )
    timeout = float(getattr(settings, "HUB_WEBSUB_TIMEOUT", 10))
    try:
        with urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            status = response.status
    except HTTPError as exc:
        raise WebSubError(f"hub answered {exc.code}") from exc
    except (URLError, OSError) as exc:
        raise WebSubError(str(getattr(exc, "reason", exc))) from exc
    if not 200 <= status < 300:
        raise WebSubError(f"hub answered {status}")
    return status


@task(queue_name="default")
def websub_ping_task(feed_url: str, attempt: int = 1) -> str:
    hub_url = getattr(settings, "HUB_WEBSUB_HUB", "") or ""
    if not hub_url:
        return "disabled"
    try:
        send_ping(hub_url, feed_url)
    except WebSubError as exc:
        if attempt >= MAX_ATTEMPTS:
            logger.error("WebSub ping for %s failed %s times, giving up: %s", feed_url, attempt, exc)
            return "failed"
        logger.warning("WebSub ping for %s failed (attempt %s of %s): %s", feed_url, attempt, MAX_ATTEMPTS, exc)
        retry(feed_url, attempt + 1)
        return "retrying"
    logger.info("WebSub hub notified about %s", feed_url)
    return "sent"


def retry(feed_url: str, attempt: int) -> None:
    task_to_run = websub_ping_task
    if task_to_run.get_backend().supports_defer:
        task_to_run = task_to_run.using(run_after=timezone.now() + RETRY_DELAYS[attempt - 2])
    task_to_run.enqueue(feed_url, attempt)


def enqueue_ping(feed_url: str) -> None:
    """Queue a ping; never raises (publishing must not fail because of WebSub)."""
    if not getattr(settings, "HUB_WEBSUB_HUB", ""):
        return
    try:
        websub_ping_task.enqueue(feed_url)
    except Exception:
        logger.exception("Could not queue the WebSub ping for %s", feed_url)
