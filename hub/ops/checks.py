"""System checks for the production profile's storage."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_private_bucket(app_configs=None, **kwargs):
    """Consent evidence in the public bucket is private only if the bucket policy keeps it so."""
    backends = getattr(settings, "STORAGES", {})
    public = backends.get("default", {}).get("OPTIONS", {})
    private = backends.get("private", {}).get("OPTIONS", {})
    if public.get("bucket_name") and public.get("bucket_name") == private.get("bucket_name"):
        return [
            Warning(
                "Consent evidence is stored in the public bucket (under its private prefix).",
                hint="Set HUB_S3_PRIVATE_BUCKET to a bucket without public access, or make sure the public "
                "bucket's policy grants reading only outside the private prefix; then silence hub.ops.W001.",
                id="hub.ops.W001",
            )
        ]
    return []
