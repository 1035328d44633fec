"""The ``podcast:guid`` rule of the Podcast Index namespace.

UUIDv5 of the feed URL without its scheme and without trailing slashes, in the namespace
``ead4c236-bf58-58c6-a2c6-a6b28d128cb6``. A show's GUID is computed once and stored; it never
changes afterwards, not even when the feed moves.
"""

import re
import uuid

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def podcast_guid(feed_url: str) -> uuid.UUID:
    return uuid.uuid5(PODCAST_GUID_NAMESPACE, _SCHEME.sub("", feed_url.strip()).rstrip("/"))
