"""Load the demo content of ``content.json`` into the hub, idempotently.

Every object gets a translation key derived from its demo key (UUIDv5), so a second run finds
what the first one made and changes nothing. Pages are published through revisions, as an
editor would publish them.
"""

import io
import json
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.db import transaction
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language_info
from modelsearch.index import get_indexed_models
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Locale, Page, Site
from wagtail.signal_handlers import (
    connect_reference_index_signal_handlers,
    disconnect_reference_index_signal_handlers,
)

from hub.audio.models import AudioAsset
from hub.audio.tasks import run_processing
from hub.campaigns.models import (
    CampaignAudioSpot,
    CampaignDocument,
    CampaignImage,
    CampaignIndexPage,
    CampaignPage,
    CampaignPlace,
)
from hub.consent.models import ConsentRecord
from hub.consent.roles import setup_roles
from hub.core.models import (
    EventPage,
    HomePage,
    Language,
    OutcomeDocument,
    ProgrammeItem,
    Recommendation,
    RecommendationsPage,
    StandardPage,
)
from hub.partners.models import DeliveryFormat, PartnerFeedToken, PartnerOrganisation, PartnerShowSubscription
from hub.radio.models import (
    Contributor,
    EpisodeChapter,
    EpisodeContributor,
    EpisodePage,
    EpisodeTranscript,
    RadioIndexPage,
    ShowPage,
)
from hub.stories.models import StoryIndexPage, StoryPage, Theme

from . import media
from .themes import THEMES

CONTENT_DIR = Path(__file__).with_name("content")
KEY_NAMESPACE = uuid.UUID("6f1c9a52-3f8e-5b7d-9a41-2c0e8d7b5a10")
DEMO_USERNAME = "admin"
DEMO_PASSWORD = "hub-demo-2026"  # noqa: S105 - a documented demo login, never used in production
LANGS = ["en", "de", "el", "it", "ar"]
# The demo broadcast partner's feed: in the language it broadcasts in, with a token of this label.
PARTNER_FEED_LANGUAGES = {"AT": "de", "DE": "de", "GR": "el", "CY": "el", "IT": "it"}
DEMO_TOKEN_LABEL = "Demo playout server"  # noqa: S105 - a label, not a secret
DEMO_PARTNER_CONTACT = "broadcast@example.org"


def translation_key(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(KEY_NAMESPACE, f"{kind}:{key}")


def paragraphs_html(paragraphs: Iterable[str]) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in paragraphs)


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    # (partner name, private feed path) of feed tokens made in this run: their only appearance in clear.
    partner_feeds: list[tuple[str, str]] = field(default_factory=list)

    def add(self, label: str) -> None:
        self.created.append(label)


class DemoLoader:
    def __init__(self, content: dict, progress: Callable[[str], None] | None = None):
        self.content = content
        self.progress = progress or (lambda _label: None)
        self.report = LoadReport()
        self.locales: dict[str, Locale] = {}
        self.user = None

    # --- helpers -----------------------------------------------------------------------
    def step(self, label: str) -> None:
        self.progress(label)

    def page(self, model, kind: str, key: str, lang: str, parent: Page, fields: dict, after_create=None) -> Page:
        """Get or create-and-publish one page translation."""
        existing = model.objects.filter(translation_key=translation_key(kind, key), locale=self.locales[lang]).first()
        if existing is not None:
            return existing
        page = model(locale=self.locales[lang], translation_key=translation_key(kind, key), live=False, **fields)
        parent.add_child(instance=page)
        if after_create is not None:
            after_create(page)
        page.save_revision(user=self.user, log_action=True).publish(user=self.user)
        self.report.add(f"{model.__name__} {key} [{lang}]")
        return model.objects.get(pk=page.pk)

    def snippet(self, model, kind: str, key: str, lang: str, fields: dict, m2m: dict | None = None):
        tk = translation_key(kind, key)
        existing = model.objects.filter(translation_key=tk, locale=self.locales[lang]).first()
        if existing is not None:
            return existing
        obj = model.objects.create(locale=self.locales[lang], translation_key=tk, **fields)
        self.report.add(f"{model.__name__} {key} [{lang}]")
        return obj

    def image(self, key: str, title: str, data: Callable[[], bytes], ext: str = "jpg") -> Image:
        existing = Image.objects.filter(title=title, file__startswith=f"original_images/demo-{key}").first()
        if existing is not None:
            return existing
        image = Image(
            title=title, uploaded_by_user=self.user, file=ImageFile(io.BytesIO(data()), name=f"demo-{key}.{ext}")
        )
        image.save()
        self.report.add(f"Image {key}")
        return image

    def consent(self, public_name: str, key: str, languages) -> ConsentRecord:
        """A demo consent record: the storytellers are fictional, so the private fields stay empty."""
        record = ConsentRecord.objects.filter(notes=f"demo:{key}").first()
        if record is not None:
            return record
        record = ConsentRecord.objects.create(
            public_name=public_name,
            scope_website=True,
            scope_podcast=True,
            scope_broadcast=True,
            scope_redistribution=True,
            granted_on=date(2026, 1, 1),
            notes=f"demo:{key}",
        )
        record.languages.set(languages)
        self.report.add(f"ConsentRecord {key}")
        return record

    def document(self, key: str, title: str) -> Document:
        existing = Document.objects.filter(file__startswith=f"documents/demo-{key}").first()
        if existing is not None:
            return existing
        document = Document(title=title, uploaded_by_user=self.user)
        document.file.save(f"demo-{key}.pdf", ContentFile(media.pdf_document(key, title)), save=False)
        document.save()
        self.report.add(f"Document {key}")
        return document

    def audio(self, key: str, title: str, speech: str, voice: str, seconds: float) -> AudioAsset:
        existing = AudioAsset.objects.filter(original_filename=f"demo-{key}.mp3").first()
        if existing is not None:
            return existing
        # The file is stored first, so saving the asset queues no job: it is processed right here,
        # so that the episodes can be published (they need ready audio).
        data = media.spoken_clip(speech, voice, seconds, key)
        source_field = AudioAsset._meta.get_field("source")
        name = source_field.storage.save(source_field.generate_filename(None, f"demo-{key}.mp3"), ContentFile(data))
        asset = AudioAsset.objects.create(
            title=title, uploaded_by=self.user, source=name, original_filename=f"demo-{key}.mp3", size_bytes=len(data)
        )
        run_processing(asset.pk)
        asset.refresh_from_db()
        self.report.add(f"AudioAsset {key}")
        return asset

    def episode_audio(self, key: str, title: str, script: list[tuple[str, str, str]]):
        """An episode's audio, spoken from its script; with the (start, end) of each segment when made now."""
        name = f"demo-{key}.mp3"
        existing = AudioAsset.objects.filter(original_filename=name).first()
        if existing is not None:
            return existing, None
        data, times = media.episode_audio([(voice, text) for voice, _speaker, text in script], key)
        source_field = AudioAsset._meta.get_field("source")
        stored = source_field.storage.save(source_field.generate_filename(None, name), ContentFile(data))
        asset = AudioAsset.objects.create(
            title=title, uploaded_by=self.user, source=stored, original_filename=name, size_bytes=len(data)
        )
        run_processing(asset.pk)
        asset.refresh_from_db()
        self.report.add(f"AudioAsset {key}")
        return asset, times

    # --- the load ----------------------------------------------------------------------
    def run(self) -> LoadReport:
        self.step("locales and demo user")
        self.ensure_locales()
        self.ensure_user()
        self.step("partners")
        partners = self.load_partners()
        self.step("themes and languages")
        themes = self.load_themes()
        self.step("home pages")
        homes = self.load_homes()
        self.step("about, guidelines, recommendations, conference")
        self.load_standard_pages(homes)
        self.step("contributors")
        contributors = self.load_contributors()
        self.step("show and episodes (generating audio)")
        episodes = self.load_radio(homes, contributors, partners)
        self.step("stories")
        stories = self.load_stories(homes, themes, partners, episodes)
        self.step("campaign")
        self.load_campaign(homes, partners, stories)
        self.step("partner feed")
        self.load_partner_feed(partners)
        self.step("editorial roles and review workflow")
        setup_roles()
        return self.report

    def ensure_locales(self) -> None:
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
            self.locales[code], _ = Locale.objects.get_or_create(language_code=code)

    def ensure_user(self) -> None:
        user_model = get_user_model()
        self.user = user_model.objects.filter(username=DEMO_USERNAME).first()
        if self.user is None:
            self.user = user_model.objects.create_superuser(DEMO_USERNAME, "admin@example.org", DEMO_PASSWORD)
            self.report.add("demo superuser")

    def load_partners(self) -> dict[str, dict[str, PartnerOrganisation]]:
        result: dict[str, dict[str, PartnerOrganisation]] = {}
        for item in self.content["partners"]:
            key = item["key"]
            initials = "".join(word[0] for word in item["name"]["en"].split() if word[0].isupper())[:4] or key[:3]
            logo = self.image(
                f"logo-{key}",
                f"{item['name']['en']} logo",
                lambda key=key, initials=initials: media.monogram(key, initials),
                "png",
            )
            result[key] = {}
            for lang in LANGS:
                result[key][lang] = self.snippet(
                    PartnerOrganisation,
                    "partner",
                    key,
                    lang,
                    {
                        "name": item["name"][lang],
                        "slug": key,
                        "kind": item["kind"],
                        "country": item["country"],
                        "city": item["city"][lang],
                        "website": item["website"],
                        "logo": logo,
                        "description": paragraphs_html([item["description"][lang]]),
                        "is_coordinator": item.get("role") == "coordinator",
                        "is_broadcast_partner": bool(item.get("broadcast_partner")),
                    },
                )
        return result

    def load_partner_feed(self, partners: dict[str, dict[str, PartnerOrganisation]]) -> None:
        """The community radio among the partners pulls the show through a private partner feed.

        It subscribes to the show in its broadcast language, prefers broadcast WAV, and gets one feed
        token, made once: its address is in the report of the run that made it and nowhere else.
        """
        item = next((p for p in self.content["partners"] if p.get("broadcast_partner")), None)
        if item is None:
            return
        lang = PARTNER_FEED_LANGUAGES.get(item["country"], "en")
        partner = partners[item["key"]][lang]
        for translation in partners[item["key"]].values():
            changes = {
                "is_broadcast_partner": True,
                "preferred_format": DeliveryFormat.BROADCAST_WAV,
                "contact_email": translation.contact_email or DEMO_PARTNER_CONTACT,
            }
            if any(getattr(translation, name) != value for name, value in changes.items()):
                for name, value in changes.items():
                    setattr(translation, name, value)
                translation.save()
                self.report.add(f"PartnerOrganisation {item['key']} [{translation.locale.language_code}] broadcast")
        show = ShowPage.objects.get(
            translation_key=translation_key("show", self.content["show"]["key"]), locale=partner.locale
        )
        subscribed = PartnerShowSubscription.objects.filter(partner__translation_key=partner.translation_key, show=show)
        if not subscribed.exists():
            PartnerShowSubscription.objects.create(partner=partner, show=show)
            self.report.add(f"PartnerShowSubscription {item['key']} [{lang}]")
        tokens = PartnerFeedToken.objects.filter(
            partner__translation_key=partner.translation_key, label=DEMO_TOKEN_LABEL
        )
        if not tokens.exists():
            token = PartnerFeedToken(partner=partner, label=DEMO_TOKEN_LABEL, created_by=self.user)
            raw = token.set_new_token()
            token.save()
            self.report.add(f"PartnerFeedToken {item['key']}")
            self.report.partner_feeds.append((partner.name, reverse("partner-feed", args=[raw])))

    def load_themes(self) -> dict[str, dict[str, Theme]]:
        return {
            slug: {
                lang: self.snippet(Theme, "theme", slug, lang, {"name": names[lang], "slug": slug}) for lang in LANGS
            }
            for slug, names in THEMES.items()
        }

    def language(self, code: str) -> Language:
        try:
            name = get_language_info(code)["name_local"]
        except KeyError:
            name = code
        language, created = Language.objects.get_or_create(code=code, defaults={"name": name})
        if created:
            self.report.add(f"Language {code}")
        return language

    def load_homes(self) -> dict[str, HomePage]:
        root = Page.get_first_root_node()
        # Wagtail's initial migration leaves a plain "Welcome" page; the hub's home replaces it.
        for stale in root.get_children().filter(content_type__model="page", content_type__app_label="wagtailcore"):
            stale.delete()
        home_data = self.content["home"]
        homes = {}
        for lang in LANGS:
            homes[lang] = self.page(
                HomePage,
                "home",
                "home",
                lang,
                root,
                {
                    "title": home_data["title"][lang],
                    "slug": "home" if lang == "en" else f"home-{lang}",
                    "intro": home_data["intro"][lang],
                },
            )
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=homes["en"],
                is_default_site=True,
                site_name=self.content["site"]["name"],
            )
        elif site.root_page_id != homes["en"].pk:
            site.root_page = homes["en"]
            site.site_name = self.content["site"]["name"]
            site.save()
        return homes

    def load_standard_pages(self, homes: dict[str, HomePage]) -> None:
        for key in ("about", "guidelines"):
            data = self.content[key]
            for lang in LANGS:
                self.page(
                    StandardPage,
                    "standard",
                    key,
                    lang,
                    homes[lang],
                    {
                        "title": data["title"][lang],
                        "slug": key,
                        "intro": data["intro"][lang],
                        "show_in_menus": True,
                        "body": [
                            {"type": "paragraph", "value": paragraphs_html([text])} for text in data["body"][lang]
                        ],
                    },
                )
        data = self.content["recommendations"]
        for lang in LANGS:

            def add_items(page, lang=lang):
                for item in data["items"]:
                    page.recommendations.add(
                        Recommendation(
                            level=item["level"], title=item["title"][lang], text=paragraphs_html([item["text"][lang]])
                        )
                    )

            self.page(
                RecommendationsPage,
                "recommendations",
                "recommendations",
                lang,
                homes[lang],
                {
                    "title": data["title"][lang],
                    "slug": "recommendations",
                    "intro": data["intro"][lang],
                    "show_in_menus": True,
                },
                after_create=add_items,
            )
        data = self.content["event"]
        outcome_docs = [self.document("conference-programme", data["title"]["en"])]
        for lang in LANGS:

            def add_programme(page, lang=lang):
                for item in data["programme"]:
                    page.programme.add(
                        ProgrammeItem(
                            starts_at=timezone.make_aware(datetime.fromisoformat(item["time"])),
                            title=item["title"][lang],
                            speaker=item.get("speaker", ""),
                        )
                    )
                for document in outcome_docs:
                    page.outcome_documents.add(OutcomeDocument(document=document, title=data["title"][lang]))

            self.page(
                EventPage,
                "event",
                "conference",
                lang,
                homes[lang],
                {
                    "title": data["title"][lang],
                    "slug": "conference",
                    "intro": data["intro"][lang],
                    "start_date": date.fromisoformat(data["start_date"]),
                    "end_date": date.fromisoformat(data["end_date"]),
                    "venue": data["venue"][lang],
                    "city": data["city"][lang],
                    "country": data["country"],
                    "outcome": paragraphs_html([data["outcome"][lang]]),
                    "show_in_menus": True,
                },
                after_create=add_programme,
            )

    def load_contributors(self) -> dict[str, dict[str, Contributor]]:
        result = {}
        for item in self.content["contributors"]:
            initials = "".join(part[0] for part in item["name"].replace(".", "").split())[:2]
            picture = self.image(
                f"person-{item['key']}",
                item["name"],
                lambda key=item["key"], initials=initials: media.monogram(f"person-{key}", initials),
                "png",
            )
            result[item["key"]] = {
                lang: self.snippet(
                    Contributor,
                    "contributor",
                    item["key"],
                    lang,
                    {
                        "name": local_name(item["name"], lang),
                        "role": item["role"],
                        "bio": item["bio"][lang],
                        "link": item.get("link", ""),
                        "image": picture,
                    },
                )
                for lang in LANGS
            }
        return result

    def load_radio(self, homes, contributors, partners) -> dict[str, dict[str, EpisodePage]]:
        show_data = self.content["show"]
        artwork = self.image(
            "show-artwork",
            f"{show_data['title']['en']} artwork",
            lambda: media.illustration("show-artwork", (1400, 1400)),
        )
        section_titles = {"en": "Radio", "de": "Radio", "el": "Ραδιόφωνο", "it": "Radio", "ar": "الإذاعة"}
        shows = {}
        for lang in LANGS:
            index = self.page(
                RadioIndexPage,
                "section",
                "radio",
                lang,
                homes[lang],
                {"title": section_titles[lang], "slug": "radio", "show_in_menus": True},
            )
            shows[lang] = self.page(
                ShowPage,
                "show",
                show_data["key"],
                lang,
                index,
                {
                    "title": show_data["title"][lang],
                    "slug": show_data["key"],
                    "description": show_data["description"][lang],
                    "artwork": artwork,
                    "podcast_language": lang,
                    "apple_category": f"{show_data['category']} > {show_data['subcategory']}",
                    "explicit": show_data["explicit"],
                    "show_type": show_data["type"],
                    "owner_name": show_data["owner_name"],
                    "owner_email": show_data["owner_email"],
                    "copyright": show_data["copyright"],
                    "licence": show_data["license"],
                    "funding_url": show_data["funding_url"],
                    "funding_text": show_data["funding_text"][lang],
                },
                after_create=lambda page, lang=lang: page.partners.set(
                    [partners[key][lang] for key in show_data["produced_by"]]
                ),
            )
            if not shows[lang].partners.exists():  # loaded before shows named their producers
                shows[lang].partners.set([partners[key][lang] for key in show_data["produced_by"]])
                shows[lang].save_revision(user=self.user, log_action=True).publish(user=self.user)
        # Everyone heard in an episode is identifiable: each has a consent record (fictional people,
        # so the private fields stay empty) covering the website, the podcast and partner radios.
        everywhere = [self.language(code) for code in LANGS]
        consents = {
            item["key"]: self.consent(item["name"], f"contributor-{item['key']}", everywhere)
            for item in self.content["contributors"]
        }
        episodes: dict[str, dict[str, EpisodePage]] = {}
        for item in self.content["episodes"]:
            key = item["key"]
            voices = episode_voices(item, self.content["contributors"])
            scripts = {
                lang: episode_script(show_data["title"][lang], item["text"][lang], voices) for lang in item["text"]
            }
            asset, times = self.episode_audio(key, item["text"]["en"]["title"], scripts["en"])
            heard = [consents[credit["contributor"]] for credit in item["contributors"]]
            episodes[key] = {}
            for lang, text in item["text"].items():
                if lang not in LANGS:
                    continue

                def add_contributors(page, lang=lang, item=item, heard=heard, scripts=scripts, times=times):
                    for credit in item["contributors"]:
                        page.contributors.add(
                            EpisodeContributor(
                                contributor=contributors[credit["contributor"]][lang], role=credit["role"]
                            )
                        )
                    page.consents.set(heard)
                    if times:
                        add_chapters_and_transcripts(page, lang, scripts, times)

                episodes[key][lang] = self.page(
                    EpisodePage,
                    "episode",
                    key,
                    lang,
                    shows[lang],
                    {
                        "title": text["title"],
                        "slug": key,
                        "summary": text["summary"],
                        "show_notes": paragraphs_html(text["show_notes"]),
                        "audio": asset,
                        "season_number": item.get("season"),
                        "episode_number": item.get("number"),
                        "episode_type": item["episode_type"],
                        "explicit": item.get("explicit", False),
                        "location": item["location"].get(lang) or item["location"]["en"],
                        "country": item.get("country", ""),
                        "publication_date": date.fromisoformat(item["publication_date"]),
                    },
                    after_create=add_contributors,
                )
                page = episodes[key][lang]
                if not page.no_identifiable_person and not page.consents.exists():
                    # Demo content loaded before episodes linked consent: link it now.
                    page.consents.set(heard)
                    page.save_revision(user=self.user, log_action=True).publish(user=self.user)
                    self.report.add(f"EpisodePage {key} [{lang}] consent")
        self.load_special_episodes(shows, contributors, consents, partners, everywhere)
        return episodes

    def load_special_episodes(self, shows, contributors, consents, partners, everywhere) -> None:
        """Three episodes that show the release and consent rules at work.

        An embargoed one (partner radios have it, the public gets it later), a scheduled one (the hub
        publishes it by itself next week) and one whose guest withdrew consent: unpublished, with the
        takedown report and the notice to the partner radio that had downloaded it.
        """
        show_data = self.content["show"]
        now = timezone.now()
        for item in self.content.get("special_episodes", []):
            key, kind = item["key"], item["kind"]
            voices = episode_voices(item, self.content["contributors"])
            if item.get("guest"):
                voices["second"] = ("guest", item["guest"])
            scripts = {
                lang: episode_script(show_data["title"][lang], text, voices) for lang, text in item["text"].items()
            }
            asset, times = self.episode_audio(key, item["text"]["en"]["title"], scripts["en"])
            heard = [consents[credit["contributor"]] for credit in item["contributors"]]
            if item.get("guest"):
                heard.append(self.consent(item["guest"], f"guest-{key}", everywhere))
            for lang, text in item["text"].items():
                tk = translation_key("episode", key)
                existing = EpisodePage.objects.filter(translation_key=tk, locale=self.locales[lang]).first()
                if existing is not None:
                    continue
                page = EpisodePage(
                    locale=self.locales[lang],
                    translation_key=tk,
                    live=False,
                    title=text["title"],
                    slug=key,
                    summary=text["summary"],
                    show_notes=paragraphs_html(text["show_notes"]),
                    audio=asset,
                    season_number=item.get("season"),
                    episode_number=item.get("number"),
                    episode_type=item["episode_type"],
                    location=item["location"].get(lang) or item["location"]["en"],
                    country=item.get("country", ""),
                    publication_date=date.fromisoformat(item["publication_date"]),
                )
                if kind == "embargoed":
                    page.partner_release_at = now - timedelta(days=1)
                    page.public_release_at = now + timedelta(days=21)
                if kind == "scheduled":
                    page.go_live_at = now + timedelta(days=7)
                shows[lang].add_child(instance=page)
                for credit in item["contributors"]:
                    page.contributors.add(
                        EpisodeContributor(contributor=contributors[credit["contributor"]][lang], role=credit["role"])
                    )
                page.consents.set(heard)
                if times:
                    add_chapters_and_transcripts(page, lang, scripts, times)
                # A scheduled revision stays a draft until its time; the worker publishes it then.
                page.save_revision(user=self.user, log_action=True).publish(user=self.user)
                self.report.add(f"EpisodePage {key} [{lang}] {kind}")
                if kind == "withdrawn":
                    self.withdraw_guest(EpisodePage.objects.get(pk=page.pk), heard[-1], partners)

    def withdraw_guest(self, page: EpisodePage, record: ConsentRecord, partners) -> None:
        """The partner radio downloaded the episode; then its guest withdrew consent."""
        from hub.consent.takedown import apply_lapse
        from hub.partners.models import PullReceipt

        item = next((p for p in self.content["partners"] if p.get("broadcast_partner")), None)
        rendition = page.audio.renditions.order_by("pk").first() if page.audio else None
        if item is not None and rendition is not None:
            partner = partners[item["key"]]["en"]
            PullReceipt.objects.create(
                partner=partner,
                partner_name=partner.name,
                token_label=DEMO_TOKEN_LABEL,
                episode=page,
                episode_title=page.title,
                rendition=rendition,
                preset=rendition.preset,
                file_size=rendition.size_bytes,
                status_code=200,
                bytes_sent=rendition.size_bytes,
                completed_at=timezone.now() - timedelta(days=2),
            )
        record.withdrawn_on = timezone.localdate()
        record.withdrawal_reason = "The guest asked for the episode to be taken down (demo)."
        record.save()
        # The takedown runs here rather than in the worker, so the demo is complete when loading ends.
        apply_lapse(record, "withdrawn")
        self.report.add(f"ConsentRecord withdrawn {page.slug}")

    def load_stories(self, homes, themes, partners, episodes) -> dict[str, dict[str, StoryPage]]:
        section_titles = {"en": "Stories", "de": "Geschichten", "el": "Ιστορίες", "it": "Storie", "ar": "قصص"}
        indexes = {
            lang: self.page(
                StoryIndexPage,
                "section",
                "stories",
                lang,
                homes[lang],
                {"title": section_titles[lang], "slug": "stories", "show_in_menus": True},
            )
            for lang in LANGS
        }
        stories: dict[str, dict[str, StoryPage]] = {}
        for item in [*self.content["stories"], *self.content.get("more_stories", [])]:
            key = item["key"]
            original = item["locale"]
            hero = self.image(
                f"story-{key}", item["text"][original]["title"], lambda key=key: media.illustration(f"story-{key}")
            )
            languages = [self.language(code) for code in item["languages"]]
            consent = self.consent(item["storyteller"], key, languages)
            stories[key] = {}
            for lang, text in item["text"].items():
                if lang not in LANGS:
                    continue
                related = [
                    episodes[e][lang] for e in _related_episode_keys(self.content, key) if lang in episodes.get(e, {})
                ]

                def set_relations(page, lang=lang, related=related, item=item, languages=languages, consent=consent):
                    page.consents.set([consent])
                    page.themes.set([themes[slug][lang] for slug in item["themes"]])
                    page.partners.set([partners[p][lang] for p in item["partners"]])
                    page.languages.set(languages)
                    page.related_episodes.set(related)

                body = [{"type": "paragraph", "value": paragraphs_html(text["body"][:2])}]
                body.append(
                    {
                        "type": "quote",
                        "value": {"text": text["quote"], "attribution": local_name(item["storyteller"], lang)},
                    }
                )
                body.append({"type": "paragraph", "value": paragraphs_html(text["body"][2:])})
                stories[key][lang] = self.page(
                    StoryPage,
                    "story",
                    key,
                    lang,
                    indexes[lang],
                    {
                        "title": text["title"],
                        "slug": key,
                        "storyteller_name": local_name(item["storyteller"], lang),
                        "country": item["country"],
                        "city": item["city"].get(lang) or item["city"].get("en") or next(iter(item["city"].values())),
                        "publication_date": date.fromisoformat(item["publication_date"]),
                        "hero_image": hero,
                        "hero_alt": text["hero_alt"],
                        "summary": text["summary"],
                        "body": body,
                    },
                    after_create=set_relations,
                )
        return stories

    def load_campaign(self, homes, partners, stories) -> None:
        data = self.content["campaign"]
        section_titles = {"en": "Campaigns", "de": "Kampagnen", "el": "Εκστρατείες", "it": "Campagne", "ar": "الحملات"}
        key = data["key"]
        images = [
            self.image(
                f"campaign-{key}-{n}",
                data["images"][n]["caption"]["en"],
                lambda n=n: media.illustration(f"campaign-{key}-{n}"),
            )
            for n in range(len(data["images"]))
        ]
        spots = [
            self.audio(f"spot-{spot['key']}", spot["title"]["en"], spot["speech"], spot["speech_lang"], 15)
            for spot in data["audio_spots"]
        ]
        documents = [
            self.document(f"campaign-{key}-{n}", doc["title"]["en"]) for n, doc in enumerate(data["documents"])
        ]
        for lang in LANGS:
            index = self.page(
                CampaignIndexPage,
                "section",
                "campaigns",
                lang,
                homes[lang],
                {"title": section_titles[lang], "slug": "campaigns", "show_in_menus": True},
            )

            def add_media(page, lang=lang):
                for place in data["places"]:
                    page.places.add(CampaignPlace(city=place["city"][lang], country=place["country"]))
                for image, meta in zip(images, data["images"], strict=True):
                    page.images.add(
                        CampaignImage(image=image, alt_text=meta["alt"][lang], caption=meta["caption"][lang])
                    )
                for asset, spot in zip(spots, data["audio_spots"], strict=True):
                    page.audio_spots.add(CampaignAudioSpot(audio=asset, title=spot["title"][lang]))
                for document, meta in zip(documents, data["documents"], strict=True):
                    page.documents.add(
                        CampaignDocument(document=document, title=meta["title"][lang], summary=meta["summary"][lang])
                    )
                page.partners.set([partners[p][lang] for p in data["partners"]])
                page.related_stories.set(
                    [stories[s][lang] for s in data["related_stories"] if lang in stories.get(s, {})]
                )

            self.page(
                CampaignPage,
                "campaign",
                key,
                lang,
                index,
                {
                    "title": data["title"][lang],
                    "slug": key,
                    "intro": data["intro"][lang],
                    "aims": "<ul>" + "".join(f"<li>{escape(aim)}</li>" for aim in data["aims"][lang]) + "</ul>",
                    "start_date": date.fromisoformat(data["start_date"]),
                    "end_date": date.fromisoformat(data["end_date"]),
                    "no_identifiable_person": True,
                },
                after_create=add_media,
            )


# Names of the demo's people in Arabic script, for the Arabic pages.
ARABIC_NAMES = {
    "Nadia": "نادية", "Jonas K.": "يوناس ك.", "Samir": "سمير", "Amina": "أمينة", "Yonas": "يوناس",
    "Grace": "غريس", "Farid": "فريد", "Tariq": "طارق", "Lina": "لينا", "Mei": "مي", "Karim": "كريم",
}  # fmt: skip
CHAPTER_TITLES = {
    "en": ["Welcome", "In short", "The story", "In their words", "Until next time"],
    "de": ["Willkommen", "Kurz gesagt", "Die Geschichte", "In eigenen Worten", "Bis zum nächsten Mal"],
    "el": ["Καλώς ήρθατε", "Με λίγα λόγια", "Η ιστορία", "Με δικά τους λόγια", "Μέχρι την επόμενη φορά"],  # noqa: RUF001
    "it": ["Benvenuti", "In breve", "La storia", "Con parole loro", "Alla prossima"],
    "ar": ["أهلًا بكم", "باختصار", "الحكاية", "بكلماتهم", "إلى اللقاء"],
}
SOUNDBITE_TITLES = {"en": "In short", "de": "Kurz gesagt", "el": "Με λίγα λόγια", "it": "In breve", "ar": "باختصار"}


def local_name(name: str, lang: str) -> str:
    return ARABIC_NAMES.get(name, name) if lang == "ar" else name


def episode_voices(item: dict, people: list[dict]) -> dict[str, tuple[str, str]]:
    """Who speaks an episode: the host, and a second voice (the guest, else the interpreter or producer)."""
    names = {person["key"]: person["name"] for person in people}
    credits = {credit["role"]: names[credit["contributor"]] for credit in item["contributors"]}
    second = next((role for role in ("guest", "interpreter", "producer") if role in credits), None)
    voice = {"guest": "guest", "interpreter": "third", "producer": "second"}.get(second, "second")
    return {"host": ("host", credits.get("host", "Host")), "second": (voice, credits.get(second, "Guest"))}


def episode_script(show_title: str, text: dict, voices: dict) -> list[tuple[str, str, str]]:
    """(voice, speaker, text) of each segment: the welcome, the summary, then the show notes in turns."""
    host, second = voices["host"], voices["second"]
    parts = [(host, f"{show_title}. {text['title']}."), (second, text["summary"])]
    for index, paragraph in enumerate(text["show_notes"][:3]):
        parts.append((host if index % 2 == 0 else second, paragraph))
    return [(voice, speaker, line) for (voice, speaker), line in parts]


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    return f"{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"


def transcript_vtt(script: list[tuple[str, str, str]], times: list[tuple[float, float]], lang: str) -> str:
    cues = ["WEBVTT", ""]
    for (_voice, speaker, line), (start, end) in zip(script, times, strict=False):
        cues += [f"{_timestamp(start)} --> {_timestamp(end)}", f"<v {local_name(speaker, lang)}>{line}", ""]
    return "\n".join(cues)


def add_chapters_and_transcripts(page, lang: str, scripts: dict, times: list[tuple[float, float]]) -> None:
    """Chapters at the segments, the transcript in the page's language (and the spoken English), a soundbite."""
    titles = CHAPTER_TITLES.get(lang, CHAPTER_TITLES["en"])
    for index, (start, _end) in enumerate(times):
        page.chapters.add(
            EpisodeChapter(
                start=timedelta(seconds=0 if index == 0 else start), title=titles[min(index, len(titles) - 1)]
            )
        )
    page.transcripts.add(EpisodeTranscript(content=transcript_vtt(scripts[lang], times, lang), language=lang))
    if lang != "en":
        page.transcripts.add(EpisodeTranscript(content=transcript_vtt(scripts["en"], times, "en"), language="en"))
    start, end = times[1]
    page.soundbite_start = timedelta(seconds=start)
    page.soundbite_duration = timedelta(seconds=max(5.0, round(end - start, 1)))
    page.soundbite_title = SOUNDBITE_TITLES.get(lang, SOUNDBITE_TITLES["en"])


def _related_episode_keys(content: dict, story_key: str) -> list[str]:
    return [episode["key"] for episode in content["episodes"] if story_key in episode.get("related_stories", [])]


def read_content(content_dir: Path = CONTENT_DIR) -> dict:
    """Merge the JSON files of the content folder (site pages, stories, radio) into one dict."""
    content: dict = {}
    for path in sorted(content_dir.glob("*.json")):
        content.update(json.loads(path.read_text(encoding="utf-8")))
    return content


@contextmanager
def indexing_deferred():
    """Saves made inside queue no search-index or reference-index job each (a thousand for the demo)."""
    indexed = [model for model in get_indexed_models() if getattr(model, "search_auto_update", True)]
    disconnected = [model for model in indexed if post_save.disconnect(post_save_signal_handler, sender=model)]
    disconnect_reference_index_signal_handlers()
    try:
        yield
    finally:
        connect_reference_index_signal_handlers()
        for model in disconnected:
            post_save.connect(post_save_signal_handler, sender=model)


class DemoRefused(Exception):
    """Demo content (and its superuser with a published password) never goes into production."""


def refuse_in_production() -> None:
    if getattr(settings, "HUB_PROFILE", "") == "production":
        raise DemoRefused(
            "The demo content is not loaded under the production profile: it creates a superuser whose "
            "password is published. Load it on the embedded default (hub.settings.dev) only."
        )


def load_demo_content(progress: Callable[[str], None] | None = None, content_dir: Path = CONTENT_DIR) -> LoadReport:
    refuse_in_production()
    content = read_content(content_dir)
    with transaction.atomic():
        with indexing_deferred():
            report = DemoLoader(content, progress).run()
        if report.created:
            # Everything the demo made, indexed in bulk, once: search, and the references between objects.
            quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
            call_command("update_index", **quiet)
            call_command("rebuild_references_index", **quiet)
    return report
