"""System checks for the partner-feed settings."""

import ipaddress

from django.conf import settings
from django.core.checks import Error, Tags, register

from .access import proxy_entries


@register(Tags.security)
def check_trusted_proxies(app_configs=None, **kwargs):
    """Every HUB_TRUSTED_PROXIES entry must be an address or a network (it is ignored otherwise)."""
    errors = []
    for entry in proxy_entries(getattr(settings, "HUB_TRUSTED_PROXIES", ())):
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            errors.append(
                Error(
                    f"HUB_TRUSTED_PROXIES: {entry!r} is neither an IP address nor a network.",
                    hint="List the reverse proxies in front of the hub, e.g. 10.0.0.5,10.0.1.0/24.",
                    id="hub.partners.E001",
                )
            )
    return errors
