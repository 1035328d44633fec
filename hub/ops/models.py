from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingDeletion(models.Model):
    """A stored file that should be gone but whose deletion failed; retried by the hourly sweep."""

    storage = models.CharField(_("storage"), max_length=40)
    name = models.CharField(_("file name"), max_length=500)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("first failed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last tried at"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["storage", "name"], name="one_pending_deletion_per_file")]
        verbose_name = _("pending file deletion")
        verbose_name_plural = _("pending file deletions")

    def __str__(self):
        return f"{self.storage}:{self.name}"
