"""A partner radio pulls an episode from a production web node: token-checked, then a short-lived
signed URL of the bucket, and a pull receipt. Real gunicorn, real PostgreSQL, real moto S3."""

import hashlib
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.utils import timezone

from hub.audio.factories import AudioAssetFactory
from hub.partners.factories import PartnerOrganisationFactory
from hub.partners.models import PartnerFeedToken, PartnerShowSubscription, PullReceipt
from tests.feeds.conftest import add_renditions

from .conftest import PRIVATE_BUCKET, PUBLIC_BUCKET
from .services import tail
from .site import add_episode, make_show

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_partner_pull_redirects_to_a_signed_bucket_url_and_leaves_a_receipt(transactional_db, hub_settings, web, s3):
    show = make_show()
    asset = AudioAssetFactory()
    renditions = add_renditions(asset)  # stored through the private bucket's storage, as a worker does
    wav = renditions["broadcast-wav"]
    assert s3.head_object(Bucket=PRIVATE_BUCKET, Key=f"private/{wav.file.name}")["ContentLength"] == wav.size_bytes
    assert s3.list_objects_v2(Bucket=PUBLIC_BUCKET, Prefix=wav.file.name)["KeyCount"] == 0, "not in the public bucket"
    episode = add_episode(
        show,
        asset,
        title="Before the public release",
        partner_release_at=timezone.now() - timedelta(hours=1),
        public_release_at=timezone.now() + timedelta(days=3),
    )
    partner = PartnerOrganisationFactory(name="Radio Bucket", is_broadcast_partner=True)
    PartnerShowSubscription.objects.create(partner=partner, show=show)
    token = PartnerFeedToken(partner=partner, label="Playout")
    raw = token.set_new_token()
    token.save()
    proto = {"X-Forwarded-Proto": "https"}

    feed = requests.get(f"{web.base}/feeds/partners/{raw}/feed.xml", headers=proto, timeout=30)
    assert feed.status_code == 200, feed.text[:2000] + tail(web.log)
    enclosure = ET.fromstring(feed.content).find("./channel/item/enclosure").attrib  # noqa: S314 - our own feed
    assert enclosure["url"].endswith(f"/feeds/partners/{raw}/episodes/{episode.pk}.wav")
    assert int(enclosure["length"]) == wav.size_bytes

    path = urlsplit(enclosure["url"]).path
    pull = requests.get(web.base + path, headers=proto, allow_redirects=False, timeout=30)
    assert pull.status_code == 302, pull.text[:2000] + tail(web.log)
    signed = pull.headers["Location"]
    query = parse_qs(urlsplit(signed).query)
    assert urlsplit(signed).path.endswith(wav.file.name)
    assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query
    body = requests.get(signed, timeout=30)
    assert body.status_code == 200 and hashlib.sha256(body.content).hexdigest() == wav.sha256
    assert body.headers["Content-Disposition"].startswith("attachment") and episode.slug in signed
    assert requests.get(signed.split("?", 1)[0], timeout=30).status_code == 403, "without the signature: refused"

    receipt = PullReceipt.objects.get(partner=partner, episode=episode)
    assert (receipt.status_code, receipt.preset, receipt.token_label) == (302, "broadcast-wav", "Playout")
    assert receipt.sha256 == wav.sha256 and receipt.bytes_sent is None

    # A bad token learns nothing, and the node's logs never show the good one.
    assert requests.get(web.base + path.replace(raw, "x" * 43), headers=proto, timeout=30).status_code == 404
    assert raw not in web.log.read_text(errors="replace")
