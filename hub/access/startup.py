"""Refuse to serve when the private storage is readable without a credential.

The production profile already refuses a private bucket that is missing or equal to the public
one (``hub/settings/production.py``). What configuration cannot show is the bucket's own policy
or ACL, so a web node proves it when it starts: it writes a small probe object with its
credentials, asks for it without any, and deletes it. A 2xx answer to the unsigned request means
anybody could read consent evidence and embargoed audio: the node
stops with :class:`ImproperlyConfigured` and says what to fix. A storage that cannot be reached is
reported and not held against the node (the health check reports it too).
"""

from __future__ import annotations

import logging
import secrets
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile

from hub.ops.storage import is_object_storage, presigned_url, private_storage

logger = logging.getLogger(__name__)
PROBE_PREFIX = "hub-probe/"


def _unsigned_status(url: str) -> int | None:
    request = urllib.request.Request(url, method="GET")  # noqa: S310 - the storage's own http(s) URL
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


def public_read_problems(storage=None) -> list[str]:
    """Unsigned requests the private storage answered; empty when it refused them all."""
    storage = storage if storage is not None else private_storage()
    if not is_object_storage(storage):
        return []
    name = storage.save(f"{PROBE_PREFIX}{secrets.token_hex(16)}.txt", ContentFile(b"private probe"))
    try:
        signed = presigned_url(name, storage=storage, seconds=60)
        plain = signed.split("?", 1)[0]
        problems = []
        if (status := _unsigned_status(plain)) is not None and 200 <= status < 300:
            problems.append(f"an unsigned GET of {plain} answered {status}")
        return problems
    finally:
        storage.delete(name)


def verify_private_storage() -> None:
    """Raise ImproperlyConfigured if the private storage is publicly readable (see module docs)."""
    if not getattr(settings, "HUB_VERIFY_PRIVATE_STORAGE", False):
        return
    try:
        problems = public_read_problems()
    except Exception as exc:  # unreachable storage: not proof of anything; /healthz reports it
        logger.warning("Could not verify that the private storage refuses unsigned requests: %s", exc)
        return
    if problems:
        raise ImproperlyConfigured(
            "The private bucket (HUB_S3_PRIVATE_BUCKET) is publicly readable: "
            + "; ".join(problems)
            + ". It holds consent evidence and embargoed audio. Remove every bucket policy statement and ACL "
            "that grants access to everyone, turn on the provider's public access block, then start again "
            "(docs/security.md)."
        )
