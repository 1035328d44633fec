from django import template

from hub.consent.names import translated_name

register = template.Library()


@register.filter
def stored_name(name):
    """A workflow, task or group name set up by the hub, in the active language."""
    return translated_name(str(name))
