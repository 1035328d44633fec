"""A small hub with two partner organisations, a coordinator, and one user per role.

Built once per module inside a transaction that is rolled back afterwards (like ``site_tree``),
with only the pages the permission tests need, in English.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.models import Page, Site

from hub.audio.factories import AudioAssetFactory
from hub.audio.models import AudioStatus, Rendition
from hub.consent.models import ConsentRecord
from hub.consent.roles import CONSENT_OFFICERS, EDITORS, MODERATORS, RADIO_MANAGERS, set_user_organisation, setup_roles
from hub.core.factories import HomePageFactory
from hub.partners.factories import PartnerOrganisationFactory
from hub.radio.factories import EpisodePageFactory, RadioIndexPageFactory, ShowPageFactory
from hub.stories.factories import StoryIndexPageFactory, StoryPageFactory
from tests.conftest import ensure_locales

PASSWORD = "not-a-demo-password"

ROLES = [
    "anonymous",
    "other_editor",
    "editor",
    "editor_without_organisation",
    "moderator",
    "other_moderator",
    "coordinating_moderator",
    "officer",
    "radio_manager",
    "superuser",
]


@dataclass
class World:
    pages: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    partners: dict = field(default_factory=dict)
    assets: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)


def _user(django_user_model, name, groups=(), organisation=None, superuser=False):
    make = django_user_model.objects.create_superuser if superuser else django_user_model.objects.create_user
    user = make(name, f"{name}@example.org", PASSWORD)
    user.groups.add(*Group.objects.filter(name__in=groups))
    if organisation is not None:
        set_user_organisation(user, organisation)
    return user


def build_world(django_user_model) -> World:
    locales = ensure_locales()
    english = locales["en"]
    world = World()
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=english))
    for stale in root.get_children():
        stale.delete()
    home = HomePageFactory(parent=root, slug="home", locale=english)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    ours = PartnerOrganisationFactory(name="Radio Ours", locale=english)
    theirs = PartnerOrganisationFactory(name="Radio Theirs", locale=english)
    coordinator = PartnerOrganisationFactory(name="Coordination", locale=english, is_coordinator=True)
    world.partners.update(ours=ours, theirs=theirs, coordinator=coordinator)

    pages = world.pages
    pages["home"] = home
    pages["story_index"] = StoryIndexPageFactory(parent=home)
    pages["story"] = StoryPageFactory(parent=pages["story_index"], slug="ours", title="Our story")
    pages["other_story"] = StoryPageFactory(parent=pages["story_index"], slug="theirs", title="Their story")
    pages["radio_index"] = RadioIndexPageFactory(parent=home)
    pages["show"] = ShowPageFactory(parent=pages["radio_index"], slug="our-show")
    pages["episode"] = EpisodePageFactory(parent=pages["show"], slug="first")
    pages["story"].partners.set([ours])
    pages["other_story"].partners.set([theirs])
    pages["show"].partners.set([ours])
    for page in pages.values():
        page.save_revision().publish()
    pages["their_draft"] = StoryPageFactory(parent=pages["story_index"], slug="draft", title="Their secret draft")
    pages["their_draft"].partners.set([theirs])
    pages["their_draft"].save()
    Page.objects.filter(pk=pages["their_draft"].pk).update(live=False)
    for name in list(pages):
        pages[name] = pages[name].specific_class.objects.get(pk=pages[name].pk)

    setup_roles()
    users = world.users
    users["anonymous"] = None
    users["editor"] = _user(django_user_model, "editor", [EDITORS], ours)
    users["other_editor"] = _user(django_user_model, "other-editor", [EDITORS], theirs)
    users["editor_without_organisation"] = _user(django_user_model, "lone-editor", [EDITORS])
    users["moderator"] = _user(django_user_model, "moderator", [MODERATORS], ours)
    users["other_moderator"] = _user(django_user_model, "other-moderator", [MODERATORS], theirs)
    users["coordinating_moderator"] = _user(django_user_model, "coordinator", [MODERATORS], coordinator)
    users["officer"] = _user(django_user_model, "officer", [CONSENT_OFFICERS])
    users["radio_manager"] = _user(django_user_model, "radio", [RADIO_MANAGERS])
    users["superuser"] = _user(django_user_model, "root", superuser=True)

    world.assets["ours"] = AudioAssetFactory(title="Our recording", uploaded_by=users["editor"])
    world.assets["theirs"] = AudioAssetFactory(title="Their recording", uploaded_by=users["other_editor"])
    world.assets["withdrawn"] = AudioAssetFactory(
        title="Withdrawn recording", uploaded_by=users["editor"], status=AudioStatus.WITHDRAWN
    )
    for key in ("ours", "theirs"):
        asset = world.assets[key]
        rendition = Rendition(
            asset=asset,
            preset="podcast-mp3",
            mime_type="audio/mpeg",
            size_bytes=5,
            duration_seconds=1.0,
            sample_rate=44100,
            channels=1,
            integrated_lufs=-16.0,
            target_lufs=-16.0,
            sha256="0" * 64,
        )
        rendition.file.save(f"perm-{key}.mp3", ContentFile(b"ID3xx"), save=False)
        rendition.save()
        world.assets[f"{key}_rendition"] = rendition
    record = ConsentRecord.objects.create(public_name="Evidence Holder", granted_on="2026-01-01", scope_website=True)
    record.evidence.save("signed-form.pdf", ContentFile(b"%PDF-1.4 signed"), save=True)
    world.records["with_evidence"] = record
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world(get_user_model())
        transaction.set_rollback(True)


@pytest.fixture
def as_role(client, world):
    """A test client logged in as the user of a role (anonymous: not logged in)."""

    def login(role):
        client.logout()
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        return client

    return login


def outcome(response) -> str:
    """What the admin answered: 'ok', 'denied' (Wagtail's permission-denied redirect or 403),
    'login' (sent to log in), 'missing' (404) or the status code."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/admin/login/"):
            return "login"
        if location == "/admin/":
            return "denied"
        return "ok"
    if response.status_code == 403:
        return "denied"
    if response.status_code == 404:
        return "missing"
    if response.status_code == 200:
        return "ok"
    return str(response.status_code)
