"""Private partner feeds: tokens, embargo, rights windows, token-checked downloads, receipts, no leaks."""

import hashlib
import io
import logging
import pickle
from datetime import timedelta

import feedparser
import podcastparser
import pytest
from django.core.cache import cache
from django.utils import timezone
from lxml import etree

from hub.partners.access import ScrubPartnerTokens
from hub.partners.factories import PartnerOrganisationFactory
from hub.partners.models import PartnerFeedToken, PartnerShowSubscription, PullReceipt

from .conftest import fresh, make_episode, payload, publish

pytestmark = pytest.mark.django_db

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
HUB = "{urn:x-volunteering-hub:partner-feed:1}"


@pytest.fixture
def partner(show):
    partner = PartnerOrganisationFactory(name="Radio FREIRAD", is_broadcast_partner=True)
    PartnerShowSubscription.objects.create(partner=partner, show=show)
    return partner


def new_token(partner, **fields):
    token = PartnerFeedToken(partner=partner, label=fields.pop("label", "Playout server"), **fields)
    raw = token.set_new_token()
    token.save()
    return token, raw


@pytest.fixture
def token(partner):
    return new_token(partner)


def feed(client, raw, **headers):
    return client.get(f"/feeds/partners/{raw}/feed.xml", headers=headers)


def items_of(response):
    return {item.findtext("title"): item for item in etree.fromstring(response.content).find("channel").iter("item")}


def test_tokens_are_long_random_and_stored_only_as_a_hash(token):
    row, raw = token
    assert len(raw) >= 43  # 32 random bytes (256 bits), URL-safe base64
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = PartnerFeedToken.objects.filter(pk=row.pk).values().get()
    assert raw not in {str(value) for value in stored.values()}
    assert stored["hint"] == raw[:6]
    other = PartnerFeedToken(partner=row.partner, label="Second")
    assert other.set_new_token() != raw


def test_partner_feed(client, show, token):
    _row, raw = token
    episode = make_episode(
        show,
        title="Embargoed for the public",
        partner_release_at=timezone.now() - timedelta(hours=1),
        public_release_at=timezone.now() + timedelta(days=7),
        broadcast_rights_until=timezone.localdate() + timedelta(days=30),
        licence="CC-BY-NC-ND-4.0",
    )
    response = feed(client, raw)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=0, must-revalidate"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    channel = etree.fromstring(response.content).find("channel")
    assert channel.findtext(f"{ITUNES}block") == "Yes"
    assert channel.findtext(f"{PODCAST}locked") == "yes"
    assert channel.find(f"{PODCAST}guid") is None  # a private feed is no podcast of its own
    item = items_of(response)["Embargoed for the public"]
    wav = episode.audio.renditions.get(preset="broadcast-wav")
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == f"http://testserver/feeds/partners/{raw}/episodes/{episode.pk}.wav"
    assert enclosure.get("type") == "audio/wav"
    assert enclosure.get("length") == str(wav.size_bytes)
    assert item.findtext(f"{ITUNES}block") == "Yes"
    assert item.findtext(f"{PODCAST}license") == "cc-by-nc-nd-4.0"
    assert item.findtext(f"{HUB}broadcastRightsUntil") == (timezone.localdate() + timedelta(days=30)).isoformat()
    assert item.find(f"{HUB}file").get("sha256") == wav.sha256
    assert item.findtext(f"{HUB}publicRelease")
    # ... while the public feed does not have it yet.
    public = client.get(f"/feeds/shows/{show.pk}.xml").content
    assert b"Embargoed for the public" not in public


def test_episodes_enter_at_partner_release_and_leave_when_rights_end(client, show, token):
    _row, raw = token
    make_episode(show, title="Not yet", partner_release_at=timezone.now() + timedelta(days=1))
    make_episode(show, title="Rights ended", broadcast_rights_until=timezone.localdate() - timedelta(days=1))
    make_episode(show, title="Last day today", broadcast_rights_until=timezone.localdate())
    titles = set(items_of(feed(client, raw)))
    assert "Last day today" in titles
    assert "Not yet" not in titles and "Rights ended" not in titles


def test_licence_falls_back_to_the_show(client, show, token):
    make_episode(show, title="Show licence")
    item = items_of(feed(client, token[1]))["Show licence"]
    assert item.findtext(f"{PODCAST}license") == "cc-by-4.0"


def test_only_subscribed_shows(client, site_tree, token):
    other_show = fresh(site_tree.page("show", "de"))
    make_episode(other_show, title="Not subscribed")
    assert "Not subscribed" not in items_of(feed(client, token[1]))


def test_preferred_format_mp3(client, show, partner, token):
    partner.preferred_format = "podcast-mp3"
    partner.save()
    episode = make_episode(show, title="As MP3")
    enclosure = items_of(feed(client, token[1]))["As MP3"].find("enclosure")
    assert enclosure.get("url").endswith(f"/episodes/{episode.pk}.mp3")
    assert enclosure.get("type") == "audio/mpeg"


def test_falls_back_when_the_preferred_format_is_missing(client, show, token):
    episode = make_episode(show, title="No WAV", presets=("podcast-mp3",))
    assert items_of(feed(client, token[1]))["No WAV"].find("enclosure").get("url").endswith(f"/{episode.pk}.mp3")


def test_conditional_get_of_the_partner_feed(client, show, token):
    make_episode(show)
    first = feed(client, token[1])
    assert feed(client, token[1], **{"If-None-Match": first["ETag"]}).status_code == 304
    zipped = feed(client, token[1], **{"Accept-Encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"


def test_clients_read_the_partner_feed(client, show, token):
    make_episode(show, title="For broadcast", partner_release_at=timezone.now() - timedelta(minutes=1))
    body = feed(client, token[1]).content
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [e.title for e in parsed.entries if e.title == "For broadcast"]
    podcast = podcastparser.parse("http://testserver/feeds/partners/x/feed.xml", io.BytesIO(body))
    found = next(e for e in podcast["episodes"] if e["title"] == "For broadcast")
    assert found["enclosures"][0]["mime_type"] == "audio/wav" and found["enclosures"][0]["file_size"] > 0


def test_the_cache_never_holds_the_token(client, show, token):
    make_episode(show)
    _row, raw = token
    assert raw.encode() in feed(client, raw).content
    stored = b"".join(pickle.dumps(value) if not isinstance(value, bytes) else value for value in cache._cache.values())
    assert raw.encode() not in stored


# --- Downloads and pull receipts -------------------------------------------------------


def test_download_leaves_a_receipt(client, show, token):
    row, raw = token
    episode = make_episode(show, partner_release_at=timezone.now() - timedelta(minutes=5))
    wav = episode.audio.renditions.get(preset="broadcast-wav")
    url = f"/feeds/partners/{raw}/episodes/{episode.pk}.wav"
    response = client.get(url, headers={"User-Agent": "Rivendell-Pull/4.1"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == payload("broadcast-wav", episode.audio.pk, 22_000)
    assert response["Content-Type"] == "audio/wav"
    assert "attachment" in response["Content-Disposition"]
    receipt = PullReceipt.objects.get()
    assert (receipt.partner, receipt.token, receipt.episode, receipt.rendition) == (
        row.partner,
        row,
        fresh(episode),
        wav,
    )
    assert receipt.preset == "broadcast-wav" and receipt.sha256 == wav.sha256
    assert receipt.bytes_sent == len(body) == wav.size_bytes
    assert receipt.status_code == 200 and receipt.completed_at is not None
    assert receipt.user_agent == "Rivendell-Pull/4.1"
    assert receipt.token_label == "Playout server" and receipt.partner_name == "Radio FREIRAD"
    assert fresh(row).last_used_at is not None


def test_ranged_download(client, show, token):
    episode = make_episode(show)
    url = f"/feeds/partners/{token[1]}/episodes/{episode.pk}.wav"
    response = client.get(url, headers={"Range": "bytes=0-1"})
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 0-1/22000"
    assert b"".join(response.streaming_content) == payload("broadcast-wav", episode.audio.pk, 22_000)[:2]
    receipt = PullReceipt.objects.get()
    assert (receipt.status_code, receipt.bytes_sent, receipt.range_requested) == (206, 2, "bytes=0-1")
    assert client.get(url, headers={"Range": "bytes=22000-"}).status_code == 416
    head = client.head(url)
    assert head.status_code == 200 and head["Content-Length"] == "22000"
    assert PullReceipt.objects.count() == 1, "HEAD and refused ranges are no downloads"


def test_no_download_outside_the_window(client, show, token):
    later = make_episode(show, partner_release_at=timezone.now() + timedelta(days=1))
    expired = make_episode(show, broadcast_rights_until=timezone.localdate() - timedelta(days=1))
    for episode in (later, expired):
        assert client.get(f"/feeds/partners/{token[1]}/episodes/{episode.pk}.wav").status_code == 404
    assert not PullReceipt.objects.exists()


def test_receipts_in_the_admin_per_partner_and_per_episode(admin_client, client, show, token):
    first = make_episode(show, title="First pulled")
    second = make_episode(show, title="Second pulled")
    for episode in (first, second):
        b"".join(client.get(f"/feeds/partners/{token[1]}/episodes/{episode.pk}.wav").streaming_content)
    other_partner = PartnerOrganisationFactory(name="Radio Elsewhere", is_broadcast_partner=True)
    PartnerShowSubscription.objects.create(partner=other_partner, show=show)
    _other, other_raw = new_token(other_partner)
    b"".join(client.get(f"/feeds/partners/{other_raw}/episodes/{first.pk}.wav").streaming_content)

    def rows(url):
        html = admin_client.get(url).content.decode()
        return html.split('<table class="listing">', 1)[1].split("</table>", 1)[0]

    by_partner = rows(f"/admin/pull-receipts/?partner={token[0].partner.pk}")
    assert "First pulled" in by_partner and "Second pulled" in by_partner and "Radio Elsewhere" not in by_partner
    by_episode = rows(f"/admin/pull-receipts/?episode={first.pk}")
    assert "Radio FREIRAD" in by_episode and "Radio Elsewhere" in by_episode and "Second pulled" not in by_episode
    # Read only: no adding, editing or deleting records.
    assert admin_client.get("/admin/pull-receipts/new/").status_code in (302, 403)
    receipt = PullReceipt.objects.first()
    assert admin_client.get(f"/admin/pull-receipts/edit/{receipt.pk}/").status_code in (302, 403)
    assert admin_client.get(f"/admin/pull-receipts/inspect/{receipt.pk}/").status_code == 200
    # The episode's editor links to its receipts.
    edit = admin_client.get(f"/admin/pages/{first.pk}/edit/").content.decode()
    assert f"/admin/pull-receipts/?episode={first.pk}" in edit


# --- Refusals, rate limits and logs ----------------------------------------------------


def test_unknown_expired_revoked_and_non_partner_tokens_get_the_same_404(client, show, partner):
    episode = make_episode(show)
    _expired, expired_raw = new_token(partner, expires_at=timezone.now() - timedelta(seconds=1))
    revoked, revoked_raw = new_token(partner)
    revoked.revoke()
    outsider = PartnerOrganisationFactory(is_broadcast_partner=False)
    _row, outsider_raw = new_token(outsider)
    bodies = set()
    for raw in ["x" * 43, expired_raw, revoked_raw, outsider_raw]:
        for url in [f"/feeds/partners/{raw}/feed.xml", f"/feeds/partners/{raw}/episodes/{episode.pk}.wav"]:
            response = client.get(url)
            assert response.status_code == 404, url
            bodies.add(response.content)
    assert len(bodies) == 1
    assert not PullReceipt.objects.exists()
    assert not PartnerFeedToken.objects.filter(last_used_at__isnull=False).exists(), "no refusal counts as a use"


def test_repeated_failures_are_rate_limited(client, show, token, settings):
    settings.HUB_PARTNER_FAILURE_LIMIT = 3
    _row, raw = token
    for attempt in range(3):
        assert client.get(f"/feeds/partners/guess{attempt}/feed.xml").status_code == 404
    limited = client.get("/feeds/partners/guess-again/feed.xml")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert feed(client, raw).status_code == 429, "while limited, even a good token waits"
    other_address = client.get(f"/feeds/partners/{raw}/feed.xml", REMOTE_ADDR="10.1.2.3")
    assert other_address.status_code == 200, "the limit is per client address"


def test_tokens_never_reach_the_logs(client, show, token, caplog, settings):
    _row, raw = token
    episode = make_episode(show)
    wrong = "Wr0ngT0kenWr0ngT0kenWr0ngT0kenWr0ngT0ken123"
    caplog.set_level(logging.DEBUG)
    client.get(f"/feeds/partners/{wrong}/feed.xml")
    client.get(f"/feeds/partners/{raw}/feed.xml")
    client.get(f"/feeds/partners/{raw}/episodes/999999.wav")
    b"".join(client.get(f"/feeds/partners/{raw}/episodes/{episode.pk}.wav").streaming_content)
    client.get(f"/feeds/partners/{raw}/no-such-thing")
    settings.ALLOWED_HOSTS = ["testserver"]
    assert client.get(f"/feeds/partners/{raw}/feed.xml", HTTP_HOST="evil.example").status_code == 400
    assert "django.security.DisallowedHost" in {r.name for r in caplog.records}
    assert caplog.records, "Django logs 404s: they must be there, scrubbed"
    logged = caplog.text + "".join(str(getattr(r, "request", "")) for r in caplog.records)
    assert raw not in logged and wrong not in logged
    assert "/feeds/partners/[token]/" in caplog.text


def test_scrubbing_covers_server_style_records():
    scrubber = ScrubPartnerTokens()

    class Atoms(dict):  # gunicorn's access log passes a dict subclass
        pass

    atoms = Atoms({"r": "GET /feeds/partners/s3cr3t/feed.xml HTTP/1.1", "s": "200"})
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(r)s %(s)s", (atoms,), None)
    scrubber.filter(record)
    assert record.getMessage() == "GET /feeds/partners/[token]/feed.xml HTTP/1.1 200"
    assert isinstance(record.args, Atoms)
    runserver = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', ("GET /feeds/partners/abc/feed.xml", "200", "5"), None
    )
    scrubber.filter(runserver)
    assert "abc" not in runserver.getMessage()
    structured = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%s %s", ("GET", "/x"), None)
    structured.http_path = "/feeds/partners/s3cr3t/episodes/4.wav"
    scrubber.filter(structured)
    assert structured.http_path == "/feeds/partners/[token]/episodes/4.wav"


# --- Admin ------------------------------------------------------------------------------


def test_token_is_shown_once_when_created(admin_client, partner):
    response = admin_client.post(
        "/admin/partner-feed-tokens/new/",
        {"partner": partner.pk, "label": "Studio B automation", "expires_at": ""},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    row = PartnerFeedToken.objects.get(label="Studio B automation")
    html = response.content.decode()
    raw = html.split('id="hub-partner-token" type="text" readonly value="')[1].split('"')[0]
    assert hashlib.sha256(raw.encode()).hexdigest() == row.token_hash
    assert f"/feeds/partners/{raw}/feed.xml" in html
    assert row.created_by is not None and row.expires_at is None
    # Never again: not in the listing, the edit form or the inspect view.
    for url in ["/admin/partner-feed-tokens/", f"/admin/partner-feed-tokens/edit/{row.pk}/"]:
        page = admin_client.get(url)
        assert page.status_code == 200 and raw not in page.content.decode()
        assert row.hint in page.content.decode() or url.endswith("/edit/" + str(row.pk) + "/")


def test_revoking_in_the_admin_stops_the_feed(admin_client, client, show, token):
    row, raw = token
    assert feed(client, raw).status_code == 200
    response = admin_client.post(
        f"/admin/partner-feed-tokens/edit/{row.pk}/",
        {"label": row.label, "expires_at": row.expires_at.strftime("%Y-%m-%d %H:%M"), "revoke": "on"},
    )
    assert response.status_code == 302
    assert fresh(row).revoked_at is not None
    assert feed(client, raw).status_code == 404


def test_new_tokens_expire_after_a_year_by_default(partner):
    row, _raw = new_token(partner)
    assert timedelta(days=364) < row.expires_at - timezone.now() <= timedelta(days=365)


def test_last_used_is_recorded(client, token):
    row, raw = token
    assert row.last_used_at is None
    feed(client, raw)
    assert fresh(row).last_used_at is not None


def test_feed_cache_expires_when_the_next_window_opens_or_closes(show, partner):
    """Nothing is saved when an embargo or a rights window ends: the cached feed must expire then."""
    from datetime import datetime, time

    from hub.feeds.data import next_partner_change, partner_episodes

    now = timezone.now()
    make_episode(show, broadcast_rights_until=timezone.localdate(now))
    _shows, live, _available = partner_episodes(partner, now=now)
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(now) + timedelta(days=1), time(0, 0)))
    assert next_partner_change(live, now) == midnight
    soon = now + timedelta(hours=2)
    make_episode(show, partner_release_at=soon)
    assert next_partner_change(live, now) == min(soon, midnight)


def test_publishing_updates_partner_feeds(client, show, token):
    episode = make_episode(show, title="Before", live=True)
    assert "Before" in items_of(feed(client, token[1]))
    page = fresh(episode)
    page.title = "After"
    publish(page)
    assert "After" in items_of(feed(client, token[1]))


def test_partner_pub_date_is_the_partner_release_else_the_public_release_else_publication(client, show, token):
    """One rule for when partners get an episode: the date in their feed follows it, in this order."""
    from email.utils import parsedate_to_datetime

    now = timezone.now().replace(microsecond=0)
    both = make_episode(
        show, title="Both", partner_release_at=now - timedelta(days=3), public_release_at=now - timedelta(days=1)
    )
    public_only = make_episode(show, title="Public only", public_release_at=now - timedelta(days=2))
    neither = make_episode(show, title="Neither")
    items = items_of(feed(client, token[1]))

    def pub_date(title):
        return parsedate_to_datetime(items[title].findtext("pubDate"))

    assert pub_date("Both") == both.partner_release_at
    assert pub_date("Public only") == public_only.public_release_at
    assert pub_date("Neither") == neither.first_published_at.replace(microsecond=0)


def test_feed_and_download_pick_the_partners_rendition_by_one_rule(client, show, token):
    """Preferred format first, never an empty file: the download serves what the feed advertises."""
    from hub.audio.models import Rendition

    episode = make_episode(show, title="Empty WAV")
    Rendition.objects.filter(asset=episode.audio, preset="broadcast-wav").update(size_bytes=0)
    enclosure = items_of(feed(client, token[1]))["Empty WAV"].find("enclosure")
    assert enclosure.get("url").endswith(f"/episodes/{episode.pk}.mp3")
    base = f"/feeds/partners/{token[1]}/episodes/{episode.pk}"
    assert client.get(f"{base}.mp3").status_code == 200
    assert client.get(f"{base}.wav").status_code == 404  # the empty preferred file is never delivered


def test_a_partner_may_fetch_the_other_delivery_format_by_its_url(client, show, partner, token):
    partner.preferred_format = "podcast-mp3"
    partner.save()
    episode = make_episode(show, title="Both formats")
    base = f"/feeds/partners/{token[1]}/episodes/{episode.pk}"
    assert client.get(f"{base}.wav")["Content-Type"] == "audio/wav"
    assert client.get(f"{base}.opus").status_code == 404  # not a delivery format


def test_every_answer_to_a_token_url_carries_the_same_private_headers(client, show, token):
    """One set of private headers for the partner exchange; each answer keeps its own caching."""
    from hub.partners.access import PRIVATE_HEADERS

    assert PRIVATE_HEADERS == {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}
    episode = make_episode(show)
    base = f"/feeds/partners/{token[1]}"
    answers = {
        "feed": feed(client, token[1]),
        "download": client.get(f"{base}/episodes/{episode.pk}.wav"),
        "takedown list": client.get(f"{base}/takedowns.json"),
    }
    for name, response in answers.items():
        assert response.status_code == 200, name
        for header, value in PRIVATE_HEADERS.items():
            assert response[header] == value, (name, header)
    assert answers["feed"]["Cache-Control"] == "private, max-age=0, must-revalidate"
    assert answers["download"]["Cache-Control"] == "private, no-store"
    assert answers["takedown list"]["Cache-Control"] == "private, no-store"
