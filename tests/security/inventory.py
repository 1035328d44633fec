"""Every URL pattern of the project, and what each kind of viewer gets from it.

``ROUTES`` names the hub's own routes and the Wagtail routes that serve hub objects, one by one,
with sample requests built from the test world (tests/security/conftest.py) and the statuses each
viewer may get. ``GROUPS`` covers the rest of Wagtail's and Django's admin by URL name pattern:
those are for logged-in staff only, and the test asks each of them as an anonymous visitor.

A URL pattern that neither names is a test failure: a new route is added here, with what who
may get from it, or the suite fails.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from urllib.parse import quote

ANON, EDITOR, MODERATOR, OTHER_PARTNER = "anonymous", "editor", "moderator", "other-partner"
LOGIN = {302}  # to the login page
REFUSED = {302, 403, 404}
GONE = {404}
OK = {200}


@dataclass
class Sample:
    """One request and the statuses allowed per viewer (a viewer left out is not asked)."""

    url: object  # world -> str
    expect: dict[str, set[int]]
    method: str = "get"


@dataclass
class Entry:
    kind: str  # public, public-file, partner, admin, auth, document, page, ops
    samples: list[Sample] = field(default_factory=list)
    note: str = ""


def _everyone(statuses: set[int]) -> dict[str, set[int]]:
    return {ANON: statuses, EDITOR: statuses, MODERATOR: statuses}


def _episode(state: str):
    return lambda world: world.episodes[state]


def _page_url(state: str):
    return lambda world: f"/en/radio/voices/{world.episodes[state].slug}/"


def _staff_only(url, *, moderator: set[int] = OK, editor: set[int] = REFUSED) -> Sample:
    return Sample(url, {ANON: LOGIN, EDITOR: editor, MODERATOR: moderator})


ROUTES: dict[str, Entry] = {
    # --- public pages, listings, search, sitemap ------------------------------------------------
    "wagtail_serve": Entry(
        "page",
        [
            Sample(_page_url("released"), _everyone(OK)),
            *(
                Sample(_page_url(state), _everyone(GONE))
                for state in ("draft", "embargoed", "partner-only", "withdrawn")
            ),
            Sample(_page_url("private"), {ANON: LOGIN, EDITOR: OK, MODERATOR: OK}),
        ],
        "test_matrix.py asks every state with HEAD too",
    ),
    "wagtailcore_authenticate_with_password": Entry("auth", note="Wagtail's password form for private pages"),
    "wagtailcore_login": Entry("auth", [Sample(lambda world: "/en/_util/login/", _everyone({200, 302}))]),
    "search": Entry("public", [Sample(lambda world: "/en/search/?q=episode", _everyone(OK))]),
    "partner-list": Entry("public", [Sample(lambda world: "/en/partners/", _everyone(OK))]),
    "partner-detail": Entry(
        "public", [Sample(lambda world: f"/en/partners/{world.partner.slug}/", _everyone({200, 404}))]
    ),
    "sitemap": Entry("public", [Sample(lambda world: "/sitemap.xml", _everyone(OK))]),
    "robots-txt": Entry("public", [Sample(lambda world: "/robots.txt", _everyone(OK))]),
    "healthz": Entry("ops", [Sample(lambda world: "/healthz", _everyone({200, 503}))]),
    "set_language": Entry("public", [Sample(lambda world: "/i18n/setlang/", _everyone({302, 405}))]),
    # --- public feeds and what they link -----------------------------------------------------
    "show-feed": Entry("public", [Sample(lambda world: f"/feeds/shows/{world.show.pk}.xml", _everyone(OK))]),
    "feed-index": Entry("public", [Sample(lambda world: "/en/feeds/", _everyone(OK))]),
    "stories-atom": Entry("public", [Sample(lambda world: "/en/feeds/stories.atom", _everyone(OK))]),
    "stories-rss": Entry("public", [Sample(lambda world: "/en/feeds/stories.rss", _everyone(OK))]),
    "feed-opml": Entry("public", [Sample(lambda world: "/en/feeds/shows.opml", _everyone(OK))]),
    "episode-audio": Entry(
        "public-file",
        [
            Sample(lambda world: f"/feeds/episodes/{world.episodes['released'].pk}.mp3", _everyone(OK)),
            *(
                Sample(lambda world, s=state: f"/feeds/episodes/{world.episodes[s].pk}.mp3", _everyone(GONE))
                for state in ("draft", "embargoed", "partner-only", "withdrawn", "private")
            ),
        ],
    ),
    "episode-chapters": Entry(
        "public",
        [
            Sample(lambda world: f"/feeds/episodes/{world.episodes['released'].pk}/chapters.json", _everyone(OK)),
            *(
                Sample(lambda world, s=state: f"/feeds/episodes/{world.episodes[s].pk}/chapters.json", _everyone(GONE))
                for state in ("draft", "embargoed", "partner-only", "withdrawn", "private")
            ),
        ],
    ),
    "episode-transcript": Entry(
        "public",
        [
            Sample(
                lambda world, s=state: (
                    f"/feeds/episodes/{world.episodes[s].pk}/transcripts/{world.episodes[s].transcripts.get().pk}.vtt"
                ),
                _everyone(OK if state == "released" else GONE),
            )
            for state in ("draft", "embargoed", "partner-only", "released", "withdrawn", "private")
        ],
    ),
    "audio-file": Entry(
        "public-file",
        [
            Sample(lambda world: f"/audio/{world.episodes['released'].audio.pk}/podcast-mp3.mp3", _everyone(OK)),
            Sample(
                lambda world: f"/audio/{world.episodes['released'].audio.pk}/broadcast-wav.wav",
                {ANON: GONE, EDITOR: GONE, MODERATOR: OK},
            ),
            *(
                Sample(
                    lambda world, s=state: f"/audio/{world.episodes[s].audio.pk}/podcast-mp3.mp3",
                    {
                        ANON: GONE,
                        EDITOR: OK if state == "private" else GONE,  # logged in: past a login restriction
                        MODERATOR: GONE if state == "withdrawn" else OK,
                    },
                )
                for state in ("draft", "embargoed", "partner-only", "withdrawn", "private")
            ),
        ],
        "test_matrix.py asks every state, preset and viewer with HEAD too",
    ),
    "media": Entry(
        "public-file",
        [
            Sample(lambda world: "/media/audio/sources/x.mp3", _everyone(GONE)),
            Sample(lambda world: f"/media/{world.documents['private'].file.name}", _everyone(GONE)),
            Sample(lambda world: f"/media/{world.documents['public'].file.name}", _everyone(GONE)),
            Sample(lambda world: "/media/../private/x", _everyone(GONE)),
        ],
        "only HUB_PUBLIC_MEDIA_PREFIXES are served",
    ),
    "embed-episode": Entry(
        "public",
        [
            Sample(
                lambda world, s=state: f"/embed/episode/{world.episodes[s].pk}/",
                _everyone(OK if state == "released" else GONE),
            )
            for state in ("draft", "embargoed", "partner-only", "released", "withdrawn", "private")
        ],
    ),
    "oembed": Entry(
        "public",
        [
            Sample(
                lambda world, s=state: (
                    "/oembed/?url=" + quote(f"http://testserver/en/radio/voices/{world.episodes[s].slug}/", safe="")
                ),
                _everyone(OK if state == "released" else GONE),
            )
            for state in ("draft", "embargoed", "partner-only", "released", "withdrawn", "private")
        ],
    ),
    # --- partners: the token is the credential ---------------------------------------------------
    "partner-feed": Entry(
        "partner",
        [
            Sample(lambda world: f"/feeds/partners/{world.token}/feed.xml", _everyone(OK)),
            Sample(lambda world: f"/feeds/partners/{'x' * 43}/feed.xml", _everyone(GONE)),
        ],
        "what another partner's feed lists: test_matrix.py",
    ),
    "partner-download": Entry(
        "partner",
        [
            Sample(
                lambda world, s=state: f"/feeds/partners/{world.token}/episodes/{world.episodes[s].pk}.wav",
                _everyone(OK if state in ("partner-only", "released", "private") else GONE),
            )
            for state in ("draft", "embargoed", "partner-only", "released", "withdrawn", "private")
        ]
        + [
            Sample(
                lambda world, s=state: f"/feeds/partners/{world.other_token}/episodes/{world.episodes[s].pk}.wav",
                _everyone(GONE),
            )
            for state in ("draft", "embargoed", "partner-only", "released", "withdrawn", "private")
        ],
    ),
    "partner-takedowns": Entry(
        "partner",
        [
            Sample(lambda world: f"/feeds/partners/{world.token}/takedowns.json", _everyone(OK)),
            Sample(lambda world: f"/feeds/partners/{'x' * 43}/takedowns.json", _everyone(GONE)),
        ],
    ),
    "partner-takedown-acknowledge": Entry(
        "partner",
        [Sample(lambda world: f"/feeds/partners/{world.other_token}/takedowns/1/acknowledge", _everyone({404, 405}))],
    ),
    # --- documents --------------------------------------------------------------------------------
    "wagtaildocs_serve": Entry(
        "document",
        [
            Sample(lambda world: world.documents["public"].url, _everyone(OK)),
            Sample(lambda world: world.documents["private"].url, {ANON: LOGIN, EDITOR: OK, MODERATOR: OK}),
        ],
        "a private collection's documents need a login (Wagtail's collection privacy, then the policy)",
    ),
    "wagtaildocs_authenticate_with_password": Entry("auth", note="Wagtail's password form for private collections"),
    # --- the hub's own admin views -------------------------------------------------------------
    "hub_consent_evidence": Entry(
        "admin", [_staff_only(lambda world: f"/admin/consent/{world.record.pk}/evidence/", editor={302, 403})]
    ),
    "hub_consent_withdraw": Entry(
        "admin",
        [
            _staff_only(
                lambda world: f"/admin/consent/{world.record.pk}/withdraw/", moderator={200, 302}, editor={302, 403}
            )
        ],
    ),
    "hub_audio_reprocess": Entry(
        "admin",
        [
            _staff_only(
                lambda world: f"/admin/audio/{world.episodes['released'].audio.pk}/reprocess/",
                moderator={200, 302, 405},
                editor={200, 302, 403, 405},
            )
        ],
        "POST only; per-object permission checks are tested with the admin views",
    ),
    "hub_audio_download": Entry(
        "admin",
        [
            _staff_only(
                lambda world: (
                    f"/admin/audio/{world.episodes['released'].audio.pk}/renditions/"
                    f"{getattr(world.episodes['released'].audio.renditions.first(), 'pk', 999999)}/"
                ),
                moderator={200, 302, 404},
                editor={302, 403, 404},
            )
        ],
        "per-object permission checks are tested with the admin views (tests/permissions)",
    ),
    "hub_audio_status": Entry("admin", [_staff_only(lambda world: "/admin/audio/status/", editor={200, 302, 403})]),
    "hub_ops_jobs": Entry(
        "admin", [_staff_only(lambda world: "/admin/jobs/", moderator={200, 302}, editor={302, 403})]
    ),
    "hub_ops_job_retry": Entry(
        "admin",
        [
            _staff_only(
                lambda world: "/admin/jobs/default/x/retry/", moderator={302, 404, 405}, editor={302, 403, 404, 405}
            )
        ],
    ),
    "hub_ops_job_discard": Entry(
        "admin",
        [
            _staff_only(
                lambda world: "/admin/jobs/default/x/discard/", moderator={302, 404, 405}, editor={302, 403, 404, 405}
            )
        ],
    ),
}

# Staff-only groups: an anonymous visitor is sent to the login page from every one of them.
GROUPS: dict[str, Entry] = {
    # Wagtail's admin: pages (edit, preview, revisions, workflow, choosers), snippets of hub models and
    # their choosers, documents, images, collections, users, sites, locales, reports, settings ...
    "wagtailadmin_*": Entry("admin"),
    "wagtailsnippets*": Entry("admin"),
    "wagtailsnippetchoosers_*": Entry("admin"),
    "wagtaildocs:*": Entry("admin"),
    "wagtaildocs_chooser:*": Entry("admin"),
    "wagtailimages:*": Entry("admin"),
    "wagtailimages_chooser:*": Entry("admin"),
    "wagtail_localize:*": Entry("admin"),
    "wagtaillocales:*": Entry("admin"),
    "wagtailforms:*": Entry("admin"),
    "wagtailredirects:*": Entry("admin"),
    "wagtailsettings:*": Entry("admin"),
    "wagtailembeds:*": Entry("admin"),
    "wagtailsites:*": Entry("admin"),
    "wagtailusers_*": Entry("admin"),
    "wagtail_bulk_action": Entry("admin"),
    # The hub's admin viewsets (hub.partners.admin, hub.consent.admin).
    "partner-feed-tokens:*": Entry("admin"),
    "pull-receipts:*": Entry("admin"),
    "takedown-notices:*": Entry("admin"),
    "takedown-reports:*": Entry("admin"),
    # Django's own admin.
    "admin:*": Entry("django-admin"),
    "pattern:django-admin/*": Entry("django-admin"),
    "pattern:admin/*": Entry("admin"),
}

# Staff routes that answer anonymous visitors: the login and password reset pages, static helpers.
OPEN_ADMIN = {
    "wagtailadmin_login": {200},
    "wagtailadmin_logout": {200, 302, 405},
    "wagtailadmin_password_reset": {200, 302, 404},
    "wagtailadmin_password_reset_done": {200, 302, 404},
    "wagtailadmin_password_reset_confirm": {200, 302, 404},
    "wagtailadmin_password_reset_complete": {200, 302, 404},
    "wagtailadmin_javascript_catalog": {200},
    "wagtailadmin_sprite": {200},
    "admin:login": {200},
    "admin:logout": {200, 302, 405},
    "admin:jsi18n": {200, 302},
}


# The groups a view of the hub may be covered by: the hub's own admin viewsets.
HUB_VIEWSETS = ("partner-feed-tokens:*", "pull-receipts:*", "takedown-notices:*", "takedown-reports:*")


def entry_for(name: str | None, pattern: str, module: str) -> tuple[str, Entry] | None:
    """The inventory entry of one URL pattern; the hub's own views need an entry of their own."""
    if name and name in ROUTES:
        return name, ROUTES[name]
    own = module.startswith("hub.")
    for key, entry in GROUPS.items():
        if own and key not in HUB_VIEWSETS:
            continue
        if key.startswith("pattern:"):
            matched = fnmatch.fnmatchcase(pattern, key.removeprefix("pattern:"))
        else:
            matched = bool(name) and fnmatch.fnmatchcase(name, key)
        if matched:
            return key, entry
    return None
