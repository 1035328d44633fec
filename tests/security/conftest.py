"""One small world with every kind of object in every state, for the attack tests.

Built once for the package inside a transaction that is rolled back at the end (as the feed tests
do). Files are real files in the test profile's storages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.utils import timezone

STATES = ("draft", "embargoed", "partner-only", "released", "withdrawn", "private")


@dataclass
class World:
    show: object = None
    episodes: dict = field(default_factory=dict)  # state -> EpisodePage
    stories: dict = field(default_factory=dict)  # "clip-<state>" -> StoryPage
    documents: dict = field(default_factory=dict)  # "public" / "private" -> Document
    record: object = None  # a consent record with evidence
    partner: object = None  # subscribed to the show
    token: str = ""
    other_token: str = ""  # of a partner without any subscription
    users: dict = field(default_factory=dict)  # "editor", "moderator", "officer"


def _user(username: str, *codenames: str, superuser: bool = False, groups=()):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw-" + username)
    if superuser:
        user.is_superuser = user.is_staff = True
        user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    for group in groups:
        user.groups.add(group)
    return user


def build_world() -> World:
    from wagtail.documents import get_document_model
    from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

    from hub.consent.models import ConsentRecord
    from hub.consent.takedown import apply_lapse
    from hub.partners.factories import PartnerOrganisationFactory
    from hub.partners.models import PartnerFeedToken, PartnerShowSubscription
    from hub.radio.models import EpisodeChapter, EpisodeTranscript, ShowPage
    from hub.stories.factories import StoryPageFactory
    from hub.stories.models import StoryIndexPage
    from tests.conftest import build_site_tree
    from tests.feeds.conftest import VTT, fresh, make_episode, publish

    tree = build_site_tree()
    world = World(show=ShowPage.objects.get(pk=tree.page("show").pk))
    now = timezone.now()
    show = world.show
    world.episodes["draft"] = make_episode(show, live=False, title="Draft episode", slug="draft")
    world.episodes["embargoed"] = make_episode(
        show,
        title="Embargoed episode",
        slug="embargoed",
        partner_release_at=now + timedelta(days=2),
        public_release_at=now + timedelta(days=3),
    )
    world.episodes["partner-only"] = make_episode(
        show,
        title="Partner-only episode",
        slug="partner-only",
        partner_release_at=now - timedelta(hours=2),
        public_release_at=now + timedelta(days=3),
    )
    world.episodes["released"] = make_episode(show, title="Released episode", slug="released")
    world.episodes["private"] = make_episode(show, title="Private episode", slug="private")
    PageViewRestriction.objects.create(page=world.episodes["private"], restriction_type="login")

    # A consent that covers everything, linked to an episode, then withdrawn: the takedown runs.
    record = ConsentRecord.objects.create(
        public_name="Layla",
        granted_on=now.date() - timedelta(days=30),
        scope_website=True,
        scope_podcast=True,
        scope_broadcast=True,
        scope_redistribution=True,
    )
    record.evidence.save("Layla Haddad signed form.pdf", ContentFile(b"%PDF-1.4 consent of Layla"))
    world.record = record
    withdrawn = make_episode(show, live=False, title="Withdrawn episode", slug="withdrawn")
    withdrawn.no_identifiable_person = False
    withdrawn.save()
    withdrawn.consents.add(record)
    withdrawn = publish(withdrawn)
    world.episodes["withdrawn"] = withdrawn
    for episode in world.episodes.values():
        EpisodeChapter.objects.create(episode=episode, start=timedelta(seconds=0), title="Intro")
        EpisodeTranscript.objects.create(episode=episode, language="en", content=VTT)

    # Stories that clip each episode's audio (the withdrawn one's before its withdrawal).
    index = StoryIndexPage.objects.get(pk=tree.page("story_index").pk)
    for state, episode in world.episodes.items():
        story = StoryPageFactory(
            parent=index,
            slug=f"clip-{state}",
            title=f"Story with a clip of the {state} episode",
            body=[
                {"type": "paragraph", "value": "<p>Listen.</p>"},
                {"type": "audio", "value": {"audio": episode.audio.pk, "caption": f"Clip {state}"}},
            ],
        )
        story.save_revision().publish()
        world.stories[state] = fresh(story)

    record.withdrawn_on = now.date()
    record.withdrawal_reason = "Asked to be removed"
    record.save()
    apply_lapse(record, "withdrawn")
    world.episodes["withdrawn"] = fresh(withdrawn)

    # Documents: one in the root collection, one in a collection only logged-in users may see.
    Document = get_document_model()
    root = Collection.get_first_root_node()
    private = root.add_child(name="Board papers")
    CollectionViewRestriction.objects.create(collection=private, restriction_type="login")
    for kind, collection in (("public", root), ("private", private)):
        document = Document(title=f"{kind} document", collection=collection)
        document.file.save(f"{kind}-minutes.pdf", ContentFile(b"%PDF-1.4 " + kind.encode()), save=False)
        document.save()
        world.documents[kind] = document

    world.partner = PartnerOrganisationFactory(name="Radio Subscribed", is_broadcast_partner=True)
    PartnerShowSubscription.objects.create(partner=world.partner, show=show)
    token = PartnerFeedToken(partner=world.partner, label="Playout")
    world.token = token.set_new_token()
    token.save()
    other = PartnerOrganisationFactory(name="Radio Elsewhere", is_broadcast_partner=True)
    other_token = PartnerFeedToken(partner=other, label="Other playout")
    world.other_token = other_token.set_new_token()
    other_token.save()

    editors, _ = Group.objects.get_or_create(name="Editors: Radio Elsewhere")
    editors.permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "add_audioasset", "change_audioasset"])
    )
    world.users["editor"] = _user("editor-elsewhere", groups=[editors])
    world.users["moderator"] = _user("moderator", superuser=True)
    world.users["officer"] = _user("officer", "access_admin", "view_private_consent_fields", "view_consentrecord")
    return world


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def as_user(client):
    """A client logged in as one of the world's users, or anonymous for None."""

    def login(world, name):
        if name is not None:
            client.force_login(world.users[name])
        return client

    return login
