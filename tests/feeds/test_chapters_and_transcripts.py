"""Chapters as JSON chapters 1.2.0; transcripts served as uploaded, converted, and as JSON."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import ValidationError

from hub.feeds import transcripts
from hub.feeds.forms import TranscriptUploadField
from hub.radio.models import EpisodeTranscript

from .conftest import VTT, make_episode, rich_episode

pytestmark = pytest.mark.django_db

SRT = """1
00:00:00,000 --> 00:00:02,500
Welcome to the show.

2
00:00:02,500 --> 00:00:05,000
<i>Thank you</i> and hello.
"""


def test_chapters_json(client, show):
    episode = rich_episode(show)
    response = client.get(f"/feeds/episodes/{episode.pk}/chapters.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.content) == {
        "version": "1.2.0",
        "chapters": [
            {"startTime": 0, "title": "Intro", "url": "https://example.org/intro"},
            {"startTime": 30, "title": "The kitchen", "toc": False},
        ],
    }
    assert client.get(response.request["PATH_INFO"], headers={"If-None-Match": response["ETag"]}).status_code == 304


def test_no_chapters_no_file(client, show):
    episode = make_episode(show)
    assert client.get(f"/feeds/episodes/{episode.pk}/chapters.json").status_code == 404


def test_transcript_formats(client, show):
    episode = rich_episode(show)
    transcript = episode.transcripts.get()
    base = f"/feeds/episodes/{episode.pk}/transcripts/{transcript.pk}"

    vtt = client.get(base + ".vtt")
    assert vtt["Content-Type"] == "text/vtt; charset=utf-8"
    assert vtt.content.decode() == VTT  # as uploaded

    srt = client.get(base + ".srt")
    assert srt["Content-Type"] == "application/x-subrip; charset=utf-8"
    assert srt.content.decode().splitlines()[:3] == [
        "1",
        "00:00:00,000 --> 00:00:02,500",
        "Amina: Welcome to the show.",
    ]
    assert transcripts.parse(srt.content.decode())[0] == "srt"

    data = json.loads(client.get(base + ".json").content)
    assert data == {
        "version": "1.0.0",
        "segments": [
            {"speaker": "Amina", "startTime": 0.0, "endTime": 2.5, "body": "Welcome to the show."},
            {"speaker": "Marco", "startTime": 2.5, "endTime": 5.0, "body": "Thank you & hello."},
        ],
    }
    assert client.get(base + ".txt").status_code == 404


def test_srt_upload_is_served_as_srt_and_converted_to_vtt(client, show):
    episode = make_episode(show)
    transcript = EpisodeTranscript.objects.create(episode=episode, content=SRT)
    assert transcript.format == "srt"
    base = f"/feeds/episodes/{episode.pk}/transcripts/{transcript.pk}"
    assert client.get(base + ".srt").content.decode() == SRT
    vtt = client.get(base + ".vtt").content.decode()
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nWelcome to the show.\n")
    assert "Thank you and hello." in vtt  # inline styling is not carried over
    assert transcripts.parse(vtt)[0] == "vtt"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no cues"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nBackwards\n", "ends before it starts"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nA\n\n00:00:01.000 --> 00:00:02.000\nB\n", "time order"),
        ("WEBVTT\n\n0:0:1 --> 0:0:2\nBad timing\n", "not valid WebVTT"),
        ("Hello, this is a letter,\nnot a transcript.\n", "neither WebVTT nor SRT"),
        ("1\n00:00:01,000 -> 00:00:02,000\nBad arrow\n", "neither WebVTT nor SRT"),
    ],
)
def test_invalid_transcripts_are_refused_on_upload(text, message):
    field = TranscriptUploadField()
    with pytest.raises(ValidationError, match=message):
        field.clean(SimpleUploadedFile("t.vtt", text.encode()))


def test_upload_field_reports_the_line():
    field = TranscriptUploadField()
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nFine\n\n00:00:03.000 --> 00:00:02.500\nBroken\n"
    with pytest.raises(ValidationError) as caught:
        field.clean(SimpleUploadedFile("t.vtt", text.encode()))
    assert "line 6" in str(caught.value)


def test_upload_field_decodes_utf8_with_bom_and_utf16():
    field = TranscriptUploadField()
    arabic = "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n\u0645\u0631\u062d\u0628\u0627 \u200f\u0628\u0643\u0645\n"
    assert field.clean(SimpleUploadedFile("a.vtt", b"\xef\xbb\xbf" + arabic.encode())) == arabic
    assert field.clean(SimpleUploadedFile("a.vtt", arabic.encode("utf-16"))) == arabic
    with pytest.raises(ValidationError, match="not UTF-8"):
        field.clean(SimpleUploadedFile("a.srt", "1\n00:00:00,000 --> 00:00:01,000\nCafé\n".encode("latin-1")))


def test_upload_field_keeps_the_current_transcript_without_a_new_file():
    field = TranscriptUploadField()
    assert field.clean(None, initial=VTT) == VTT
    with pytest.raises(ValidationError):
        field.clean(None, initial="")


def test_transcript_upload_through_the_page_editor(admin_client, show):
    """The editor uploads a file in the inline panel; the page is published with it."""
    episode = make_episode(show)
    edit_url = f"/admin/pages/{episode.pk}/edit/"
    form = admin_client.get(edit_url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or isinstance(value, list | tuple):
            continue
        data[name] = value
    data.update(
        {
            "show_notes": '{"blocks": [{"key": "a", "type": "unstyled", "text": "Notes", "depth": 0, '
            '"inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}}',
            "audio": episode.audio_id,
            "publication_date": episode.publication_date.isoformat(),
            "action-publish": "action-publish",
        }
    )
    for prefix in form.formsets:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MIN_NUM_FORMS": 0})
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
    data.update({"transcripts-TOTAL_FORMS": 1, "transcripts-0-language": "en", "transcripts-0-ORDER": 1})
    bad = dict(data, **{"transcripts-0-content": SimpleUploadedFile("t.srt", b"not a transcript")})
    response = admin_client.post(edit_url, bad)
    assert response.status_code == 200
    assert "neither WebVTT nor SRT" in response.content.decode()
    assert not EpisodeTranscript.objects.filter(episode=episode).exists()

    good = dict(data, **{"transcripts-0-content": SimpleUploadedFile("t.srt", SRT.encode())})
    response = admin_client.post(edit_url, good)
    assert response.status_code == 302, response.content.decode()[:2000]
    transcript = EpisodeTranscript.objects.get(episode=episode)
    assert (transcript.content, transcript.format, transcript.language) == (SRT, "srt", "en")
