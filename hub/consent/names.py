"""Names that the editorial setup stores in the database (hub.consent.roles), translated where
the hub shows them: the review workflow, its task and the groups."""

from django.utils.translation import gettext, gettext_noop

STORED_NAMES = {
    gettext_noop("Editorial review"),
    gettext_noop("Moderators of the organisation approve"),
    gettext_noop("Moderators"),
    gettext_noop("Consent officers"),
    gettext_noop("Radio-partner managers"),
    gettext_noop("Editors"),
}


def translated_name(name: str) -> str:
    """The name in the active language if the hub set it up; a name an administrator chose stays as it is."""
    return gettext(name) if name in STORED_NAMES else name
