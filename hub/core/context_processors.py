from django.utils.translation import get_language, get_language_bidi


def hub(request):
    """Language direction and code for the base template."""
    return {"LANGUAGE_DIR": "rtl" if get_language_bidi() else "ltr", "CURRENT_LANGUAGE": get_language()}
