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
    "favicon": Entry("public", [Sample(lambda world: "/favicon.ico", _everyone({200, 301, 302}))]),
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
                    f"/admin/audio/{world.episodes['embargoed'].audio.pk}/renditions/"
                    f"{world.episodes['embargoed'].audio.renditions.get(preset='broadcast-wav').pk}/"
                ),
                moderator={200, 302},
                editor={302, 403, 404},
            )
        ],
        "an editor of another organisation gets no embargoed master",
    ),
    "hub_audio_status": Entry("admin", [_staff_only(lambda world: "/admin/audio/status/", editor={200, 302, 403})]),
    # Wagtail's admin pages API, scoped to the user's organisation by a hook of the hub
    # (hub.consent.wagtail_hooks); per role: ROLE_ROUTES below and tests/permissions.
    "wagtailadmin_api:pages:listing": Entry(
        "admin", [_staff_only(lambda world: "/admin/api/main/pages/", editor={200})]
    ),
    "wagtailadmin_api:pages:detail": Entry(
        "admin",
        [
            _staff_only(
                lambda world: f"/admin/api/main/pages/{world.episodes['draft'].pk}/",
                moderator={200, 404},
                editor={200, 404},
            )
        ],
        "scoped like the listing",
    ),
    "wagtailadmin_api:pages:find": Entry(
        "admin",
        [
            _staff_only(
                lambda world: "/admin/api/main/pages/find/?html_path=/",
                moderator={200, 302, 400, 404},
                editor={200, 302, 400, 404},
            )
        ],
        "scoped like the listing",
    ),
    "wagtailadmin_api:pages:action": Entry(
        "admin",
        [
            _staff_only(
                lambda world: f"/admin/api/main/pages/{world.episodes['draft'].pk}/action/publish/",
                moderator={400, 403, 404, 405},
                editor={400, 403, 404, 405},
            )
        ],
        "POST only; Wagtail's page permissions",
    ),
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


# The groups a view of the hub may be covered by: the hub's own admin viewsets, and Wagtail's
# snippet views and choosers that the hub's apps subclass (still staff-only snippet routes).
HUB_VIEWSETS = (
    "partner-feed-tokens:*",
    "pull-receipts:*",
    "takedown-notices:*",
    "takedown-reports:*",
    "wagtailsnippets*",
    "wagtailsnippetchoosers_*",
)


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


# --- The admin routes that serve hub objects, asked per role (tests/permissions) ----------------
#
# tests/permissions/test_route_inventory_roles.py asks each route in ROLE_SCOPE (and every admin
# route of the hub's own apps) for an object of the organisation "Radio Ours", as an editor of
# another organisation, a moderator of Radio Ours and a consent officer (the 10-role world of
# tests/permissions/conftest.py). Outcomes: "ok" (200, or a redirect that is not a refusal),
# "denied" (403, or Wagtail's permission-denied redirect to the dashboard), "missing" (404), or the
# status code (e.g. "405" for a view that only accepts POST).

ROLE_SCOPE = (
    r"wagtailadmin_pages:",
    r"wagtailadmin_explore",
    r"wagtailadmin_choose_page",
    r"wagtailadmin_api:(pages|documents|images):",
    r"wagtaildocs:",
    r"wagtaildocs_chooser:",
    r"wagtailimages:",
    r"wagtailimages_chooser:",
    r"wagtailsnippets",
    r"wagtailsnippetchoosers_",
    r"wagtail_bulk_action$",
    r"partner-feed-tokens:",
    r"pull-receipts:",
    r"takedown-notices:",
    r"takedown-reports:",
    r"pattern:admin/pages/",
)

OK_, DENIED, MISSING, POST_ONLY = {"ok"}, {"denied"}, {"missing"}, {"405"}


def _roles(other_editor: set[str], moderator: set[str], officer: set[str]) -> dict[str, set[str]]:
    return {"other_editor": other_editor, "moderator": moderator, "officer": officer}


EVERYONE_OK = _roles(OK_, OK_, OK_)
NOBODY = _roles(DENIED, DENIED, DENIED)
ALL_POST_ONLY = _roles(POST_ONLY, POST_ONLY, POST_ONLY)
ALL_MISSING = _roles(MISSING, MISSING, MISSING)
# The page of Radio Ours itself: its moderator only (edit, preview, revisions, history, move ...).
OWN_PAGE = _roles(DENIED, OK_, DENIED)
# Shared places anyone who writes may use (add a story under the story index, the explorer,
# the shared media library): editors of any organisation and moderators, not consent officers.
WRITERS = _roles(OK_, OK_, DENIED)
OFFICERS_ONLY = _roles(DENIED, DENIED, OK_)

ROLE_ROUTES: dict[str, dict[str, set[str]]] = {
    # --- the hub's own admin views --------------------------------------------------------------
    "hub_audio_download": OWN_PAGE,  # an embargoed master of another organisation: refused
    "hub_audio_reprocess": ALL_POST_ONLY,  # POST: see ROLE_POSTS
    "hub_audio_status": WRITERS,  # each sees the status of their own organisation's audio only
    "hub_consent_evidence": OFFICERS_ONLY,
    "hub_consent_withdraw": OFFICERS_ONLY,
    "hub_ops_jobs": NOBODY,  # superusers only
    "hub_ops_job_retry": ALL_POST_ONLY,
    "hub_ops_job_discard": ALL_POST_ONLY,
    # The hub's page create view (hub.core.page_create), in place of Wagtail's.
    "pattern:admin/pages/add/<slug:content_type_app_name>/<slug:content_type_model_name>/<int:parent_page_id>/": (
        WRITERS
    ),
    # The hub's viewsets: radio-partner managers and consent officers only.
    "partner-feed-tokens:*": NOBODY,
    "pull-receipts:*": NOBODY,
    "takedown-notices:index": OFFICERS_ONLY,
    "takedown-notices:index_results": OFFICERS_ONLY,
    "takedown-notices:inspect": OFFICERS_ONLY,
    "takedown-notices:*": NOBODY,  # read only: add, edit, delete, history, usage for nobody
    "takedown-reports:index": OFFICERS_ONLY,
    "takedown-reports:index_results": OFFICERS_ONLY,
    "takedown-reports:inspect": OFFICERS_ONLY,
    "takedown-reports:*": NOBODY,
    # --- Wagtail's page routes, for a page of Radio Ours -----------------------------------------
    **{
        f"wagtailadmin_pages:{name}": OWN_PAGE
        for name in (
            "copy",
            "delete",
            "edit",
            "history",
            "history_results",
            "move",
            "preview_on_edit",
            "revisions_compare",
            "revisions_index",  # a redirect to the history, asked in turn
            "revisions_revert",
            "revisions_unschedule",
            "revisions_view",
            "set_privacy",
            "unpublish",
            "usage",
            "view_draft",
            "workflow_history",
        )
    },
    "wagtailadmin_pages:workflow_history_detail": _roles(DENIED, MISSING, DENIED),  # no such workflow state
    **{
        f"wagtailadmin_pages:{name}": WRITERS
        for name in ("add", "add_subpage", "preview_on_add", "search", "search_results", "type_use", "type_use_results")
    },
    "wagtailadmin_pages:choose_parent": EVERYONE_OK,  # lists only the parents the user may add under
    # GET shows the confirmation only; the move itself is refused (ROLE_POSTS).
    "wagtailadmin_pages:move_confirm": EVERYONE_OK,
    "wagtailadmin_pages:confirm_workflow_cancellation": EVERYONE_OK,  # "no confirmation needed": no workflow
    "wagtailadmin_pages:lock": ALL_POST_ONLY,
    "wagtailadmin_pages:unlock": ALL_POST_ONLY,
    "wagtailadmin_pages:set_page_position": ALL_POST_ONLY,
    "wagtailadmin_pages:collect_workflow_action_data": ALL_MISSING,  # no task state in the sample
    "wagtailadmin_pages:workflow_action": ALL_MISSING,
    "wagtailadmin_pages:workflow_preview": ALL_MISSING,
    "wagtailadmin_pages:convert_alias": ALL_MISSING,  # the story is no alias
    "wagtailadmin_explore": WRITERS,
    "wagtailadmin_explore_root": WRITERS,
    "wagtailadmin_explore_results": WRITERS,
    # The page chooser shows every live page but only the user's own drafts (docs/roles.md).
    "wagtailadmin_choose_page*": EVERYONE_OK,
    # Wagtail's admin API behind the explorer: titles and status of pages, documents and images,
    # for anyone with admin access (as the explorer and the choosers show them).
    "wagtailadmin_api:pages:listing": EVERYONE_OK,
    "wagtailadmin_api:pages:detail": _roles(OK_, OK_, MISSING),
    "wagtailadmin_api:pages:find": ALL_MISSING,
    "wagtailadmin_api:pages:action": ALL_POST_ONLY,
    "wagtailadmin_api:documents:listing": EVERYONE_OK,
    "wagtailadmin_api:documents:detail": EVERYONE_OK,
    "wagtailadmin_api:documents:find": ALL_MISSING,
    "wagtailadmin_api:images:listing": EVERYONE_OK,
    "wagtailadmin_api:images:detail": EVERYONE_OK,
    "wagtailadmin_api:images:find": ALL_MISSING,
    "wagtail_bulk_action": ALL_MISSING,  # an unknown action in the sample
    # --- documents and images: one collection per organisation (hub.consent.editor_permissions) ----
    # Adding and listing: every writer, each in and of their own organisation's collection. One
    # document or image (Radio Ours', uploaded by its editor): chosen by its organisation's people,
    # changed, deleted and inspected by its uploader only (Wagtail's ownership rule).
    **{f"wagtaildocs:{name}": WRITERS for name in ("add", "add_multiple", "index", "index_results")},
    **{f"wagtaildocs:{name}": NOBODY for name in ("delete", "document_usage", "edit")},
    **{
        f"wagtaildocs:{name}": ALL_POST_ONLY
        for name in (
            "create_multiple_from_uploaded_document",
            "delete_multiple",
            "delete_upload_multiple",
            "edit_multiple",
        )
    },
    "wagtaildocs_chooser:create": WRITERS,
    "wagtaildocs_chooser:chosen": OWN_PAGE,
    "wagtaildocs_chooser:*": EVERYONE_OK,
    **{f"wagtailimages:{name}": WRITERS for name in ("add", "add_multiple", "index", "index_results")},
    **{f"wagtailimages:{name}": NOBODY for name in ("delete", "edit", "image_usage", "preview")},
    **{
        f"wagtailimages:{name}": ALL_POST_ONLY
        for name in (
            "create_multiple_from_uploaded_image",
            "delete_multiple",
            "delete_upload_multiple",
            "edit_multiple",
        )
    },
    "wagtailimages:url_generator": _roles(MISSING, MISSING, DENIED),  # the URL generator is not installed
    "wagtailimages:url_generator_output": _roles(MISSING, MISSING, DENIED),
    "wagtailimages_chooser:create": WRITERS,
    "wagtailimages_chooser:chosen": OWN_PAGE,
    "wagtailimages_chooser:select_format": OWN_PAGE,
    "wagtailimages_chooser:*": EVERYONE_OK,
    # --- snippets of hub models and their choosers, one model at a time -----------------------------
    "wagtailsnippets:index": NOBODY,
    # Audio of Radio Ours: its moderator inspects it and its history; nobody but superusers edits or
    # deletes audio (the groups hold no change/delete permission); any writer may upload.
    "wagtailsnippets_audio_audioasset:add": WRITERS,
    "wagtailsnippets_audio_audioasset:list": WRITERS,  # each sees their own organisation's audio
    "wagtailsnippets_audio_audioasset:list_results": WRITERS,
    "wagtailsnippets_audio_audioasset:copy": OWN_PAGE,
    "wagtailsnippets_audio_audioasset:history": OWN_PAGE,
    "wagtailsnippets_audio_audioasset:history_results": OWN_PAGE,
    "wagtailsnippets_audio_audioasset:inspect": OWN_PAGE,
    "wagtailsnippets_audio_audioasset:*": NOBODY,  # edit, delete, usage
    "wagtailsnippetchoosers_audio_audioasset:create": WRITERS,
    "wagtailsnippetchoosers_audio_audioasset:*": EVERYONE_OK,
    # Consent records: listed (without their private fields) for writers, who link them to pages;
    # everything else is the consent officers'.
    "wagtailsnippets_consent_consentrecord:list": EVERYONE_OK,
    "wagtailsnippets_consent_consentrecord:list_results": EVERYONE_OK,
    "wagtailsnippets_consent_consentrecord:*": OFFICERS_ONLY,
    "wagtailsnippetchoosers_consent_consentrecord:create": OFFICERS_ONLY,
    "wagtailsnippetchoosers_consent_consentrecord:*": EVERYONE_OK,
    # Partner organisations and themes: radio-partner managers and superusers edit them.
    "wagtailsnippets_partners_partnerorganisation:*": NOBODY,
    "wagtailsnippetchoosers_partners_partnerorganisation:create": NOBODY,
    "wagtailsnippetchoosers_partners_partnerorganisation:*": EVERYONE_OK,
    "wagtailsnippets_stories_theme:*": NOBODY,
    "wagtailsnippetchoosers_stories_theme:create": NOBODY,
    "wagtailsnippetchoosers_stories_theme:*": EVERYONE_OK,
    # Contributors (hosts, guests) are shared by every show; only superusers delete them.
    "wagtailsnippets_radio_contributor:delete": NOBODY,
    "wagtailsnippets_radio_contributor:*": WRITERS,
    "wagtailsnippetchoosers_radio_contributor:create": WRITERS,
    "wagtailsnippetchoosers_radio_contributor:*": EVERYONE_OK,
}

# State-changing requests: what each role gets when it POSTs (only refusals are asked, so nothing
# changes). The objects are those of Radio Ours, as for ROLE_ROUTES.
ROLE_POSTS: dict[str, dict[str, set[str]]] = {
    "hub_audio_reprocess": {"other_editor": {"denied", "missing"}, "officer": {"denied", "missing"}},
    "hub_consent_withdraw": {"other_editor": DENIED, "moderator": DENIED},
    "hub_ops_job_retry": {"other_editor": DENIED, "moderator": DENIED, "officer": DENIED},
    "hub_ops_job_discard": {"other_editor": DENIED, "moderator": DENIED, "officer": DENIED},
    "wagtailadmin_pages:move_confirm": {"other_editor": DENIED, "officer": DENIED},
    "wagtailadmin_pages:delete": {"other_editor": DENIED, "officer": DENIED},
    "wagtailadmin_pages:unpublish": {"other_editor": DENIED, "officer": DENIED},
    "wagtailadmin_pages:lock": {"other_editor": DENIED, "officer": DENIED},
    "wagtailadmin_pages:set_privacy": {"other_editor": DENIED, "officer": DENIED},
    "wagtailadmin_pages:revisions_revert": {"other_editor": DENIED, "officer": DENIED},
    "wagtailadmin_pages:copy": {"other_editor": DENIED, "officer": DENIED},
    "wagtailsnippets_audio_audioasset:delete": {"other_editor": DENIED, "moderator": DENIED, "officer": DENIED},
    "wagtailsnippets_consent_consentrecord:delete": {"other_editor": DENIED, "moderator": DENIED},
    "partner-feed-tokens:add": {"other_editor": DENIED, "moderator": DENIED, "officer": DENIED},
}


def role_entry_for(key: str) -> dict[str, set[str]] | None:
    """What each role may get from the admin route ``key`` (a URL name, or ``pattern:<pattern>``)."""
    if key in ROLE_ROUTES:
        return ROLE_ROUTES[key]
    for glob, entry in ROLE_ROUTES.items():  # the first glob that matches, in the order above
        if any(ch in glob for ch in "*?[") and fnmatch.fnmatchcase(key, glob):
            return entry
    return None
