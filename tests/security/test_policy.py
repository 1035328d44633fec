"""hub.access.policy answers for every kind of object, and refuses whatever it does not know."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from hub.access.policy import PARTNER, PODCAST, WEBSITE, Evidence, Peaks, Viewer, may_see
from hub.radio.models import EpisodeChapter, EpisodeTranscript

pytestmark = pytest.mark.django_db

PUBLIC = {"released"}
FOR_PARTNERS = {"partner-only", "released", "private"}


def anonymous():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return Viewer.of(request)


@pytest.mark.parametrize("channel", [WEBSITE, PODCAST])
def test_pages_assets_renditions_and_peaks_for_the_public(world, channel):
    for state, episode in world.episodes.items():
        viewer = anonymous()
        allowed = state in PUBLIC
        assert bool(may_see(viewer, episode, channel)) == allowed, state
        assert bool(may_see(viewer, episode.audio, channel)) == allowed, state
        assert bool(may_see(viewer, Peaks(episode.audio), channel)) == allowed, state
        for rendition in episode.audio.renditions.all():
            public_preset = rendition.preset != "broadcast-wav"
            assert bool(may_see(viewer, rendition, channel)) == (allowed and public_preset), (state, rendition)


def test_chapters_and_transcripts_follow_their_episode(world):
    for state, episode in world.episodes.items():
        chapter = EpisodeChapter(episode=episode, title="Intro", start=0)
        transcript = EpisodeTranscript(episode=episode, language="en", content="WEBVTT\n")
        for row in (chapter, transcript):
            assert bool(may_see(Viewer(), row, PODCAST)) == (state in PUBLIC), (state, row)


def test_partners_get_their_window_and_nothing_else(world):
    from hub.partners.models import PartnerFeedToken

    own = Viewer.of_partner(world.partner)
    other = Viewer.of_partner(PartnerFeedToken.authenticate(world.other_token).partner)
    for state, episode in world.episodes.items():
        wav = episode.audio.renditions.filter(preset="broadcast-wav").first()
        if wav is None:
            assert state == "withdrawn", "only a takedown deletes files"
            assert not may_see(own, episode, PARTNER)
            continue
        assert bool(may_see(own, episode, PARTNER)) == (state in FOR_PARTNERS), state
        assert bool(may_see(own, wav, PARTNER)) == (state in FOR_PARTNERS), state
        assert not may_see(other, episode, PARTNER)
        assert not may_see(other, wav, PARTNER)
        assert not may_see(Viewer(), episode, PARTNER), "no partner, no partner channel"


def test_documents_and_evidence(world):
    viewer = anonymous()
    assert may_see(viewer, world.documents["public"])
    assert not may_see(viewer, world.documents["private"])
    assert not may_see(viewer, world.documents["public"], PODCAST)
    assert not may_see(viewer, world.record)
    assert not may_see(Viewer(user=world.users["editor"]), Evidence(world.record))
    assert may_see(Viewer(user=world.users["officer"]), Evidence(world.record))


def test_unknown_objects_channels_and_broken_rules_are_refused(world, monkeypatch):
    episode = world.episodes["released"]
    assert may_see(Viewer(), episode, PODCAST)
    assert not may_see(Viewer(), object())
    assert not may_see(Viewer(), "a string")
    assert not may_see(Viewer(), None)
    assert not may_see(None, episode)
    assert not may_see(Viewer(), episode, "carrier-pigeon")
    decision = may_see(Viewer(), world.show.get_parent().get_parent().specific.__class__)  # a class, not an object
    assert not decision and "no rule" in decision.reason

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("hub.consent.gates.cleared_for", broken)
    decision = may_see(Viewer(), episode, PODCAST)
    assert not decision and "failed" in decision.reason


def test_withdrawal_release_and_unpublish_change_the_answer_at_once(world, client):
    from datetime import timedelta

    from django.utils import timezone

    from hub.radio.models import EpisodePage

    episode = world.episodes["partner-only"]
    url = f"/audio/{episode.audio.pk}/podcast-mp3.mp3"
    assert client.get(url).status_code == 404
    EpisodePage.objects.filter(pk=episode.pk).update(public_release_at=timezone.now() - timedelta(seconds=1))
    assert client.get(url).status_code == 200, "the embargo ended: the very next request is served"
    EpisodePage.objects.get(pk=episode.pk).unpublish()
    assert client.get(url).status_code == 404, "unpublished: refused at once"


def test_a_database_outage_in_a_rule_is_no_answer_rather_than_a_refusal(world):
    """The error reaches the caller (a remembered decision or a 503), never a 404 for a released episode."""
    from django.db import OperationalError, connection

    episode = world.episodes["released"]

    def database_gone(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(database_gone), pytest.raises(OperationalError):
        may_see(Viewer(), episode, PODCAST)
