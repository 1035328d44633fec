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


# Passwords that anyone can read in the hub's own sources and documentation.
def published_passwords() -> list[str]:
    from hub.demo.loader import DEMO_PASSWORD

    return [DEMO_PASSWORD]


@register(Tags.security, deploy=True)
def check_published_superuser_passwords(app_configs=None, **kwargs):
    """A superuser who logs in with a published password (the demo login) is an open door."""
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError

    try:
        superusers = list(get_user_model().objects.filter(is_superuser=True, is_active=True))
    except DatabaseError:  # no database yet (before migrate): nothing to check
        return []
    passwords = published_passwords()
    exposed = sorted(
        user.get_username()
        for user in superusers
        if user.has_usable_password() and any(user.check_password(password) for password in passwords)
    )
    if not exposed:
        return []
    return [
        Error(
            f"Superusers with a published password (the demo login): {', '.join(exposed)}.",
            hint="Set a new password (manage.py changepassword NAME) or delete the account; the demo content "
            "is for the embedded default only.",
            id="hub.ops.E010",
        )
    ]
