"""The episode player without JavaScript, and the data behind it (peaks, chapters, transcript)."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import translation

from hub.access.views import audio_url
from hub.ops.storage import private_storage
from hub.radio.player import (
    clock,
    episode_chapters,
    episode_transcript_cues,
    iso_duration,
    parse_json_chapters,
    parse_json_transcript,
    parse_timed_text,
    reduce_peaks,
    waveform_peaks,
)
from tests.site.conftest import AUDIO_SECONDS, CHAPTERS

pytestmark = pytest.mark.django_db


def episode_html(client, rich_site, language="en", query=""):
    response = client.get(rich_site.page("episode", language).get_url() + query)
    assert response.status_code == 200
    return response.content.decode()


# --- pure functions ------------------------------------------------------------------------


def test_webvtt_cues_keep_speakers_and_drop_markup():
    cues = parse_timed_text(
        "WEBVTT\n\nNOTE a comment\n\n1\n00:00:01.500 --> 00:00:04.000 align:start\n"
        "<v Amina>Hello <i>there</i> &amp; welcome\n\n"
        "00:01:02.000 --> 00:01:05.250\nSecond line\ncontinues\n"
    )
    assert cues == [
        {"start": 1.5, "end": 4.0, "text": "Amina: Hello there & welcome"},
        {"start": 62.0, "end": 65.25, "text": "Second line continues"},
    ]


def test_srt_cues():
    cues = parse_timed_text(
        "1\r\n00:00:00,000 --> 00:00:02,500\r\nمرحبا\r\n\r\n2"  # noqa: RUF001 - Arabic text
        "\r\n01:00:00,000 --> 01:00:01,000\r\nEnd\r\n"
    )
    assert cues == [{"start": 0.0, "end": 2.5, "text": "مرحبا"}, {"start": 3600.0, "end": 3601.0, "text": "End"}]


def test_json_transcript_words_are_joined_into_lines():
    text = json.dumps(
        {
            "version": "1.0.0",
            "segments": [
                {"startTime": 0.0, "endTime": 0.4, "body": "Hello"},
                {"startTime": 0.4, "endTime": 0.9, "body": "world."},
                {"startTime": 1.0, "endTime": 1.5, "body": "Next"},
            ],
        }
    )
    assert parse_json_transcript(text) == [
        {"start": 0.0, "end": 0.9, "text": "Hello world."},
        {"start": 1.0, "end": 1.5, "text": "Next"},
    ]


def test_json_chapters_skip_silent_markers():
    text = json.dumps(
        {
            "version": "1.2.0",
            "chapters": [
                {"startTime": 90, "title": "Two"},
                {"startTime": 0, "title": "One"},
                {"startTime": 30, "title": "Image change", "toc": False},
            ],
        }
    )
    assert parse_json_chapters(text) == [{"start": 0.0, "title": "One"}, {"start": 90.0, "title": "Two"}]


def test_clock_and_iso_duration():
    assert clock(5) == "0:05" and clock(65.9) == "1:05" and clock(3725) == "1:02:05"
    assert iso_duration(3725) == "PT1H2M5S" and iso_duration(9.4) == "PT9S"


def test_peaks_are_folded_to_the_loudest_sample_of_each_span():
    # audiowaveform v2, 2 channels, 8 bits: per pixel [min L, max L, min R, max R]
    data = {"version": 2, "channels": 2, "bits": 8, "data": [0, 10, -5, 5] * 3 + [-127, 20, 0, 0] + [0, 1, 0, 1] * 4}
    assert reduce_peaks(data, points=2) == [round(127 / 127, 3), round(1 / 127, 3)]
    assert reduce_peaks({"channels": 1, "bits": 16, "data": [-32767, 16383]}, points=10) == [1.0]
    assert reduce_peaks({"data": []}) == []


# --- the episode's data --------------------------------------------------------------------


def test_chapters_and_cues_come_from_the_episode(rich_site):
    episode = rich_site.page("episode")
    assert episode_chapters(episode) == [{"start": start, "title": title} for start, title in CHAPTERS]
    cues = episode_transcript_cues(episode)
    assert [cue["start"] for cue in cues] == [0.0, 3.0, 6.0]
    assert cues[0]["text"] == "Amina: Welcome to the language café in Piraeus."


def test_silent_chapter_rows_are_not_listed(rich_site):
    from hub.radio.models import EpisodeChapter

    episode = rich_site.page("episode")
    EpisodeChapter.objects.create(episode=episode, start=timedelta(seconds=4), title="Image only", toc=False)
    assert "Image only" not in [chapter["title"] for chapter in episode_chapters(episode)]


def test_waveform_comes_from_the_pipelines_peaks_file(rich_site):
    audio = rich_site.audio
    with private_storage().open(audio.peaks.name) as handle:
        raw = json.load(handle)
    assert raw["version"] == 2 and raw["length"] > 100
    peaks = waveform_peaks(audio)
    assert peaks == reduce_peaks(raw)
    assert 100 < len(peaks) <= 600
    assert all(0 <= value <= 1 for value in peaks) and max(peaks) > 0.2


# --- the page without JavaScript -----------------------------------------------------------


def test_plain_player_plays_mp3_first_with_opus_as_alternative(rich_site, client):
    html = episode_html(client, rich_site)
    mp3 = audio_url(rich_site.audio.podcast_rendition)
    opus = audio_url(rich_site.audio.opus_rendition)
    audio = re.search(r"<audio controls preload=\"none\" data-audio>(.*?)</audio>", html, re.S).group(1)
    sources = re.findall(r'<source src="([^"]+)" type="([^"]+)">', audio)
    assert sources == [(mp3, "audio/mpeg"), (opus, "audio/ogg; codecs=opus")]
    assert f'<a href="{mp3}" download>MP3' in html and f'<a href="{opus}" download>Opus' in html


def test_low_bandwidth_switch_works_without_javascript(rich_site, client):
    html = episode_html(client, rich_site)
    form = re.search(r'<form class="player-lowband" method="get" action="([^"]+)">(.*?)</form>', html, re.S)
    assert form.group(1) == rich_site.page("episode").get_url() + "#player"
    assert 'name="audio" value="low"' in form.group(2) and "checked" not in form.group(2)
    low = episode_html(client, rich_site, query="?audio=low")
    sources = re.findall(r'<source src="[^"]+" type="([^"]+)">', low)
    assert sources == ["audio/ogg; codecs=opus", "audio/mpeg"]
    assert re.search(r'name="audio" value="low" checked', low)


def test_chapters_and_transcript_are_plain_links_to_media_fragments(rich_site, client):
    html = episode_html(client, rich_site)
    mp3 = audio_url(rich_site.audio.podcast_rendition)
    chapters = html.split('id="chapters-heading"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="([^"]+)" data-seek="([^"]+)"><span class="time" dir="ltr">([^<]+)</span>', chapters)
    assert links == [(f"{mp3}#t=0", "0", "0:00"), (f"{mp3}#t=3", "3", "0:03"), (f"{mp3}#t=6", "6", "0:06")]
    transcript = html.split('id="transcript-heading"')[1].split("</section>")[0]
    assert 'tabindex="0" role="region"' in transcript, "the scrolling transcript is reachable by keyboard"
    cues = re.findall(
        r'<li class="cue" data-start="([^"]+)" data-end="([^"]+)"><a class="time" dir="ltr" href="([^"]+)"', transcript
    )
    assert cues == [("0", "3", f"{mp3}#t=0"), ("3", "6", f"{mp3}#t=3"), ("6", "9", f"{mp3}#t=6")]
    assert "Every Tuesday neighbours meet to practise Greek." in transcript


def test_media_fragment_targets_are_served_with_ranges(rich_site, client):
    url = audio_url(rich_site.audio.podcast_rendition)
    response = client.get(url, headers={"Range": "bytes=0-1"})
    assert response.status_code == 206
    assert response["Content-Range"].startswith("bytes 0-1/")


def test_page_carries_waveform_data_and_duration(rich_site, client):
    html = episode_html(client, rich_site)
    figure = re.search(r'<figure class="player" id="player" data-player ([^>]+)>', html).group(1)
    assert f'data-duration="{AUDIO_SECONDS:g}"' in figure or 'data-duration="9' in figure
    peaks_id = re.search(r'data-peaks="([^"]+)"', figure).group(1)
    data = json.loads(
        re.search(rf'<script id="{peaks_id}" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert data == waveform_peaks(rich_site.audio)
    assert re.search(r'role="slider" tabindex="0"\s+aria-label="Playback position"', html)


def test_show_notes_contributors_and_related_stories(rich_site, client):
    html = episode_html(client, rich_site)
    assert '<h2 id="show-notes">Show notes</h2>' in html
    assert "Amina Y. [en]" in html.split('id="contributors"')[1]
    assert rich_site.page("story").get_url() in html.split('id="related-stories"')[1]


def test_arabic_episode_has_its_own_chapters(rich_site, client):
    html = episode_html(client, rich_site, "ar")
    assert '<html lang="ar" dir="rtl">' in html
    assert "Welcome [ar]" in html
    assert 'class="time" dir="ltr"' in html, "times read left to right inside Arabic text"


def test_episode_without_ready_audio_says_so(rich_site, client, django_capture_on_commit_callbacks):
    from hub.audio.factories import AudioAssetFactory

    episode = rich_site.page("episode", "it")
    episode.audio = AudioAssetFactory()  # ready, but no renditions yet
    with django_capture_on_commit_callbacks(execute=True):  # the page cache is purged on commit
        episode.save_revision().publish()
    html = client.get(episode.get_url()).content.decode()
    assert "<audio" not in html
    with translation.override("it"):  # the page speaks Italian
        assert translation.gettext("The audio of this episode is not available yet.") in html


def test_transcript_can_be_downloaded(rich_site, client):
    html = episode_html(client, rich_site)
    links = re.findall(r'<a href="([^"]+)" download>(WebVTT|SRT)</a>', html.split('class="transcript-files"')[1])
    assert [label for _url, label in links] == ["WebVTT", "SRT"]
    vtt = client.get(links[0][0])
    assert vtt.status_code == 200 and vtt.content.decode().startswith("WEBVTT")
    assert "Every Tuesday neighbours meet" in client.get(links[1][0]).content.decode()
