"""Privacy by design: no EXIF/GPS in stored images, no cookies for anonymous visitors."""

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def jpeg_with_gps() -> bytes:
    image = PILImage.new("RGB", (64, 48), (200, 30, 30))
    exif = PILImage.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0112] = 6  # orientation: rotate 90° to display
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (47.0, 16.0, 0.0), 3: "E", 4: (11.0, 23.0, 0.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_uploaded_image_is_stored_without_exif_and_upright():
    data = jpeg_with_gps()
    assert PILImage.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD), "the fixture carries GPS"
    image = Image(title="Portrait", file=ImageFile(io.BytesIO(data), name="portrait.jpg"))
    image.save()
    with image.file.open("rb") as handle:
        stored = PILImage.open(io.BytesIO(handle.read()))
        assert not stored.getexif()
        assert stored.size == (48, 64), "the EXIF orientation was applied before it was dropped"
    assert (image.width, image.height) == (48, 64)


def test_upload_through_the_admin_is_stripped(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("gps.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = admin_client.post("/admin/images/add/", {"title": "Uploaded", "file": upload})
    assert response.status_code in (200, 302)
    image = Image.objects.get(title="Uploaded")
    with image.file.open("rb") as handle:
        assert not PILImage.open(io.BytesIO(handle.read())).getexif()


def test_anonymous_pages_set_no_cookies(site_tree, client):
    for kind in ["home", "story", "episode", "campaign", "story_index"]:
        response = client.get(site_tree.page(kind, "ar").get_url())
        assert response.status_code == 200
        assert response.cookies == {}, kind
    assert client.get("/en/search/?q=story").cookies == {}
