"""The public show feed carries every must and should tag of STANDARDS.md whose data exists."""

import html
import uuid
from datetime import timedelta
from email.utils import parsedate_to_datetime

import feedparser
import podcastparser
import pytest
from django.utils import timezone
from lxml import etree

from hub.feeds.guid import PODCAST_GUID_NAMESPACE
from hub.radio.models import EpisodePage, ShowPage

from .conftest import fresh, make_episode, publish, rich_episode

pytestmark = pytest.mark.django_db

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
PSC = "{http://podlove.org/simple-chapters}"


def get_feed(client, show):
    response = client.get(f"/feeds/shows/{show.pk}.xml")
    assert response.status_code == 200
    return response


def channel_of(response):
    return etree.fromstring(response.content).find("channel")


def test_channel_must_tags(client, show):
    make_episode(show)
    response = get_feed(client, show)
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = channel_of(response)
    assert channel.findtext("title") == show.title
    assert channel.findtext("description") == show.description
    assert len(channel.findtext("description").encode()) <= 4000
    assert channel.findtext("link") == "http://testserver" + show.get_url()
    assert channel.findtext("language") == "en"
    image = channel.find(f"{ITUNES}image")
    assert image is not None and image.get("href").startswith("http://testserver/")
    category = channel.find(f"{ITUNES}category")
    assert category.get("text") == "Society & Culture"
    assert category.find(f"{ITUNES}category").get("text") == "Documentary"
    assert channel.findtext(f"{ITUNES}explicit") == "false"
    self_link = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [link.get("href") for link in self_link] == [f"http://testserver/feeds/shows/{show.pk}.xml"]


def test_channel_should_tags(client, show, settings):
    settings.HUB_WEBSUB_HUB = "https://websub.example.org/"
    ShowPage.objects.filter(pk=show.pk).update(
        funding_url="https://example.org/donate", funding_text="Support us", copyright="© 2026 FREIRAD"
    )
    show = publish(fresh(show))
    make_episode(show)
    channel = channel_of(get_feed(client, show))
    assert channel.findtext(f"{ITUNES}author") == "FREIRAD"
    owner = channel.find(f"{ITUNES}owner")
    assert owner.findtext(f"{ITUNES}name") == "FREIRAD"
    assert owner.findtext(f"{ITUNES}email") == "podcast@example.org"
    assert channel.findtext(f"{ITUNES}type") == "episodic"
    assert channel.findtext("copyright") == "© 2026 FREIRAD"
    locked = channel.find(f"{PODCAST}locked")
    assert locked.text == "yes" and locked.get("owner") == "podcast@example.org"
    assert channel.findtext(f"{PODCAST}guid") == str(fresh(show).podcast_guid)
    licence = channel.find(f"{PODCAST}license")
    assert licence.text == "cc-by-4.0"
    assert licence.get("url") == "https://creativecommons.org/licenses/by/4.0/"
    funding = channel.find(f"{PODCAST}funding")
    assert funding.text == "Support us" and funding.get("url") == "https://example.org/donate"
    assert channel.findtext(f"{PODCAST}medium") == "podcast"
    hubs = [link.get("href") for link in channel.findall(f"{ATOM}link") if link.get("rel") == "hub"]
    assert hubs == ["https://websub.example.org/"]


def test_a_long_description_is_cut_to_4000_bytes(client, show):
    """Apple's limit is in bytes: Arabic takes two per letter, and escaped markup takes more."""
    long = ("وصف طويل جدا <b>&</b> " * 400).strip()
    ShowPage.objects.filter(pk=show.pk).update(description=long)
    show = publish(fresh(show))
    make_episode(show)
    description = channel_of(get_feed(client, show)).findtext("description")
    assert 3900 < len(description.encode()) <= 4000
    assert description.endswith("…")
    assert long.startswith(html.unescape(description[:-1]))  # the description is escaped HTML of the text


def test_artwork_is_a_square_rgb_jpeg_of_1400_pixels(client, show):
    """The source may be any size above 1400 px, any ratio, with transparency: apps get what Apple wants."""
    from io import BytesIO

    import wagtail_factories
    from django.core.files.storage import default_storage
    from PIL import Image as PILImage

    source = wagtail_factories.ImageFactory(
        width=2400, height=1800, file__from_func=lambda: _png_with_alpha(2400, 1800)
    )
    ShowPage.objects.filter(pk=show.pk).update(artwork=source)
    show = publish(fresh(show))
    href = channel_of(get_feed(client, show)).find(f"{ITUNES}image").get("href")
    assert href.startswith("http://testserver/media/") and href.endswith((".jpg", ".jpeg"))
    with default_storage.open(href.removeprefix("http://testserver/media/")) as handle:
        image = PILImage.open(BytesIO(handle.read()))
        assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (1400, 1400))


def _png_with_alpha(width, height):
    from io import BytesIO

    from PIL import Image as PILImage

    buffer = BytesIO()
    PILImage.new("RGBA", (width, height), (200, 30, 30, 128)).save(buffer, "PNG")
    return BytesIO(buffer.getvalue())


def test_no_hub_link_without_a_hub(client, show, settings):
    settings.HUB_WEBSUB_HUB = ""
    channel = channel_of(get_feed(client, show))
    assert all(link.get("rel") != "hub" for link in channel.findall(f"{ATOM}link"))


def test_item_tags(client, show):
    episode = rich_episode(show)
    channel = channel_of(get_feed(client, show))
    item = next(i for i in channel.findall("item") if i.findtext("title") == episode.title)
    renditions = {r.preset: r for r in episode.audio.renditions.all()}
    mp3, opus = renditions["podcast-mp3"], renditions["lowband-opus"]

    assert item.findtext("guid") == f"urn:hub:episode:{episode.translation_key}:{episode.locale_id}"
    assert item.find("guid").get("isPermaLink") == "false"
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == f"http://testserver/feeds/episodes/{episode.pk}.mp3"
    assert enclosure.get("length") == str(mp3.size_bytes) != "0"
    assert enclosure.get("type") == "audio/mpeg"
    assert item.findtext("link") == "http://testserver" + episode.get_url()
    assert parsedate_to_datetime(item.findtext("pubDate")).date() == episode.publication_date
    assert item.findtext("description") == "<p>Volunteers run a food bank.</p><p>Second paragraph.</p>"
    assert item.findtext(f"{CONTENT}encoded") == "<p>Show notes.</p>"
    assert item.findtext(f"{ITUNES}duration") == "61"
    assert item.findtext(f"{ITUNES}explicit") == "false"
    assert item.findtext(f"{ITUNES}episode") == "7"
    assert item.findtext(f"{ITUNES}season") == "2"
    assert item.findtext(f"{ITUNES}episodeType") == "full"
    assert item.findtext(f"{PODCAST}season") == "2"
    assert item.findtext(f"{PODCAST}episode") == "7"

    transcripts = [
        (t.get("type"), t.get("language"), t.get("rel"), t.get("url")) for t in item.findall(f"{PODCAST}transcript")
    ]
    transcript_id = episode.transcripts.get().pk
    base = f"http://testserver/feeds/episodes/{episode.pk}/transcripts/{transcript_id}"
    assert transcripts == [
        ("text/vtt", "en", "captions", f"{base}.vtt"),
        ("application/x-subrip", "en", "captions", f"{base}.srt"),
        ("application/json", "en", None, f"{base}.json"),
    ]
    chapters = item.find(f"{PODCAST}chapters")
    assert chapters.get("url") == f"http://testserver/feeds/episodes/{episode.pk}/chapters.json"
    assert chapters.get("type") == "application/json+chapters"
    psc = [(c.get("start"), c.get("title")) for c in item.find(f"{PSC}chapters").findall(f"{PSC}chapter")]
    assert psc == [("00:00:00.000", "Intro"), ("00:00:30.000", "The kitchen")]
    soundbite = item.find(f"{PODCAST}soundbite")
    assert (soundbite.get("startTime"), soundbite.get("duration"), soundbite.text) == ("12", "30", "The first day")
    persons = [(p.text, p.get("role"), p.get("group"), p.get("href")) for p in item.findall(f"{PODCAST}person")]
    assert persons == [
        ("Amina K.", "host", "cast", "https://example.org/amina"),
        ("Marco R.", "translator", "writing", None),
    ]
    location = item.find(f"{PODCAST}location")
    assert (location.text, location.get("country"), location.get("rel")) == ("Innsbruck, Austria", "at", "creator")
    alternates = item.findall(f"{PODCAST}alternateEnclosure")
    assert [(a.get("type"), a.get("default"), a.get("length")) for a in alternates] == [
        ("audio/mpeg", "true", str(mp3.size_bytes)),
        ("audio/ogg", None, str(opus.size_bytes)),
    ]
    assert alternates[1].get("codecs") == "opus"
    assert alternates[1].find(f"{PODCAST}source").get("uri") == f"http://testserver/feeds/episodes/{episode.pk}.opus"


def test_episode_without_rendition_is_left_out(client, show):
    make_episode(show, presets=(), title="Not rendered yet")
    make_episode(show, title="Rendered")
    titles = [item.findtext("title") for item in channel_of(get_feed(client, show)).findall("item")]
    assert "Rendered" in titles and "Not rendered yet" not in titles


def test_draft_and_embargoed_episodes_stay_out(client, show):
    make_episode(show, title="Draft", live=False)
    make_episode(show, title="Embargoed", public_release_at=timezone.now() + timedelta(days=3))
    make_episode(show, title="Released", public_release_at=timezone.now() - timedelta(hours=1))
    titles = [item.findtext("title") for item in channel_of(get_feed(client, show)).findall("item")]
    assert "Released" in titles
    assert "Draft" not in titles and "Embargoed" not in titles


def test_embargoed_episode_page_is_not_public_yet(client, show):
    episode = make_episode(show, title="Embargoed", public_release_at=timezone.now() + timedelta(days=3))
    assert client.get(episode.get_url()).status_code == 404
    EpisodePage.objects.filter(pk=episode.pk).update(public_release_at=timezone.now() - timedelta(seconds=1))
    assert client.get(episode.get_url()).status_code == 200


def test_editors_can_preview_an_embargoed_episode(rf, show):
    episode = make_episode(show, public_release_at=timezone.now() + timedelta(days=3))
    request = rf.get(episode.url)
    request.is_preview = True
    assert episode.serve(request).status_code == 200


def test_items_are_newest_first(client, show):
    today = timezone.localdate()
    make_episode(show, title="Older", publication_date=today - timedelta(days=10))
    make_episode(show, title="Newer", publication_date=today - timedelta(days=1))
    titles = [item.findtext("title") for item in channel_of(get_feed(client, show)).findall("item")]
    assert titles.index("Newer") < titles.index("Older")


def test_podcast_guid_follows_the_rule_and_never_changes(show, settings):
    guid = fresh(show).podcast_guid
    expected = uuid.uuid5(PODCAST_GUID_NAMESPACE, f"localhost:8000/feeds/shows/{show.pk}.xml")
    assert settings.WAGTAILADMIN_BASE_URL == "http://localhost:8000"
    assert guid == expected
    settings.WAGTAILADMIN_BASE_URL = "https://elsewhere.example.org"
    page = fresh(show)
    page.title = "Renamed"
    page = publish(page)
    assert fresh(show).podcast_guid == guid


def test_every_translation_has_its_own_guid(site_tree):
    guids = {ShowPage.objects.get(pk=site_tree.page("show", code).pk).podcast_guid for code in ["en", "de", "ar"]}
    assert len(guids) == 3 and None not in guids


def test_a_moved_feed_answers_301(client, show):
    ShowPage.objects.filter(pk=show.pk).update(new_feed_url="https://new-host.example.org/feed.xml")
    publish(fresh(show))
    response = client.get(f"/feeds/shows/{show.pk}.xml")
    assert response.status_code == 301
    assert response["Location"] == "https://new-host.example.org/feed.xml"
    assert client.head(f"/feeds/shows/{show.pk}.xml").status_code == 301


def test_a_feed_that_moved_here_carries_new_feed_url(client, show):
    ShowPage.objects.filter(pk=show.pk).update(previous_feed_url="https://old-host.example.org/rss")
    publish(fresh(show))
    channel = channel_of(get_feed(client, show))
    assert channel.findtext(f"{ITUNES}new-feed-url") == f"http://testserver/feeds/shows/{show.pk}.xml"


def test_serial_show(client, show):
    ShowPage.objects.filter(pk=show.pk).update(show_type="serial")
    publish(fresh(show))
    make_episode(show, episode_number=3)
    channel = channel_of(get_feed(client, show))
    assert channel.findtext(f"{ITUNES}type") == "serial"
    assert all(item.findtext(f"{ITUNES}episode") for item in channel.findall("item"))


def test_every_language_has_its_feed(client, site_tree):
    for code in ["en", "de", "el", "it", "ar"]:
        show = site_tree.page("show", code)
        channel = channel_of(get_feed(client, show))
        assert channel.findtext("title") == show.title
        assert channel.findtext("language") == "en"  # the factory's spoken language
        assert channel.findtext("link").startswith(f"http://testserver/{code}/")


def test_unpublished_show_has_no_feed(client, site_tree):
    show = fresh(site_tree.page("show", "de"))
    assert client.get(f"/feeds/shows/{show.pk}.xml").status_code == 200
    show.unpublish()
    assert client.get(f"/feeds/shows/{show.pk}.xml").status_code == 404


def test_feedparser_reads_it_completely(client, show):
    rich_episode(show)
    make_episode(show, title="Plain")
    parsed = feedparser.parse(get_feed(client, show).content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == show.title
    assert {entry.title for entry in parsed.entries} >= {"Food bank in Innsbruck", "Plain"}
    for entry in parsed.entries:
        assert entry.enclosures and int(entry.enclosures[0].length) > 0
        assert entry.enclosures[0].type == "audio/mpeg"
        assert entry.id.startswith("urn:hub:episode:")


def test_podcastparser_reads_it_completely(client, show):
    episode = rich_episode(show)
    parsed = podcastparser.parse(f"http://testserver/feeds/shows/{show.pk}.xml", _stream(get_feed(client, show)))
    assert parsed["title"] == show.title
    found = next(e for e in parsed["episodes"] if e["title"] == episode.title)
    mp3 = episode.audio.renditions.get(preset="podcast-mp3")
    assert found["enclosures"][0]["file_size"] == mp3.size_bytes
    assert found["enclosures"][0]["mime_type"] == "audio/mpeg"
    assert found["total_time"] == 61
    assert [(c["start"], c["title"]) for c in found["chapters"]] == [(0, "Intro"), (30, "The kitchen")]
    assert found["guid"].startswith("urn:hub:episode:")


def _stream(response):
    import io

    return io.BytesIO(response.content)


def test_show_artwork_under_1400_pixels_is_refused(show):
    import wagtail_factories
    from django.core.exceptions import ValidationError

    show.artwork = wagtail_factories.ImageFactory(file__width=1000, file__height=1600)
    with pytest.raises(ValidationError, match="1400 by 1400") as refused:
        show.full_clean()
    assert "artwork" in refused.value.message_dict
    show.artwork = wagtail_factories.ImageFactory(file__width=2400, file__height=1800)
    show.full_clean()  # the feed crops it square
