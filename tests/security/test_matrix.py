"""Every public, partner and file route, for each kind of object in each state, for each viewer.

The world (conftest.py) holds episodes that are a draft, under embargo (partners later), for
partners only (partner window open, public release later), released, taken down after a consent
withdrawal, and private (a Wagtail view restriction); stories that clip each one's audio; a
document in a public and one in a private collection; a partner subscribed to the show and one
that is not. Viewers: anonymous visitors (listeners), a partner token of another partner, an
editor of another organisation, a moderator.
"""

from urllib.parse import quote

import pytest

from .conftest import STATES

pytestmark = pytest.mark.django_db

VIEWERS = (None, "editor", "moderator")
PUBLIC_ROUTES = ("page", "embed", "oembed", "enclosure-mp3", "enclosure-opus", "audio-mp3", "audio-opus", "audio-wav")


def _urls(world, state):
    episode = world.episodes[state]
    asset = episode.audio
    page_url = f"/en/radio/voices/{episode.slug}/"
    return {
        "page": page_url,
        "embed": f"/embed/episode/{episode.pk}/",
        "oembed": "/oembed/?url=" + quote(f"http://testserver{page_url}", safe=""),
        "enclosure-mp3": f"/feeds/episodes/{episode.pk}.mp3",
        "enclosure-opus": f"/feeds/episodes/{episode.pk}.opus",
        "audio-mp3": f"/audio/{asset.pk}/podcast-mp3.mp3",
        "audio-opus": f"/audio/{asset.pk}/lowband-opus.opus",
        "audio-wav": f"/audio/{asset.pk}/broadcast-wav.wav",
    }


def expected_public(state: str, route: str, viewer: str | None) -> set[int]:
    """What a viewer gets from a public route: only released audio, on public channels."""
    if viewer == "moderator" and route.startswith("audio-") and state != "withdrawn":
        return {200}  # a superuser previews any audio that has files
    if state == "private" and viewer is not None and route in ("page", "audio-mp3", "audio-opus"):
        return {200}  # a login restriction: any logged-in user may see the page, and hear it there
    if state == "released":
        return {404} if route == "audio-wav" else {200}
    if state == "private" and route == "page":
        return {302}  # Wagtail's view restriction: the login page for visitors
    return {404}


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("state", STATES)
def test_public_routes(world, client, state, viewer):
    if viewer is not None:
        client.force_login(world.users[viewer])
    for route, url in _urls(world, state).items():
        response = client.get(url)
        assert response.status_code in expected_public(state, route, viewer), (state, route, viewer, url)
        head = client.head(url)
        assert head.status_code == response.status_code, ("HEAD", state, route, viewer)
        if route.startswith(("audio-", "enclosure-")) and response.status_code == 200:
            rendition = next(r for r in world.episodes[state].audio.renditions.all() if url.endswith(r.extension))
            assert int(response["Content-Length"]) == rendition.size_bytes
            assert response["ETag"] == f'"{rendition.sha256[:32]}"'
            if viewer is not None and route.startswith("audio-"):
                assert response["Cache-Control"] == "private, no-store", "no shared cache keeps a user's answer"
            elif route.startswith("enclosure-"):
                assert response["Cache-Control"] == "public, no-cache", "caches must ask again (takedowns)"


@pytest.mark.parametrize("state", STATES)
def test_story_clips_play_only_what_may_be_heard(world, client, state):
    story = world.stories[state]
    response = client.get(f"/en/stories/{story.slug}/")
    assert response.status_code == 200, story.url_path
    asset = world.episodes[state].audio
    html = response.content.decode()
    heard = f"/audio/{asset.pk}/" in html
    assert heard == (state == "released"), state
    for rendition in asset.renditions.all():
        assert rendition.file.name not in html, "no storage name ever reaches a page"


@pytest.mark.parametrize("state", STATES)
def test_partner_downloads(world, client, state):
    episode = world.episodes[state]
    own = client.get(f"/feeds/partners/{world.token}/episodes/{episode.pk}.wav")
    assert own.status_code == (200 if state in ("partner-only", "released", "private") else 404), state
    other = client.get(f"/feeds/partners/{world.other_token}/episodes/{episode.pk}.wav")
    assert other.status_code == 404, "a partner token of another partner gets nothing"
    assert client.get(f"/feeds/partners/{world.other_token}/episodes/{episode.pk}.mp3").status_code == 404


def test_feeds_list_only_what_each_reader_may_have(world, client):
    show_feed = client.get(f"/feeds/shows/{world.show.pk}.xml").content.decode()
    partner_feed = client.get(f"/feeds/partners/{world.token}/feed.xml").content.decode()
    other_feed = client.get(f"/feeds/partners/{world.other_token}/feed.xml")
    sitemap = client.get("/sitemap.xml").content.decode()
    for state, episode in world.episodes.items():
        enclosure = f"/feeds/episodes/{episode.pk}.mp3"
        assert (enclosure in show_feed) == (state == "released"), state
        assert (f"/episodes/{episode.pk}.wav" in partner_feed) == (state in ("partner-only", "released", "private"))
        assert (f"/voices/{episode.slug}/" in sitemap) == (state == "released"), state
        assert episode.title not in other_feed.content.decode()
    assert "/media/audio/" not in show_feed + partner_feed, "feeds link the hub's routes, never the storage"


@pytest.mark.parametrize("viewer", VIEWERS)
def test_search_finds_only_what_the_viewer_may_see(world, client, viewer):
    """Released episodes for everyone; the private one (a login restriction) for logged-in users only."""
    if viewer is not None:
        client.force_login(world.users[viewer])
    for state, episode in world.episodes.items():
        html = client.get("/en/search/", {"q": episode.title}).content.decode()
        found = state == "released" or (state == "private" and viewer is not None)
        assert (f"/voices/{episode.slug}/" in html) == found, (state, viewer)


@pytest.mark.parametrize("viewer", (None, "editor", "moderator", "officer"))
def test_documents(world, client, viewer):
    if viewer is not None:
        client.force_login(world.users[viewer])
    for kind, document in world.documents.items():
        response = client.get(document.url)
        if kind == "public" or viewer is not None:
            assert response.status_code == 200, (kind, viewer)
            assert b"".join(response.streaming_content).startswith(b"%PDF-1.4 " + kind.encode())
        else:
            assert response.status_code in (302, 404), "a private collection's document asks for a login"
            assert not getattr(response, "streaming", False)
        assert client.get(f"/media/{document.file.name}").status_code == 404, "never raw under /media/"


@pytest.mark.parametrize("viewer", (None, "editor", "moderator", "officer"))
def test_evidence(world, client, viewer):
    if viewer is not None:
        client.force_login(world.users[viewer])
    record = world.record
    assert "Layla" not in record.evidence.name, "evidence keeps no guessable name"
    response = client.get(f"/admin/consent/{record.pk}/evidence/")
    if viewer in ("officer", "moderator"):
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 consent of Layla"
    else:
        assert response.status_code in (302, 403), viewer
    assert client.get(f"/media/{record.evidence.name}").status_code == 404
