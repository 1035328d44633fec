"""``/sitemap.xml`` with every language and its ``hreflang`` alternates, and ``/robots.txt``.

Wagtail's own sitemap lists pages but not their translations, so this one is built here: every
live public page, grouped with its translations (same translation key), each URL listing all
of them as ``xhtml:link rel="alternate"`` plus an ``x-default`` (the default language). The
partner pages (plain views) are listed the same way. A fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe
from wagtail.models import Page

from hub.access.policy import listed
from hub.partners.models import PartnerOrganisation


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _group(entries: list[dict]) -> list[dict]:
    """Give each entry the alternates of its group (same key), the default language as x-default."""
    groups: dict[object, list[dict]] = defaultdict(list)
    for entry in entries:
        groups[entry["key"]].append(entry)
    for entry in entries:
        siblings = sorted(groups[entry["key"]], key=lambda item: item["lang"])
        alternates = [{"lang": item["lang"], "loc": item["loc"]} for item in siblings]
        entry["alternates"] = alternates if len(alternates) > 1 else []
        default = next((item for item in siblings if item["lang"] == settings.LANGUAGE_CODE), None)
        entry["x_default"] = default["loc"] if default and entry["alternates"] else ""
    return entries


def page_entries(request) -> list[dict]:
    entries = []
    # What anyone at all may see (hub.access.policy): the sitemap is the same for every reader.
    pages = listed(Page.objects.filter(depth__gt=1)).select_related("locale").order_by("path")
    for page in pages:
        url = page.get_url(request)
        if not url:
            continue
        entries.append(
            {
                "loc": request.build_absolute_uri(url),
                "lastmod": page.last_published_at,
                "lang": page.locale.language_code,
                "key": ("page", page.translation_key),
            }
        )
    return entries


def partner_entries(request) -> list[dict]:
    entries = []
    languages = _languages()
    for code in languages:
        with translation.override(code):
            entries.append(
                {
                    "loc": request.build_absolute_uri(reverse("partner-list")),
                    "lastmod": None,
                    "lang": code,
                    "key": ("partners", None),
                }
            )
    for partner in PartnerOrganisation.objects.select_related("locale").order_by("slug", "locale__language_code"):
        code = partner.locale.language_code
        if code not in languages:
            continue
        with translation.override(code):
            loc = request.build_absolute_uri(reverse("partner-detail", kwargs={"slug": partner.slug}))
        entries.append({"loc": loc, "lastmod": None, "lang": code, "key": ("partner", partner.translation_key)})
    return entries


@require_safe
def sitemap(request):
    entries = _group(page_entries(request) + partner_entries(request))
    return render(request, "sitemap.xml", {"entries": entries}, content_type="application/xml; charset=utf-8")


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /django-admin/", "Disallow: /embed/"]
    for code in _languages():
        with translation.override(code):
            lines.append(f"Disallow: {reverse('search')}")
    lines += ["Allow: /", "", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
