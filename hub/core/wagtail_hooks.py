from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_editor_js")
def create_token_js():
    """A token on every new page's form (see hub.core.page_create)."""
    return format_html('<script src="{}" defer></script>', static("hub/admin/create-token.js"))
