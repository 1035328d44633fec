"""Every admin screen the hub adds speaks the editor's language.

Each hub admin view is rendered for an editor whose admin language is each of the five UI
languages; no text of the page may be one of the hub catalogue's strings left in English where
the catalogue has a translation (labels, buttons, statuses, column headings, messages, titles).
"""

import datetime
import zoneinfo
from html.parser import HTMLParser

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail.users.models import UserProfile

from hub.audio.factories import AudioAssetFactory
from hub.consent.models import ConsentRecord, TakedownNotice, TakedownReport
from hub.partners.factories import PartnerOrganisationFactory
from hub.partners.models import PartnerFeedToken
from hub.radio.models import Contributor
from hub.stories.models import Theme

pytestmark = pytest.mark.django_db

UI_CODES = [code for code, _name in settings.UI_LANGUAGES]
CHECKED_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


class Texts(HTMLParser):
    """The visible texts of a page: text nodes and the attributes people read or hear."""

    def __init__(self):
        super().__init__()
        self.texts: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in CHECKED_ATTRIBUTES and value:
                self.texts.add(" ".join(value.split()))

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.add(" ".join(data.split()))


def visible_texts(html: str) -> set[str]:
    parser = Texts()
    parser.feed(html)
    return parser.texts


def english_only(code: str) -> set[str]:
    """Catalogue strings whose translation in ``code`` differs from the English text."""
    po = polib.pofile(str(settings.BASE_DIR / "locale" / code / "LC_MESSAGES" / "django.po"))
    strings = set()
    for entry in po:
        if entry.obsolete or entry.msgid_plural or "%" in entry.msgid or len(entry.msgid) < 3:
            continue
        if entry.msgstr and entry.msgstr != entry.msgid:
            strings.add(" ".join(entry.msgid.split()))
    return strings


@pytest.fixture
def admin_objects(site_tree):
    english = Locale.objects.get(language_code="en")
    asset = AudioAssetFactory(title="Kitchen talk", duration_seconds=75.2)
    asset.loudness_before = {"integrated_lufs": -21.0, "true_peak_dbtp": None, "loudness_range_lu": 4.0}
    asset.save()
    partner = PartnerOrganisationFactory(name="Quokka University", locale=english, is_broadcast_partner=True)
    token = PartnerFeedToken(partner=partner, label="Playout")
    token.set_new_token()
    token.save()
    person = ConsentRecord.objects.create(
        public_name="Amina", legal_name="Amina H.", granted_on=datetime.date(2026, 1, 10), scope_website=True
    )
    story = type(site_tree.page("story", "en")).objects.get(pk=site_tree.page("story", "en").pk)
    story.consents.set([person])
    story.save_revision().publish()
    withdrawn = ConsentRecord.objects.create(
        public_name="Yonas",
        granted_on=datetime.date(2026, 1, 10),
        withdrawn_on=datetime.date(2026, 2, 1),
        withdrawal_reason="Asked by phone",
    )
    report = TakedownReport.objects.create(
        consent=withdrawn,
        reason="withdrawn",
        actions=[{"page": story.pk, "title": "A story", "locale": "en", "action": "unpublished"}],
    )
    notice = TakedownNotice.objects.create(
        partner=partner, page=Page.objects.get(pk=story.pk), consent=withdrawn, files=["first.mp3"]
    )
    contributor = Contributor.objects.create(name="Zaid", role="host", locale=english)
    theme = Theme.objects.create(name="Food aid", slug="food-aid", locale=english)
    return {
        "asset": asset,
        "record": person,
        "story": story,
        "episode": site_tree.page("episode", "en"),
        "report": report,
        "notice": notice,
        "contributor": contributor,
        "theme": theme,
        "partner": partner,
    }


def hub_admin_urls(objects) -> list[str]:
    return [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_account"),
        reverse("wagtailsnippets_audio_audioasset:list"),
        reverse("wagtailsnippets_audio_audioasset:add"),
        reverse("wagtailsnippets_audio_audioasset:inspect", args=[objects["asset"].pk]),
        reverse("wagtailsnippetchoosers_audio_audioasset:choose"),
        reverse("wagtailsnippets_consent_consentrecord:list"),
        reverse("wagtailsnippets_consent_consentrecord:add") + f"?for_page={objects['story'].pk}",
        reverse("wagtailsnippets_consent_consentrecord:edit", args=[objects["record"].pk]),
        reverse("wagtailsnippetchoosers_consent_consentrecord:choose") + "?multiple=1",
        reverse("hub_consent_withdraw", args=[objects["record"].pk]),
        reverse("takedown-notices:index"),
        reverse("takedown-notices:inspect", args=[objects["notice"].pk]),
        reverse("takedown-reports:index"),
        reverse("takedown-reports:inspect", args=[objects["report"].pk]),
        reverse("wagtailsnippets_radio_contributor:list"),
        reverse("wagtailsnippets_radio_contributor:edit", args=[objects["contributor"].pk]),
        reverse("wagtailsnippetchoosers_radio_contributor:choose"),
        reverse("wagtailsnippets_stories_theme:list"),
        reverse("wagtailsnippets_partners_partnerorganisation:list"),
        reverse("partner-feed-tokens:index"),
        reverse("pull-receipts:index"),
        reverse("wagtailadmin_pages:edit", args=[objects["story"].pk]),
        reverse("wagtailadmin_pages:edit", args=[objects["episode"].pk]),
        reverse("wagtailadmin_pages:history", args=[objects["story"].pk]),
    ]


@pytest.mark.parametrize("code", UI_CODES)
def test_hub_admin_views_have_no_untranslated_string(code, admin_objects, client, django_user_model):
    user = django_user_model.objects.create_superuser(f"editor-{code}", f"{code}@example.org", "x")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = code
    profile.save()
    client.force_login(user)
    untranslated = english_only(code) if code != "en" else set()
    # Content (titles, names) is the editors' own text, in whatever language they wrote it.
    content = set(Page.objects.values_list("title", flat=True)) | {"Kitchen talk", "Amina", "Zaid", "Food aid"}
    # Languages are named in their own language, and time zones by their IANA names ("Poland").
    content |= {name for _code, name in settings.WAGTAIL_CONTENT_LANGUAGES} | zoneinfo.available_timezones()
    problems = {}
    for url in hub_admin_urls(admin_objects):
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("application/json"):
            html = response.json().get("html", "")
        else:
            html = response.content.decode()
            assert f'lang="{code}"' in html, url
        found = (visible_texts(html) & untranslated) - content
        if found:
            problems[url] = sorted(found)
    assert not problems, "\n".join(f"{url}: {texts}" for url, texts in problems.items())
