from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info
from wagtail.models import Locale, Page, Site

from hub.partners.models import PartnerOrganisation

register = template.Library()


def _active_locale():
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return Locale.get_default()


@register.simple_tag(takes_context=True)
def site_root(context):
    """The home page in the active language (falls back to the site's root page)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return None
    root = site.root_page
    return root.get_translation_or_none(_active_locale()) or root


@register.simple_tag(takes_context=True)
def main_navigation(context):
    root = site_root(context)
    if root is None:
        return []
    return root.get_children().live().in_menu().specific(defer=True)


@register.simple_tag
def footer_partners():
    return PartnerOrganisation.objects.filter(locale=_active_locale()).order_by("-is_coordinator", "name")


@register.simple_tag(takes_context=True)
def language_links(context):
    """One entry per UI language: the translation of the current page, or the home page.

    Each entry: code, local name, URL, direction, whether it is current, and whether a real
    translation of the page exists (so hreflang only names real translations).
    """
    request = context.get("request")
    page = context.get("page")
    current = _active_locale().language_code
    translations = {}
    if isinstance(page, Page):
        for translation in page.get_translations(inclusive=True).live().select_related("locale"):
            translations[translation.locale.language_code] = translation.get_url(request)
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        if code in translations:
            url, exists = translations[code], True
        elif page is None and request is not None:
            url, exists = translate_url(request.get_full_path(), code), True
        else:
            url, exists = f"/{code}/", False
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": url,
                "bidi": info["bidi"],
                "current": code == current,
                "exists": exists,
            }
        )
    return links
