from django.conf import settings
from django.utils.translation import get_language, get_language_bidi, gettext

# The hub's own name, translated; a site that sets its own WAGTAIL_SITE_NAME keeps that name as it is.
DEFAULT_SITE_NAME = "Volunteering Hub"


def site_name() -> str:
    configured = getattr(settings, "WAGTAIL_SITE_NAME", "") or DEFAULT_SITE_NAME
    if configured == DEFAULT_SITE_NAME:
        return gettext("Volunteering Hub")
    return configured


def hub(request):
    """Language direction and code, and the site's name in the active language, for the base template."""
    return {
        "LANGUAGE_DIR": "rtl" if get_language_bidi() else "ltr",
        "CURRENT_LANGUAGE": get_language(),
        "SITE_NAME": site_name(),
    }
