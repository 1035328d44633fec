"""Each organisation has its own image and document collection: its editors and moderators upload
into it and choose only from it; the coordinating organisation sees every collection; the groups
follow memberships and roles (hub.consent.editor_permissions)."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from hub.consent.roles import EDITORS, set_user_organisation, setup_roles
from hub.partners.models import OrganisationMedia

pytestmark = pytest.mark.django_db


def _png(name="photo.png"):
    data = io.BytesIO()
    PILImage.new("RGB", (40, 30), (10, 120, 200)).save(data, "PNG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/png")


def _collection(world, key) -> Collection:
    return OrganisationMedia.objects.get(translation_key=world.partners[key].translation_key).collection


def _chooser_upload(client, title):
    response = client.get("/admin/images/chooser/")
    html = json.loads(response.content)["html"]
    return html, client.post(
        "/admin/images/chooser/create/", {"image-chooser-upload-title": title, "image-chooser-upload-file": _png()}
    )


def test_an_editor_uploads_into_the_organisations_collection_and_chooses_only_from_it(world, as_role):
    ours, theirs = _collection(world, "ours"), _collection(world, "theirs")
    assert ours != theirs and ours.name == "Radio Ours"
    client = as_role("editor")
    html, response = _chooser_upload(client, "Studio")
    assert "Hochladen" in html or "Upload" in html, "the chooser has its upload tab"
    assert response.status_code == 200, response.content[:300]
    image = get_image_model().objects.get(title="Studio")
    assert image.collection == ours

    # Another organisation's editor neither lists nor chooses it; their upload goes to theirs.
    other = as_role("other_editor")
    assert "Studio" not in json.loads(other.get("/admin/images/chooser/").content)["html"]
    assert other.get(f"/admin/images/{image.pk}/").status_code in (302, 403)
    _chooser_upload(other, "Their studio")
    assert get_image_model().objects.get(title="Their studio").collection == theirs

    # The coordinating organisation's moderator sees both.
    coordinator = as_role("coordinating_moderator")
    listed = json.loads(coordinator.get("/admin/images/chooser/").content)["html"]
    assert "Studio" in listed and "Their studio" in listed


def test_documents_follow_the_same_rule(world, as_role):
    client = as_role("editor")
    response = client.post(
        "/admin/documents/chooser/create/",
        {
            "document-chooser-upload-title": "Flyer",
            "document-chooser-upload-file": SimpleUploadedFile("flyer.txt", b"Join us"),
        },
    )
    assert response.status_code == 200, response.content[:300]
    assert get_document_model().objects.get(title="Flyer").collection == _collection(world, "ours")
    assert "Flyer" not in json.loads(as_role("other_editor").get("/admin/documents/chooser/").content)["html"]


def test_the_media_group_follows_organisation_and_role(world):
    editor = world.users["editor"]
    ours = OrganisationMedia.objects.get(translation_key=world.partners["ours"].translation_key)
    theirs = OrganisationMedia.objects.get(translation_key=world.partners["theirs"].translation_key)
    assert editor.groups.filter(pk=ours.group_id).exists()

    set_user_organisation(editor, world.partners["theirs"])
    assert list(editor.groups.filter(pk__in=[ours.group_id, theirs.group_id])) == [theirs.group]

    editor.groups.remove(editor.groups.get(name=EDITORS))
    assert not editor.groups.filter(pk__in=[ours.group_id, theirs.group_id]).exists(), "no role, no media"

    # Consent officers and radio managers belong to no organisation's media group.
    assert not world.users["officer"].groups.filter(name__startswith="Media: ").exists()


def test_a_renamed_organisation_renames_its_collection_and_setup_is_idempotent(world):
    partner = world.partners["ours"]
    partner.name = "Radio Ours Graz"
    partner.save()
    media = OrganisationMedia.objects.get(translation_key=partner.translation_key)
    assert media.collection.name == "Radio Ours Graz" and media.group.name == "Media: Radio Ours Graz"
    counts = (Collection.objects.count(), OrganisationMedia.objects.count())
    setup_roles()
    assert (Collection.objects.count(), OrganisationMedia.objects.count()) == counts
