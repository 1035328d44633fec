from urllib.parse import quote

from django import template
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.paginator import Paginator
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site

from hub.core.locale import active_locale
from hub.partners.models import PartnerOrganisation

register = template.Library()

EPISODES_PER_PAGE = 20


def _viewer(context):
    """Who looks at the page being rendered (the visibility policy decides what lists show them)."""
    from hub.access.policy import Viewer, public_viewer

    request = context.get("request")
    return Viewer.of(request) if request is not None else public_viewer()


@register.simple_tag(takes_context=True)
def site_root(context):
    """The home page in the active language (falls back to the site's root page)."""
    if "_hub_site_root" in context.render_context:
        return context.render_context["_hub_site_root"]
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    root = None
    if site is not None:
        root = site.root_page
        root = root.get_translation_or_none(active_locale()) or root
    context.render_context["_hub_site_root"] = root
    return root


@register.simple_tag(takes_context=True)
def main_navigation(context):
    root = site_root(context)
    if root is None:
        return []
    from hub.access.policy import listed

    return listed(root.get_children().in_menu(), _viewer(context)).specific(defer=True)


@register.simple_tag
def footer_partners():
    return PartnerOrganisation.objects.filter(locale=active_locale()).order_by("-is_coordinator", "name")


@register.simple_tag(takes_context=True)
def language_links(context):
    """One entry per UI language: the translation of the current page, or the home page.

    Each entry: code, local name, URL, direction, whether it is current, and whether a real
    translation of the page exists (so hreflang only names real translations). Plain views
    may pass ``alternate_urls`` (language code -> URL); filtered lists keep their filters.
    """
    if "_hub_language_links" in context.render_context:
        return context.render_context["_hub_language_links"]
    request = context.get("request")
    page = context.get("page")
    alternates = context.get("alternate_urls")
    current = active_locale().language_code
    translations = {}
    if isinstance(page, Page):
        from hub.access.policy import listed

        # Only the translations the viewer may see: an unreleased or withdrawn one is not linked.
        for translation in listed(page.get_translations(inclusive=True), _viewer(context)).select_related("locale"):
            translations[translation.locale.language_code] = translation.get_url(request)
    story_filter = context.get("story_filter")
    query = story_filter.querystring() if story_filter is not None and story_filter.active else ""
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        if alternates is not None:
            url, exists = alternates.get(code, f"/{code}/"), code in alternates
        elif code in translations:
            url, exists = translations[code] + query, True
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
    context.render_context["_hub_language_links"] = links
    return links


# --- listings with everything they show fetched up front -------------------------------


@register.simple_tag(takes_context=True)
def home_lists(context, page):
    from hub.access.policy import listed
    from hub.radio.listings import latest_episodes
    from hub.stories.filters import card_queryset
    from hub.stories.models import StoryPage

    viewer = _viewer(context)
    stories = card_queryset(listed(StoryPage.objects.filter(locale=page.locale), viewer)).order_by(
        "-publication_date", "-pk"
    )[:6]
    return {"stories": list(stories), "episodes": latest_episodes(page.locale, 4, viewer)}


@register.simple_tag(takes_context=True)
def show_episode_page(context, show):
    from hub.radio.listings import attach_shows, show_episodes

    request = context.get("request")
    episodes = show_episodes(show, _viewer(context))
    page = Paginator(episodes, EPISODES_PER_PAGE).get_page(request.GET.get("page") if request else 1)
    page.object_list = attach_shows(page.object_list)
    return page


@register.simple_tag(takes_context=True)
def index_shows(context, page):
    from hub.radio.listings import index_shows as shows

    return list(shows(page, _viewer(context)))


@register.simple_tag(takes_context=True)
def latest_episodes(context, page, count=8):
    from hub.radio.listings import latest_episodes as latest

    return latest(page.locale, count, _viewer(context))


@register.simple_tag(takes_context=True)
def index_campaigns(context, page):
    from hub.campaigns.listings import index_campaigns as campaigns

    return list(campaigns(page, _viewer(context)))


@register.simple_tag(takes_context=True)
def campaign_media(context, page):
    from hub.campaigns.listings import campaign_media as media

    return media(page, _viewer(context))


@register.simple_tag(takes_context=True)
def story_relations(context, page):
    """Languages, themes, partners and related episodes of a story page."""
    from hub.access.policy import listed
    from hub.radio.listings import attach_shows, episode_cards
    from hub.radio.models import EpisodePage

    # A preview's page holds its relations in memory (modelcluster's FakeQuerySet, no .live()):
    # ask the database for those among them the viewer may see.
    chosen = [episode.pk for episode in page.related_episodes.all()]
    shown = listed(EpisodePage.objects.filter(pk__in=chosen), _viewer(context))
    episodes = episode_cards(shown).order_by("-publication_date", "-pk")
    return {
        "languages": list(page.languages.all()),
        "themes": list(page.themes.all()),
        "partners": list(page.partners.all()),
        "episodes": attach_shows(episodes),
    }


def transcript_files(page) -> list[dict]:
    """Download links of an episode's transcripts (served by the feeds app) in each format."""
    related = getattr(page, "transcripts", None)
    if related is None or not hasattr(related, "all"):
        return []
    files = []
    for row in related.all():
        for fmt, label in (("vtt", "WebVTT"), ("srt", "SRT")):
            try:
                url = reverse("episode-transcript", args=[page.pk, row.pk, fmt])
            except NoReverseMatch:
                return []
            files.append({"url": url, "label": label, "language": getattr(row, "language", "")})
    return files


def _memo(context, key, build):
    """Compute once per template render (the page and its base template share the result)."""
    store = context.render_context
    if key not in store:
        store[key] = build()
    return store[key]


@register.simple_tag(takes_context=True)
def episode_extras(context, page):
    """Show, player, contributors and related stories of an episode page (computed once per render)."""

    def build():
        from hub.access.policy import listed
        from hub.core.embeds import discovery_url
        from hub.radio.listings import episode_contributors
        from hub.radio.player import episode_player
        from hub.stories.filters import card_queryset
        from hub.stories.models import StoryPage

        request = context.get("request")
        shown = listed(StoryPage.objects.filter(pk__in=page.related_stories.values("pk")), _viewer(context))
        stories = card_queryset(shown).order_by("-publication_date", "-pk")
        return {
            "show": page.get_parent().specific,
            "player": episode_player(page, request),
            "transcript_files": transcript_files(page),
            "contributors": episode_contributors(page),
            "related_stories": list(stories),
            "oembed_url": discovery_url(request, request.build_absolute_uri(page.get_url(request))) if request else "",
        }

    return _memo(context, ("hub_episode_extras", page.pk), build)


def _is_bidi(code: str) -> bool:
    try:
        return bool(get_language_info(code)["bidi"])
    except KeyError:
        return code in settings.LANGUAGES_BIDI


@register.simple_tag(takes_context=True)
def show_subscribe(context, show):
    """Feed URL, podcast app links and language variants for a show's subscribe block."""
    from hub.radio.listings import show_variants

    request = context.get("request")
    path = reverse("show-feed", args=[show.pk])
    feed = request.build_absolute_uri(path) if request else path
    bare = feed.split("://", 1)[-1]
    encoded = quote(feed, safe="")
    title = quote(show.title, safe="")
    apps = [
        # Apple Podcasts (iOS, macOS) opens podcast://; pcast:// is the older scheme many apps register.
        {"name": "Apple Podcasts", "url": f"podcast://{bare}"},
        {"name": "AntennaPod", "url": f"https://antennapod.org/deeplink/subscribe?url={encoded}&title={title}"},
        {"name": "Pocket Casts", "url": f"pktc://subscribe/{bare}"},
        {"name": "Overcast", "url": f"overcast://x-callback-url/add?url={encoded}"},
        {"name": "Podcast Addict", "url": f"https://podcastaddict.com/feed/{encoded}"},
        {"name": "Castro", "url": f"castro://subscribe/{bare}"},
        {"name": "Anytime Player", "url": f"https://anytimeplayer.app/subscribe?url={encoded}"},
        {"name": _("Other apps (pcast)"), "url": f"pcast://{bare}"},
    ]
    variants = []
    for variant in show_variants(show):
        variant_path = reverse("show-feed", args=[variant.pk])
        variants.append(
            {
                "page": variant,
                "code": variant.locale.language_code,
                # Its own direction: a German title inside an Arabic line keeps its place (a bidi isolate).
                "dir": "rtl" if _is_bidi(variant.locale.language_code) else "ltr",
                "name": get_language_info(variant.locale.language_code)["name_local"]
                if variant.locale.language_code in dict(settings.LANGUAGES)
                else variant.locale.language_code,
                "feed": request.build_absolute_uri(variant_path) if request else variant_path,
            }
        )
    links = {}
    for key, name in (("opml", "feed-opml"), ("index", "feed-index")):
        try:
            links[key] = reverse(name)
        except NoReverseMatch:
            links[key] = ""
    return {"feed": feed, "apps": apps, "variants": variants, "opml": links["opml"], "feed_index": links["index"]}


@register.simple_tag
def site_name():
    """The site's name in the active language (also where no request context exists: error pages)."""
    from hub.core.context_processors import site_name as translated_site_name

    return translated_site_name()


@register.simple_tag(takes_context=True)
def page_seo(context):
    from hub.core.seo import page_metadata

    return page_metadata(context)


_VENDOR_FOUND: set[str] = set()


@register.simple_tag
def vendor_static(path):
    """URL of a file installed from npm at set-up (scripts/setup.sh), or "" if it is missing.

    Pages must not fail because a front-end library was not installed: without it the plain
    player still works.
    """
    try:
        if path in _VENDOR_FOUND or staticfiles_storage.exists(path) or _found(path):
            url = staticfiles_storage.url(path)
            _VENDOR_FOUND.add(path)
            return url
    except ValueError:  # not in the manifest (collectstatic ran before the library was installed)
        return ""
    return ""


def _found(path):
    from django.contrib.staticfiles import finders

    return finders.find(path) is not None


@register.filter
def clock(seconds):
    from hub.radio.player import clock as to_clock

    try:
        return to_clock(float(seconds))
    except (TypeError, ValueError):
        return ""


@register.filter
def seconds(value):
    """A number of seconds for data attributes and media fragments (``12.5``)."""
    try:
        return f"{float(value):.3f}".rstrip("0").rstrip(".")
    except (TypeError, ValueError):
        return "0"


@register.filter
def og_locale(code):
    from hub.core.seo import OG_LOCALES

    return OG_LOCALES.get(code, code)


@register.simple_tag
def place(city, country):
    """City and country the way the language writes them (Arabic has its own comma)."""
    if not city:
        return str(country or "")
    if not country:
        return str(city)
    return gettext("%(city)s, %(country)s") % {"city": city, "country": country}
