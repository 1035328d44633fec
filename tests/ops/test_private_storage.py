"""Private files get signed URLs only on object storage; locally they have no URL at all."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from hub.ops.storage import content_disposition, private_storage, signed_url


def test_local_private_files_have_no_url():
    name = private_storage().save("evidence/form.pdf", __import__("io").BytesIO(b"%PDF"))
    assert signed_url(name) is None


def test_a_private_storage_that_does_not_sign_is_refused(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "evidence", "querystring_auth": False, "access_key": "x", "secret_key": "y"},
        },
    }
    with pytest.raises(ImproperlyConfigured):
        signed_url("evidence/form.pdf")


def test_download_names_keep_every_script_and_an_ascii_fallback():
    assert content_disposition("Consent form.pdf") == 'attachment; filename="Consent form.pdf"'
    assert content_disposition("Zustimmung Müller.pdf") == (
        "attachment; filename=\"Zustimmung Mller.pdf\"; filename*=UTF-8''Zustimmung%20M%C3%BCller.pdf"
    )
    assert content_disposition("موافقة.pdf").startswith("attachment; filename=\"download.pdf\"; filename*=UTF-8''%D9")
    assert content_disposition('a"b\r\nc.pdf') == (
        "attachment; filename=\"ab  c.pdf\"; filename*=UTF-8''a%22b%20%20c.pdf"
    )
