"""Deleting stored files that must go (withdrawn audio, taken-down files), at least once.

A deletion that fails (the bucket could not be reached, the disk refused) is recorded as a
``PendingDeletion`` and tried again by ``retry_pending_deletions``, which the hourly consent sweep
runs (``manage.py consent_sweep`` and its periodic task).
"""

import logging

from django.conf import settings
from django.core.files.storage import Storage, default_storage, storages
from django.db.models import F

from .models import PendingDeletion

logger = logging.getLogger(__name__)


def storage_alias(storage: Storage) -> str:
    """The name of ``storage`` in ``settings.STORAGES`` ("" when it is none of them)."""
    if storage is default_storage:  # the lazy wrapper of storages["default"]
        return "default"
    for alias in settings.STORAGES:
        if storages[alias] is storage:
            return alias
    return ""


def delete_file(storage: Storage, name: str) -> bool:
    """Delete ``name``; on failure record it for the next sweep. True when the file is gone."""
    alias = storage_alias(storage)
    try:
        storage.delete(name)
    except Exception as error:  # whatever the storage raises: keep it and try again later
        logger.warning("Could not delete %s from the %r storage: %s", name, alias, error)
        record, created = PendingDeletion.objects.get_or_create(
            storage=alias, name=name, defaults={"last_error": str(error)[:1000]}
        )
        if not created:
            PendingDeletion.objects.filter(pk=record.pk).update(
                attempts=F("attempts") + 1, last_error=str(error)[:1000]
            )
        return False
    PendingDeletion.objects.filter(storage=alias, name=name).delete()
    return True


def retry_pending_deletions() -> tuple[int, int]:
    """Try every recorded deletion again; returns (deleted now, still failing)."""
    deleted = failing = 0
    for pending in PendingDeletion.objects.order_by("pk"):
        if pending.storage not in settings.STORAGES:
            failing += 1
            continue
        if delete_file(storages[pending.storage], pending.name):
            deleted += 1
        else:
            failing += 1
    return deleted, failing
