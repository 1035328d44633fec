"""A stored file whose deletion fails is recorded, and the sweep deletes it later."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from hub.consent.takedown import sweep_expired
from hub.ops.deletions import delete_file, retry_pending_deletions
from hub.ops.models import PendingDeletion

pytestmark = pytest.mark.django_db


def test_a_failed_deletion_is_recorded_and_retried_by_the_sweep():
    kept = default_storage.save("audio/renditions/kept.mp3", ContentFile(b"x"))
    assert delete_file(default_storage, kept) and not default_storage.exists(kept)

    # A name the local storage cannot delete: a folder that still holds a file (rmdir refuses).
    blocked = "audio/renditions/blocked-folder"
    inner = default_storage.save(f"{blocked}/inner.mp3", ContentFile(b"y"))
    assert not delete_file(default_storage, blocked)
    pending = PendingDeletion.objects.get(name=blocked)
    assert pending.storage == "default" and pending.attempts == 1 and pending.last_error

    assert retry_pending_deletions() == (0, 1)
    pending.refresh_from_db()
    assert pending.attempts == 2

    default_storage.delete(inner)  # whatever blocked it is gone: the next sweep deletes the file
    sweep_expired()
    assert not PendingDeletion.objects.exists()
    assert not default_storage.exists(blocked)
