"""Every custom admin view of the hub, and Wagtail's page views, against every role, object by object.

Each row names a view and an object and what each role gets: "ok" (the view answers), "denied"
(Wagtail's permission-denied redirect or a 403), "login" (anonymous visitors are sent to log in).
"""

import json

import pytest
from django.contrib.messages import get_messages

from hub.audio.models import AudioAsset, AudioStatus

from .conftest import ROLES, outcome

pytestmark = pytest.mark.django_db

ALL = set(ROLES) - {"anonymous"}


def expect(allowed: set[str]) -> dict[str, str]:
    return {role: "login" if role == "anonymous" else ("ok" if role in allowed else "denied") for role in ROLES}


OWN_PAGE_EDITORS = {"editor", "moderator", "coordinating_moderator", "superuser"}
OWN_PAGE_PUBLISHERS = {"moderator", "coordinating_moderator", "superuser"}
OUR_AUDIO = {"editor", "moderator", "coordinating_moderator", "superuser"}

# (label, method, url(world) -> str, allowed roles)
VIEWS = [
    (
        "audio inspect, own asset",
        "get",
        lambda w: f"/admin/snippets/audio/audioasset/inspect/{w.assets['ours'].pk}/",
        OUR_AUDIO,
    ),
    (
        "audio inspect, other organisation's asset",
        "get",
        lambda w: f"/admin/snippets/audio/audioasset/inspect/{w.assets['theirs'].pk}/",
        {"other_editor", "other_moderator", "coordinating_moderator", "superuser"},
    ),
    (
        "audio delete, own asset",
        "get",
        lambda w: f"/admin/snippets/audio/audioasset/delete/{w.assets['ours'].pk}/",
        {"superuser"},  # no role holds delete_audioasset
    ),
    (
        "rendition download, own asset",
        "get",
        lambda w: f"/admin/audio/{w.assets['ours'].pk}/renditions/{w.assets['ours_rendition'].pk}/",
        OUR_AUDIO,
    ),
    (
        "rendition download, other organisation's asset",
        "get",
        lambda w: f"/admin/audio/{w.assets['theirs'].pk}/renditions/{w.assets['theirs_rendition'].pk}/",
        {"other_editor", "other_moderator", "coordinating_moderator", "superuser"},
    ),
    ("takedown notices", "get", lambda w: "/admin/takedown-notices/", {"officer", "radio_manager", "superuser"}),
    ("takedown reports", "get", lambda w: "/admin/takedown-reports/", {"officer", "superuser"}),
    ("pull receipts", "get", lambda w: "/admin/pull-receipts/", {"radio_manager", "superuser"}),
    ("feed tokens", "get", lambda w: "/admin/partner-feed-tokens/", {"radio_manager", "superuser"}),
    (
        "consent evidence",
        "get",
        lambda w: f"/admin/consent/{w.records['with_evidence'].pk}/evidence/",
        {"officer", "superuser"},
    ),
    (
        "consent withdrawal form",
        "get",
        lambda w: f"/admin/consent/{w.records['with_evidence'].pk}/withdraw/",
        {"officer", "superuser"},
    ),
    ("failed jobs", "get", lambda w: "/admin/jobs/", {"superuser"}),
    ("page edit, own story", "get", lambda w: f"/admin/pages/{w.pages['story'].pk}/edit/", OWN_PAGE_EDITORS),
    (
        "page edit, other organisation's story",
        "get",
        lambda w: f"/admin/pages/{w.pages['other_story'].pk}/edit/",
        {"other_editor", "other_moderator", "coordinating_moderator", "superuser"},
    ),
    ("page edit, own episode", "get", lambda w: f"/admin/pages/{w.pages['episode'].pk}/edit/", OWN_PAGE_EDITORS),
    (
        "page edit, story index (names no organisation)",
        "get",
        lambda w: f"/admin/pages/{w.pages['story_index'].pk}/edit/",
        {"coordinating_moderator", "superuser"},
    ),
    ("page copy, own story", "get", lambda w: f"/admin/pages/{w.pages['story'].pk}/copy/", OWN_PAGE_EDITORS),
    (
        "page copy, other organisation's story",
        "get",
        lambda w: f"/admin/pages/{w.pages['other_story'].pk}/copy/",
        {"other_editor", "other_moderator", "coordinating_moderator", "superuser"},
    ),
    ("page move, own story", "get", lambda w: f"/admin/pages/{w.pages['story'].pk}/move/", OWN_PAGE_PUBLISHERS),
    (
        "page move, other organisation's story",
        "get",
        lambda w: f"/admin/pages/{w.pages['other_story'].pk}/move/",
        {"other_moderator", "coordinating_moderator", "superuser"},
    ),
    ("page delete, own story", "get", lambda w: f"/admin/pages/{w.pages['story'].pk}/delete/", OWN_PAGE_PUBLISHERS),
    (
        "page delete, other organisation's story",
        "get",
        lambda w: f"/admin/pages/{w.pages['other_story'].pk}/delete/",
        {"other_moderator", "coordinating_moderator", "superuser"},
    ),
    (
        "page unpublish, own story",
        "get",
        lambda w: f"/admin/pages/{w.pages['story'].pk}/unpublish/",
        OWN_PAGE_PUBLISHERS,
    ),
    (
        "page unpublish, other organisation's story",
        "get",
        lambda w: f"/admin/pages/{w.pages['other_story'].pk}/unpublish/",
        {"other_moderator", "coordinating_moderator", "superuser"},
    ),
    (
        "page history, other organisation's story",
        "get",
        lambda w: f"/admin/pages/{w.pages['other_story'].pk}/history/",
        {"other_editor", "other_moderator", "coordinating_moderator", "superuser"},
    ),
    (
        "page revisions compared, other organisation's story",
        "get",
        lambda w: (
            f"/admin/pages/{w.pages['other_story'].pk}/revisions/compare/"
            f"earliest...{w.pages['other_story'].latest_revision_id}/"
        ),
        {"other_editor", "other_moderator", "coordinating_moderator", "superuser"},
    ),
    (
        "add an episode to own show",
        "get",
        lambda w: f"/admin/pages/add/radio/episodepage/{w.pages['show'].pk}/",
        OWN_PAGE_EDITORS,
    ),
    (
        "add a story to the story index",
        "get",
        lambda w: f"/admin/pages/add/stories/storypage/{w.pages['story_index'].pk}/",
        {
            "editor",
            "other_editor",
            "moderator",
            "other_moderator",
            "coordinating_moderator",
            "superuser",
        },
    ),
]


@pytest.mark.parametrize(("label", "method", "url", "allowed"), VIEWS, ids=[row[0] for row in VIEWS])
def test_each_role_gets_what_its_role_allows(world, as_role, label, method, url, allowed):
    expected = expect(allowed)
    got = {}
    for role in ROLES:
        client = as_role(role)
        response = getattr(client, method)(url(world))
        got[role] = outcome(response)
    assert got == expected, label


@pytest.mark.parametrize("role", ROLES)
def test_reprocess_is_refused_outside_the_organisation(world, as_role, role):
    """POST /admin/audio/<pk>/reprocess/: the asset must be the user's organisation's."""
    asset = world.assets["theirs"]
    allowed = {"other_editor", "other_moderator", "coordinating_moderator", "superuser"}
    response = as_role(role).post(f"/admin/audio/{asset.pk}/reprocess/")
    asset.refresh_from_db()
    if role in allowed:
        assert outcome(response) == "ok"
        assert asset.status == AudioStatus.QUEUED
    else:
        assert outcome(response) == ("login" if role == "anonymous" else "denied")
        assert asset.status == AudioStatus.READY


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_reprocessing_a_withdrawn_asset_is_refused_with_the_reason(world, as_role, role):
    asset = world.assets["withdrawn"]
    client = as_role(role)
    response = client.post(f"/admin/audio/{asset.pk}/reprocess/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/inspect/{asset.pk}/")
    asset.refresh_from_db()
    assert asset.status == AudioStatus.WITHDRAWN, "its public files must not come back"
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("withdrawn after a consent ended" in text for text in texts), texts


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("editor", {"ours"}),
        ("other_editor", {"theirs"}),
        ("moderator", {"ours"}),
        ("coordinating_moderator", {"ours", "theirs"}),
        ("superuser", {"ours", "theirs"}),
        ("editor_without_organisation", set()),
    ],
)
def test_live_status_answers_only_for_the_users_assets(world, as_role, role, visible):
    ids = {key: world.assets[key].pk for key in ("ours", "theirs")}
    response = as_role(role).get("/admin/audio/status/", {"id": list(ids.values())})
    assert response.status_code == 200
    assert set(json.loads(response.content)) == {str(ids[key]) for key in visible}


@pytest.mark.parametrize("role", ["anonymous", "officer", "radio_manager"])
def test_live_status_is_refused_without_audio_permissions(world, as_role, role):
    response = as_role(role).get("/admin/audio/status/", {"id": [world.assets["ours"].pk]})
    assert outcome(response) == ("login" if role == "anonymous" else "denied")


@pytest.mark.parametrize(
    ("role", "titles"),
    [
        ("editor", {"Our recording"}),
        ("other_editor", {"Their recording"}),
        ("superuser", {"Our recording", "Their recording"}),
    ],
)
def test_audio_listing_and_chooser_show_only_the_users_assets(world, as_role, role, titles):
    client = as_role(role)
    for url in ("/admin/snippets/audio/audioasset/", "/admin/snippets/choose/audio/audioasset/"):
        html = client.get(url).content.decode()
        shown = {title for title in ("Our recording", "Their recording") if title in html}
        assert shown == titles, url


@pytest.mark.parametrize(("role", "sees_draft"), [("editor", False), ("other_editor", True), ("superuser", True)])
def test_page_chooser_hides_other_organisations_drafts(world, as_role, role, sees_draft):
    client = as_role(role)
    html = client.get(f"/admin/choose-page/{world.pages['story_index'].pk}/").content.decode()
    assert "Our story" in html and "Their story" in html, "live pages can be linked by anyone"
    assert ("Their secret draft" in html) is sees_draft


def test_unknown_asset_is_missing_not_refused(world, as_role):
    missing = AudioAsset.objects.order_by("-pk").first().pk + 1000
    assert as_role("superuser").post(f"/admin/audio/{missing}/reprocess/").status_code == 404
