"""A public site worth browsing: the one-page-per-type tree of tests/conftest.py, plus themes,
partners, spoken languages, more stories, and an episode whose audio went through the real
pipeline (renditions and waveform peaks), with chapters, a transcript and contributors.
"""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.files import File
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections, transaction
from django.test.testcases import LiveServerThread
from wagtail.models import Locale, Page, Site

from hub.audio.models import AudioAsset, AudioStatus
from hub.audio.tasks import run_processing
from hub.campaigns.factories import CampaignIndexPageFactory, CampaignPageFactory
from hub.campaigns.models import CampaignPlace
from hub.core.factories import HomePageFactory, StandardPageFactory
from hub.core.models import Language
from hub.ops.storage import private_storage
from hub.partners.factories import PartnerOrganisationFactory
from hub.radio.factories import ContributorFactory, EpisodePageFactory, RadioIndexPageFactory, ShowPageFactory
from hub.radio.models import ContributorRole, EpisodeChapter, EpisodeContributor, EpisodeTranscript
from hub.stories.factories import StoryIndexPageFactory, StoryPageFactory
from hub.stories.models import Theme
from tests.conftest import LANGUAGE_CODES, SiteTree, ensure_locales

AUDIO_SECONDS = 9.0
CHAPTERS = [(0.0, "Welcome"), (3.0, "At the language café"), (6.0, "Saying goodbye")]
TRANSCRIPT_VTT = """WEBVTT

00:00:00.000 --> 00:00:03.000
<v Amina>Welcome to the language café in Piraeus.

00:00:03.000 --> 00:00:06.000
<v Host>Every Tuesday neighbours meet to practise Greek.

00:00:06.000 --> 00:00:09.000
Thank you for listening, and see you next week.
"""
THEMES = {"language-cafe": "Language café", "sports": "Sports", "food-aid": "Food aid"}
PARTNERS = {"red-cross": "Red Cross Piraeus", "freirad": "FREIRAD community radio"}


@dataclass
class RichSite:
    tree: SiteTree
    audio: AudioAsset
    themes: dict[str, dict[str, Theme]] = field(default_factory=dict)
    partners: dict = field(default_factory=dict)
    extra_stories: dict[str, Page] = field(default_factory=dict)

    def page(self, kind: str, language: str = "en") -> Page:
        """A fresh copy from the database: tests may change it, the next test gets it as built."""
        page = self.tree.page(kind, language)
        return page.specific_class.objects.get(pk=page.pk)


def generated_audio(directory: Path, seconds: float = AUDIO_SECONDS) -> Path:
    """A few seconds of speech-like modulated tone (ffmpeg lavfi), never downloaded."""
    path = directory / "episode.wav"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"sine=frequency=220:duration={seconds}",
         "-f", "lavfi", "-i", f"anoisesrc=color=pink:amplitude=0.2:duration={seconds}:seed=5",
         "-filter_complex", "[0][1]amix=inputs=2,tremolo=f=1.5:d=0.9,volume=0.6",
         "-ac", "1", "-ar", "44100", str(path)],
        check=True, timeout=60,
    )  # fmt: skip
    return path


def processed_audio(directory: Path, title: str = "Language café, episode audio") -> AudioAsset:
    """An audio asset processed by the real pipeline: MP3, Opus, WAV renditions and peaks."""
    source = generated_audio(directory)
    with source.open("rb") as handle:
        name = private_storage().save(f"audio/sources/test-{uuid.uuid4().hex[:8]}.wav", File(handle, name=source.name))
    asset = AudioAsset.objects.create(title=title, source=name)  # a stored name: not queued by save()
    outcome = run_processing(asset.pk)
    asset.refresh_from_db()
    assert outcome == "ready" and asset.status == AudioStatus.READY, (outcome, asset.status, asset.error_message)
    assert asset.peaks and asset.renditions.count() == 3
    return asset


def build_tree(languages=LANGUAGE_CODES) -> SiteTree:
    """The public page types (home, about, stories, radio, campaigns) in ``languages``, published.

    Like tests/conftest.py's ``build_site_tree`` but limited to the pages the public site lists
    and to the languages asked for, so browser tests can afford a fresh site per test.
    """
    locales = ensure_locales()
    root = Page.get_first_root_node()
    if root is None:  # a transactional test flushed the tables, Wagtail's root page too
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locales["en"]))
    for stale in root.get_children():
        stale.delete()
    tree = SiteTree()
    home = HomePageFactory(parent=root, slug="home", locale=locales["en"])
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    tree.pages["home"] = home
    tree.pages["standard"] = StandardPageFactory(parent=home, title="About", slug="about", show_in_menus=True)
    tree.pages["story_index"] = StoryIndexPageFactory(parent=home, show_in_menus=True)
    tree.pages["story"] = StoryPageFactory(
        parent=tree.pages["story_index"], slug="amina", title="Amina's language café"
    )
    tree.pages["radio_index"] = RadioIndexPageFactory(parent=home, show_in_menus=True)
    tree.pages["show"] = ShowPageFactory(parent=tree.pages["radio_index"], slug="voices")
    tree.pages["episode"] = EpisodePageFactory(parent=tree.pages["show"], slug="first", title="Tuesdays at the café")
    tree.pages["campaign_index"] = CampaignIndexPageFactory(parent=home, show_in_menus=True)
    tree.pages["campaign"] = CampaignPageFactory(parent=tree.pages["campaign_index"], slug="open-doors")
    for kind, page in tree.pages.items():
        page.save_revision().publish()
        tree.translations[kind] = {"en": page.specific_class.objects.get(pk=page.pk)}
    for code in languages:
        if code == "en":
            continue
        for kind, page in tree.pages.items():
            translated = page.copy_for_translation(locales[code])
            translated.title = f"{page.title} [{code}]"
            translated.save_revision().publish()
            tree.translations[kind][code] = translated.specific_class.objects.get(pk=translated.pk)
    return tree


def enrich(tree: SiteTree, audio: AudioAsset) -> RichSite:
    site = RichSite(tree=tree, audio=audio)
    languages = list(tree.translations["home"])
    locales = {code: Locale.objects.get(language_code=code) for code in languages}
    for slug, name in THEMES.items():
        key = uuid.uuid4()
        site.themes[slug] = {
            code: Theme.objects.create(
                name=name if code == "en" else f"{name} [{code}]", slug=slug, locale=locale, translation_key=key
            )
            for code, locale in locales.items()
        }
    for slug, name in PARTNERS.items():
        key = uuid.uuid4()
        site.partners[slug] = {
            code: PartnerOrganisationFactory(
                name=name if code == "en" else f"{name} [{code}]",
                slug=slug,
                locale=locale,
                translation_key=key,
                country="GR" if slug == "red-cross" else "AT",
                city="Piraeus" if slug == "red-cross" else "Innsbruck",
            )
            for code, locale in locales.items()
        }
    arabic, _ = Language.objects.get_or_create(code="ar", defaults={"name": "العربية"})
    tigrinya, _ = Language.objects.get_or_create(code="ti", defaults={"name": "ትግርኛ"})
    german, _ = Language.objects.get_or_create(code="de", defaults={"name": "Deutsch"})

    for code in languages:
        episode = tree.page("episode", code)
        episode.audio = audio
        episode.country = "GR"
        episode.location = "Piraeus"
        for start, title in CHAPTERS:
            label = title if code == "en" else f"{title} [{code}]"
            episode.chapters.add(EpisodeChapter(start=timedelta(seconds=start), title=label))
        episode.transcripts.add(EpisodeTranscript(content=TRANSCRIPT_VTT, language=""))
        contributor = ContributorFactory(name=f"Amina Y. [{code}]", locale=locales[code])
        episode.contributors.add(EpisodeContributor(contributor=contributor, role=ContributorRole.GUEST))
        episode.save_revision().publish()

        story = tree.page("story", code)
        story.themes.set([site.themes["language-cafe"][code]])
        story.partners.set([site.partners["red-cross"][code]])
        story.languages.set([arabic])
        story.related_episodes.set([episode])
        story.save_revision().publish()

        campaign = tree.page("campaign", code)
        campaign.partners.set([site.partners["red-cross"][code]])
        campaign.related_stories.set([story])
        campaign.places.add(CampaignPlace(city="Piraeus", country="GR"))
        campaign.save_revision().publish()

    index = tree.page("story_index", "en")
    site.extra_stories["jonas"] = StoryPageFactory(
        parent=index, title="Jonas coaches football", slug="jonas", storyteller_name="Jonas", country="AT",
        city="Innsbruck", summary="Football on Saturdays, for everyone who turns up.",
    )  # fmt: skip
    site.extra_stories["sara"] = StoryPageFactory(
        parent=index, title="Sara cooks for the food bank", slug="sara", storyteller_name="Sara", country="IT",
        city="Bologna", summary="Three hundred meals a week, and a language café in the queue.",
    )  # fmt: skip
    jonas, sara = site.extra_stories["jonas"], site.extra_stories["sara"]
    jonas.themes.set([site.themes["sports"]["en"]])
    jonas.partners.set([site.partners["freirad"]["en"]])
    jonas.languages.set([german])
    sara.themes.set([site.themes["food-aid"]["en"]])
    sara.partners.set([site.partners["red-cross"]["en"]])
    sara.languages.set([arabic, tigrinya])
    for story in (jonas, sara):
        story.save_revision().publish()
    for kind in list(tree.translations):
        for code, page in tree.translations[kind].items():
            tree.translations[kind][code] = page.specific_class.objects.get(pk=page.pk)
    return site


def build_rich_site(directory: Path, languages=LANGUAGE_CODES) -> RichSite:
    return enrich(build_tree(languages), processed_audio(directory))


class HubLiveServerThread(LiveServerThread):
    """Django's live server thread, with media served by the hub itself.

    Django's test server answers MEDIA_URL with its own handler, which ignores Range: a
    browser then cannot seek in the audio. Here every request goes to the hub, whose
    ``serve_media`` answers byte ranges as in the embedded setup. Static files are still served
    from the finders (static_src/, with the vendored wavesurfer.js).
    """

    def run(self):
        try:
            handler = self.static_handler(WSGIHandler())
            self.httpd = self._create_server(connections_override=self.connections_override)
            if self.port == 0:
                self.port = self.httpd.server_address[1]
            self.httpd.set_app(handler)
            self.is_ready.set()
            self.httpd.serve_forever()
        except Exception as exc:  # reported to the test that started the server
            self.error = exc
            self.is_ready.set()
        finally:
            connections.close_all()


@dataclass
class LiveSite:
    url: str


@pytest.fixture(scope="session")
def site_server(django_db_setup):
    """A live server on 127.0.0.1 for browser tests; use with ``django_db(transaction=True)``."""
    thread = HubLiveServerThread("127.0.0.1", StaticFilesHandler, connections_override={}, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield LiveSite(url=f"http://127.0.0.1:{thread.port}")
    thread.terminate()


_OPEN: list = []


def release_rich_site() -> None:
    """Roll back the rich site's transaction now (see ``rich_site``); safe to call twice."""
    while _OPEN:
        atomic, blocker = _OPEN.pop()
        with blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="package")
def rich_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The rich site in every language, built once for tests/site inside a transaction.

    Tests that change it run in their own savepoint (pytest-django's ``django_db``). The
    transaction is rolled back when the package is done, or earlier, before the first test that
    needs real commits (browser tests): pytest-django runs those after all the others, and on
    PostgreSQL the open transaction's locks would block them.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        _OPEN.append((atomic, django_db_blocker))
        try:
            yield build_rich_site(tmp_path_factory.mktemp("rich-site"))
        finally:
            release_rich_site()


def pytest_runtest_setup(item):
    """Before the first test that needs real commits, end the rich site's transaction.

    A hook rather than a fixture: it must run before any fixture of that test, in particular
    before Playwright starts (after which Django may hand out another connection object).
    """
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        release_rich_site()
