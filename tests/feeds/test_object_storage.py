"""With object storage (production), feeds link the hub's stable URLs; listeners and partners are
redirected to short-lived signed URLs of the private bucket, after the access policy."""

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from lxml import etree

from hub.partners.factories import PartnerOrganisationFactory
from hub.partners.models import PartnerFeedToken, PartnerShowSubscription, PullReceipt

from .conftest import make_episode

pytestmark = pytest.mark.django_db


class BucketLikeStorage(FileSystemStorage):
    """Behaves like S3Storage where it matters: no local paths, a bucket, expiring URLs on request."""

    bucket_name = "hub-private"

    def path(self, name):
        raise NotImplementedError("no local paths in a bucket")

    def url(self, name, expire=None):
        url = f"https://cdn.example.org/{name}"
        return f"{url}?X-Amz-Expires={expire}&X-Amz-Signature=abc" if expire else url


@pytest.fixture
def bucket(settings):
    def switch(client=None, show=None):
        if client is not None:  # artwork renditions are made while storage is local
            client.get(f"/feeds/shows/{show.pk}.xml")
            cache.clear()
        settings.STORAGES = {
            **settings.STORAGES,
            "private": {
                "BACKEND": f"{__name__}.BucketLikeStorage",
                "OPTIONS": {"location": str(settings.MEDIA_ROOT)},
            },
        }

    return switch


def test_feed_links_the_stable_url_which_redirects_to_a_short_lived_signed_url(client, show, bucket, settings):
    episode = make_episode(show)  # files written while storage is still local
    bucket(client, show)
    name = episode.audio.renditions.get(preset="podcast-mp3").file.name
    channel = etree.fromstring(client.get(f"/feeds/shows/{show.pk}.xml").content).find("channel")
    item = next(i for i in channel.findall("item") if i.findtext("title") == episode.title)
    assert item.find("enclosure").get("url") == f"http://testserver/feeds/episodes/{episode.pk}.mp3"
    assert "cdn.example.org" not in client.get(f"/feeds/shows/{show.pk}.xml").content.decode()
    response = client.get(f"/feeds/episodes/{episode.pk}.mp3")
    assert response.status_code == 302
    expires = settings.HUB_AUDIO_URL_SECONDS
    assert response["Location"] == f"https://cdn.example.org/{name}?X-Amz-Expires={expires}&X-Amz-Signature=abc"
    assert response["Cache-Control"] == "private, no-store"


def test_partner_download_redirects_to_a_short_lived_signed_url(client, show, bucket):
    partner = PartnerOrganisationFactory(is_broadcast_partner=True)
    PartnerShowSubscription.objects.create(partner=partner, show=show)
    token = PartnerFeedToken(partner=partner, label="Playout")
    raw = token.set_new_token()
    token.save()
    episode = make_episode(show)
    bucket()
    response = client.get(f"/feeds/partners/{raw}/episodes/{episode.pk}.wav", headers={"User-Agent": "Playout/2"})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.netloc == "cdn.example.org" and "X-Amz-Expires=300" in location.query
    receipt = PullReceipt.objects.get()
    assert (receipt.status_code, receipt.bytes_sent, receipt.user_agent) == (302, None, "Playout/2")
    assert receipt.preset == "broadcast-wav"
