"""System checks for the production profile's storage."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_private_bucket(app_configs=None, **kwargs):
    """Audio and consent evidence need a bucket of their own, without public access."""
    backends = getattr(settings, "STORAGES", {})
    public = backends.get("default", {}).get("OPTIONS", {})
    private = backends.get("private", {}).get("OPTIONS", {})
    if public.get("bucket_name") and public.get("bucket_name") == private.get("bucket_name"):
        return [
            Error(
                "Audio and consent evidence would be stored in the public bucket.",
                hint="Set HUB_S3_PRIVATE_BUCKET to a second bucket without public access (docs/security.md).",
                id="hub.ops.E001",
            )
        ]
    return []
