"""The route inventory, asked by roles: the admin routes that serve hub objects, per role.

tests/security/test_route_inventory.py asks every route as an anonymous visitor (and the public
ones as a few more viewers). Here every admin route the hub adds, and every Wagtail admin route
that serves a hub object (pages: edit, preview, revisions, history, workflow, move, copy, privacy,
choosers; documents; images; the snippets of hub models and their choosers; the hub's own
viewsets) is asked for an object of the organisation "Radio Ours" by

- an editor of another organisation (``other_editor``, of "Radio Theirs"),
- a moderator of the same organisation (``moderator``),
- a consent officer (``officer``),

and each answer must be one the inventory (``ROLE_ROUTES`` in tests/security/inventory.py)
allows. A route in that scope without an entry fails the test.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile

from tests.security.inventory import ROLE_POSTS, ROLE_SCOPE, role_entry_for
from tests.security.test_route_inventory import walk

from .conftest import outcome

pytestmark = pytest.mark.django_db

ROLES = ("other_editor", "moderator", "officer")


def in_scope(name: str | None, pattern: str, module: str) -> bool:
    """Admin routes of the hub, and Wagtail's admin routes that serve pages, documents, images,
    snippets and their choosers."""
    if not pattern.startswith("admin/"):
        return False
    if module.startswith("hub."):
        return True
    return any(re.match(scope, name or f"pattern:{pattern}") for scope in ROLE_SCOPE)


def scoped_routes() -> list[tuple[str, str, str]]:
    rows = [(name or f"pattern:{pattern}", pattern, module) for pattern, name, module in walk()]
    return [(key, pattern, module) for key, pattern, module in rows if in_scope(key, pattern, module)]


@pytest.fixture(scope="module")
def objects(world, django_db_blocker):
    """The objects the sample URLs name, next to the permission world's pages, assets and records."""
    from django.utils import timezone
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    from hub.consent.models import TakedownNotice, TakedownReport
    from hub.partners.models import PartnerFeedToken, PullReceipt
    from hub.radio.models import Contributor
    from hub.stories.models import Theme

    with django_db_blocker.unblock():
        # Radio Ours' own collection (hub.consent.editor_permissions), uploaded by its editor.
        from hub.partners.models import OrganisationMedia

        ours = OrganisationMedia.objects.get(translation_key=world.partners["ours"].translation_key).collection
        document = get_document_model()(title="Our minutes", collection=ours, uploaded_by_user=world.users["editor"])
        document.file.save("role-minutes.pdf", ContentFile(b"%PDF-1.4 minutes"), save=False)
        document.save()
        image = get_image_model().objects.create(
            title="Our photo", file=get_test_image_file(), collection=ours, uploaded_by_user=world.users["editor"]
        )
        token = PartnerFeedToken(partner=world.partners["ours"], label="Playout")
        token.set_new_token()
        token.save()
        receipt = PullReceipt.objects.create(
            partner=world.partners["ours"],
            partner_name="Radio Ours",
            token=token,
            token_label="Playout",
            episode=world.pages["episode"],
            episode_title="First",
            preset="broadcast-wav",
            status_code=200,
            created_at=timezone.now(),
        )
        record = world.records["with_evidence"]
        notice = TakedownNotice.objects.create(
            partner=world.partners["ours"], page=world.pages["story"], consent=record
        )
        report = TakedownReport.objects.create(consent=record, reason="withdrawn")
        theme = Theme.objects.create(name="Food", slug="food-roles")
        contributor = Contributor.objects.create(name="Amina", role="host")
    story = world.pages["story"]
    return {
        "page": story,
        "revision": story.latest_revision,
        "index": world.pages["story_index"],
        "document": document,
        "image": image,
        "token": token,
        "receipt": receipt,
        "notice": notice,
        "report": report,
        "theme": theme,
        "contributor": contributor,
        "asset": world.assets["ours"],
        "rendition": world.assets["ours_rendition"],
        "record": record,
        "partner": world.partners["ours"],
    }


SNIPPET_OBJECTS = {
    "partners_partnerorganisation": "partner",
    "stories_theme": "theme",
    "radio_contributor": "contributor",
    "audio_audioasset": "asset",
    "consent_consentrecord": "record",
}
VIEWSET_OBJECTS = {
    "partner-feed-tokens": "token",
    "pull-receipts": "receipt",
    "takedown-notices": "notice",
    "takedown-reports": "report",
}


def sample_url(key: str, pattern: str, objects: dict) -> str:
    """The pattern with every converter filled with an object of Radio Ours (or a harmless value)."""
    namespace = key.split(":", 1)[0]
    own = None
    for prefix in ("wagtailsnippets_", "wagtailsnippetchoosers_"):
        if namespace.startswith(prefix):
            own = objects.get(SNIPPET_OBJECTS.get(namespace.removeprefix(prefix), ""))
    if namespace in VIEWSET_OBJECTS:
        own = objects[VIEWSET_OBJECTS[namespace]]
    if namespace in ("wagtaildocs_chooser", "wagtailimages_chooser"):
        own = objects["document" if namespace.startswith("wagtaildocs") else "image"]
    if key == "wagtailadmin_pages:revisions_compare":
        return f"/admin/pages/{objects['page'].pk}/revisions/compare/earliest...latest/"
    values = {
        "page_id": objects["page"].pk,
        "page_to_move_id": objects["page"].pk,
        "page_pk": objects["page"].pk,
        "parent_page_id": objects["index"].pk,
        "destination_id": objects["index"].pk,
        "revision_id": objects["revision"].pk,
        "content_type_app_name": "stories",
        "content_type_model_name": "storypage",
        "app_label": "stories",
        "model_name": "storypage",
        "action_name": "approve",
        "document_id": objects["document"].pk,
        "doc_id": objects["document"].pk,
        "image_id": objects["image"].pk,
        "filter_spec": "fill-10x10",
        "rendition_id": objects["rendition"].pk,
        "queue_name": "default",
        "job_id": "no-such-job",
    }
    api = {
        "wagtailadmin_api:pages": "page",
        "wagtailadmin_api:documents": "document",
        "wagtailadmin_api:images": "image",
    }
    for prefix, kind in api.items():
        if key.startswith(prefix):
            own = objects[kind]
    if key.startswith("hub_audio"):
        values["pk"] = objects["asset"].pk
    elif key.startswith("hub_consent"):
        values["pk"] = objects["record"].pk
    elif own is not None:
        values["pk"] = own.pk

    def fill(match):
        converter, name = match.group(1) or "str", match.group(2)
        if name in values:
            return str(values[name])
        return "999999" if converter == "int" else "x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, pattern).replace("^", "").replace("$", "")


def test_every_admin_route_serving_hub_objects_has_a_role_entry():
    rows = scoped_routes()
    assert len(rows) > 150, "the scope reaches pages, documents, images, snippets and the hub's viewsets"
    missing = [(key, pattern, module) for key, pattern, module in rows if role_entry_for(key) is None]
    assert not missing, "admin routes without an entry in ROLE_ROUTES (tests/security/inventory.py):\n" + "\n".join(
        f"  {key}  {pattern}  view={module}" for key, pattern, module in missing
    )
    assert role_entry_for("hub_new_admin_view") is None, "a new route of the hub has no entry by default"
    assert role_entry_for("wagtailsnippets_newapp_newmodel:edit") is None, "nor does a new snippet"


def role_outcome(client, response) -> str:
    """The outcome, after one redirect to another admin page (e.g. revisions to history) if any."""
    location = response.get("Location", "") if response.status_code == 302 else ""
    if location.startswith("/admin/") and location != "/admin/" and not location.startswith("/admin/login/"):
        response = client.get(location)
    return outcome(response)


def test_each_role_gets_what_the_inventory_allows(world, objects, client):
    wrong = []
    client.raise_request_exception = False  # a view that breaks answers 500, and that is reported
    for key, pattern, _module in scoped_routes():
        entry = role_entry_for(key)
        url = sample_url(key, pattern, objects)
        for role in ROLES:
            client.force_login(world.users[role])
            got = role_outcome(client, client.get(url))
            if got not in entry[role]:
                wrong.append(f"  {key}  {url}  {role}: got {got}, allowed {sorted(entry[role])}")
            client.logout()
    assert not wrong, "answers the inventory does not allow:\n" + "\n".join(wrong)


def test_state_changing_requests_are_refused_to_the_roles_without_the_right(world, objects, client):
    from wagtail.models import Page

    from hub.audio.models import AudioAsset

    routes = {key: pattern for key, pattern, _module in scoped_routes()}
    assert set(ROLE_POSTS) <= set(routes), "ROLE_POSTS names routes that exist"
    before = {page.pk: (page.path, page.live, page.locked) for page in Page.objects.all()}
    assets = set(AudioAsset.objects.values_list("pk", "status"))
    wrong = []
    client.raise_request_exception = False
    for key, expected in ROLE_POSTS.items():
        url = sample_url(key, routes[key], objects)
        for role, allowed in expected.items():
            client.force_login(world.users[role])
            got = outcome(client.post(url, {}))
            if got not in allowed:
                wrong.append(f"  POST {key}  {url}  {role}: got {got}, allowed {sorted(allowed)}")
            client.logout()
    assert not wrong, "state-changing requests answered otherwise than refused:\n" + "\n".join(wrong)
    assert {page.pk: (page.path, page.live, page.locked) for page in Page.objects.all()} == before, "no page changed"
    assert set(AudioAsset.objects.values_list("pk", "status")) == assets, "no audio changed"


def test_another_organisations_draft_is_in_no_explorer_chooser_or_admin_api_answer(world, as_role):
    """Only live pages and the user's own drafts, wherever the admin lists or describes pages."""
    draft = world.pages["their_draft"]
    index = world.pages["story_index"]
    client = as_role("editor")
    assert client.get(f"/admin/api/main/pages/{draft.pk}/").status_code == 404
    for url in (
        f"/admin/api/main/pages/?child_of={index.pk}",
        f"/admin/api/main/pages/?child_of={index.pk}&for_explorer=1",
        f"/admin/api/main/pages/?search={draft.title}",
        f"/admin/pages/{index.pk}/",
        f"/admin/choose-page/{index.pk}/",
        f"/admin/choose-page/search/?q={draft.title}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert draft.title not in response.content.decode(), url
    owner = as_role("other_editor")
    assert owner.get(f"/admin/api/main/pages/{draft.pk}/").status_code == 200, "its own organisation sees it"
