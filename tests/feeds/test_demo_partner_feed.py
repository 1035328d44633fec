"""The demo content has a broadcast partner whose private feed a tester can pull at once."""

import re

import feedparser
import pytest
from django.core.management import call_command
from lxml import etree
from wagtail.models import Page

from hub.demo.loader import DEMO_TOKEN_LABEL
from hub.partners.models import PartnerFeedToken, PartnerOrganisation, PullReceipt
from hub.radio.models import EpisodePage, ShowPage

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"


def test_demo_partner_feed(client, capsys):
    for stale in Page.get_first_root_node().get_children():
        stale.delete()
    call_command("load_demo_content", "--base", "http://testserver", verbosity=1)
    out = capsys.readouterr().out
    urls = re.findall(r"http://testserver(/feeds/partners/[^/\s]+/feed\.xml)", out)
    assert len(urls) == 1, out

    partner = PartnerOrganisation.objects.get(slug="freirad", locale__language_code="de")
    assert partner.is_broadcast_partner and partner.preferred_format == "broadcast-wav"
    assert partner.contact_email
    token = PartnerFeedToken.objects.get(label=DEMO_TOKEN_LABEL)
    assert token.partner == partner and token.status == "active"
    assert token.hint in urls[0]

    response = client.get(urls[0])
    assert response.status_code == 200
    channel = etree.fromstring(response.content).find("channel")
    assert channel.findtext(f"{ITUNES}block") == "Yes" and channel.findtext(f"{PODCAST}locked") == "yes"
    show = ShowPage.objects.get(locale__language_code="de")
    items = channel.findall("item")
    assert len(items) == EpisodePage.objects.live().child_of(show).count() >= 5
    assert not feedparser.parse(response.content).bozo
    enclosure = items[0].find("enclosure")
    assert enclosure.get("type") == "audio/wav" and enclosure.get("url").endswith(".wav")
    earlier = list(PullReceipt.objects.values_list("pk", flat=True))  # the demo's own takedown story has one
    download = client.get(enclosure.get("url").removeprefix("http://testserver"), headers={"Range": "bytes=0-11"})
    assert download.status_code == 206
    assert b"".join(download.streaming_content)[:4] == b"RIFF"
    assert PullReceipt.objects.exclude(pk__in=earlier).get().partner == partner

    # Idempotent: a second run makes no new token and shows none, only where to make one.
    call_command("load_demo_content", "--base", "http://testserver", verbosity=1)
    again = capsys.readouterr().out
    assert "nothing changed" in again
    assert "/feeds/partners/" not in again and token.hint in again and "Feed tokens" in again
    assert PartnerFeedToken.objects.count() == 1
    assert client.get(urls[0]).status_code == 200
