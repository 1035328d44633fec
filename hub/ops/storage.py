"""The private storage (consent evidence) and its short-lived signed URLs.

On object storage the ``private`` storage is a bucket (or prefix) without public access; a file
in it is reachable only through a presigned URL that expires after ``HUB_PRIVATE_URL_SECONDS``
(5 minutes by default). On the embedded default it is a folder outside ``MEDIA_ROOT`` with no
URL at all: there the caller streams the file through a permission-checked view instead.

Typical use in a view that has already checked the user's permission::

    url = signed_url(record.evidence.name, storage=record.evidence.storage)
    if url:
        return redirect(url)
    return FileResponse(record.evidence.open("rb"), as_attachment=True)
"""

from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

DEFAULT_EXPIRY_SECONDS = 300


class _PrivateStorage(LazyObject):
    """``storages["private"]``, looked up when first used and again after STORAGES changes.

    File fields keep the storage object they were given when the models were loaded; a lazy one
    follows the settings (as ``default_storage`` does), so tests and tools can switch it.
    """

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty


def private_storage() -> Storage:
    """The storage nobody reads without a credential: audio files and consent evidence."""
    return _private


def is_object_storage(storage: Storage) -> bool:
    return bool(getattr(storage, "bucket_name", None))


def content_disposition(filename: str) -> str:
    """``attachment`` with the file name: an ASCII fallback, and the full name per RFC 6266/5987."""
    cleaned = "".join(" " if ch in "\r\n\t" else ch for ch in filename).strip() or "download"
    name = PurePosixPath(cleaned)
    stem = name.stem.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "").strip()
    suffix = name.suffix.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "")
    fallback = (stem if any(ch.isalnum() for ch in stem) else "download") + suffix
    if fallback == cleaned:
        return f'attachment; filename="{fallback}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(cleaned, safe='')}"


def signed_url(
    name: str, *, storage: Storage | None = None, seconds: int | None = None, download_name: str | None = None
) -> str | None:
    """A URL to one private file that stops working after ``seconds``; None without object storage.

    ``storage`` is the storage that holds the file (a FileField's ``.storage``); the ``private``
    storage by default. ``download_name`` makes the browser save the file under that name rather
    than display it.
    """
    storage = storage if storage is not None else private_storage()
    if not is_object_storage(storage):
        return None
    if not getattr(storage, "querystring_auth", False) or (
        getattr(storage, "custom_domain", None) and not getattr(storage, "cloudfront_signer", None)
    ):
        raise ImproperlyConfigured("The private storage must sign its URLs (querystring_auth, no plain custom domain).")
    expiry = seconds or getattr(settings, "HUB_PRIVATE_URL_SECONDS", DEFAULT_EXPIRY_SECONDS)
    parameters = {}
    if download_name:
        parameters["ResponseContentDisposition"] = content_disposition(download_name)
    return storage.url(name, parameters=parameters or None, expire=expiry)


def presigned_url(name: str, *, storage: Storage, seconds: int, download_name: str = "") -> str:
    """A URL of ``name`` that expires after ``seconds``, signed even where ``storage`` serves plain URLs.

    For files of the public storage handed to one client only (a partner's pull of an embargoed
    broadcast file): the storage's own ``url()`` ignores an expiry when it does not sign its URLs,
    so the bucket's client signs this one. Storages that are no S3 bucket give their own URL.
    """
    bucket = getattr(storage, "bucket", None)
    if bucket is not None and hasattr(storage, "_normalize_name"):  # django-storages' S3 backends
        from storages.utils import clean_name

        params = {"Bucket": bucket.name, "Key": storage._normalize_name(clean_name(name))}
        if download_name:
            params["ResponseContentDisposition"] = content_disposition(download_name)
        return bucket.meta.client.generate_presigned_url("get_object", Params=params, ExpiresIn=seconds)
    try:
        return storage.url(name, expire=seconds)
    except TypeError:  # a storage without expiring URLs
        return storage.url(name)
