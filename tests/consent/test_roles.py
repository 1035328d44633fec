"""Editorial roles: editors write for their own organisation, moderators approve and publish."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Locale

from hub.consent.roles import (
    CONSENT_OFFICERS,
    EDITORS,
    MODERATORS,
    RADIO_MANAGERS,
    WORKFLOW_NAME,
    set_user_organisation,
    setup_roles,
)
from hub.partners.factories import PartnerOrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles(site_tree):
    english = Locale.objects.get(language_code="en")
    ours = PartnerOrganisationFactory(name="Verein Multikulturell", locale=english)
    theirs = PartnerOrganisationFactory(name="CIDIS", locale=english)
    return setup_roles(), ours, theirs


def member(django_user_model, group_name, username, organisation=None):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "x")
    user.groups.add(Group.objects.get(name=group_name))
    if organisation is not None:
        set_user_organisation(user, organisation)
    return user


def test_groups_are_created_idempotently(roles):
    groups, _ours, _theirs = roles
    assert {MODERATORS, CONSENT_OFFICERS, RADIO_MANAGERS, EDITORS} <= set(groups)
    count = Group.objects.count()
    setup_roles()
    assert Group.objects.count() == count


def test_stories_and_episodes_need_review(roles, site_tree, django_user_model):
    _groups, ours, _theirs = roles
    assert site_tree.page("story", "en").get_workflow().name == WORKFLOW_NAME
    assert site_tree.page("episode", "de").get_workflow().name == WORKFLOW_NAME
    editor = member(django_user_model, EDITORS, "editor", ours)
    moderator = member(django_user_model, MODERATORS, "moderator", ours)
    story = type(site_tree.page("story", "en")).objects.get(pk=site_tree.page("story", "en").pk)
    story.partners.set([ours])
    story.save_revision().publish()
    assert story.permissions_for_user(editor).can_edit()
    assert not story.permissions_for_user(editor).can_publish(), "editors submit for review"
    assert story.permissions_for_user(moderator).can_publish()


def test_editors_only_edit_their_own_organisations_pages(roles, site_tree, client, django_user_model):
    _groups, ours, theirs = roles
    story = type(site_tree.page("story", "en")).objects.get(pk=site_tree.page("story", "en").pk)
    story.partners.set([theirs])
    story.save_revision().publish()
    editor = member(django_user_model, EDITORS, "own-editor", ours)
    client.force_login(editor)
    response = client.get(f"/admin/pages/{story.pk}/edit/")
    assert response.status_code == 302, "another organisation's story is refused"
    story.partners.set([theirs, ours])
    story.save_revision().publish()
    assert client.get(f"/admin/pages/{story.pk}/edit/").status_code == 200


def test_dashboard_shows_expiring_consents(roles, admin_client):
    import datetime

    from hub.consent.models import ConsentRecord

    today = datetime.date.today()
    ConsentRecord.objects.create(
        public_name="Soon Expiring",
        granted_on=today,
        expires_on=today + datetime.timedelta(days=10),
        scope_website=True,
    )
    ConsentRecord.objects.create(
        public_name="Far Future", granted_on=today, expires_on=today + datetime.timedelta(days=90), scope_website=True
    )
    html = admin_client.get("/admin/").content.decode()
    assert "Soon Expiring" in html
    assert "Far Future" not in html


def test_editors_only_edit_episodes_of_their_own_organisations_shows(roles, site_tree, client, django_user_model):
    _groups, ours, theirs = roles
    show = type(site_tree.page("show", "en")).objects.get(pk=site_tree.page("show", "en").pk)
    episode = site_tree.page("episode", "en")
    show.partners.set([theirs])
    show.save_revision().publish()
    editor = member(django_user_model, EDITORS, "radio-editor", ours)
    client.force_login(editor)
    assert client.get(f"/admin/pages/{episode.pk}/edit/").status_code == 302, "another organisation's show"
    assert client.get(f"/admin/pages/add/radio/episodepage/{show.pk}/").status_code == 302
    show.partners.set([ours])
    show.save_revision().publish()
    assert client.get(f"/admin/pages/{episode.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/add/radio/episodepage/{show.pk}/").status_code == 200


def test_scoping_fails_closed(roles, site_tree, client, django_user_model):
    """An editor without an organisation acts on no page; a renamed partner changes nothing."""
    _groups, ours, _theirs = roles
    story = type(site_tree.page("story", "en")).objects.get(pk=site_tree.page("story", "en").pk)
    story.partners.set([ours])
    story.save_revision().publish()
    lone = member(django_user_model, EDITORS, "lone-editor")
    assert not story.permissions_for_user(lone).can_edit()
    assert not site_tree.page("story_index", "en").permissions_for_user(lone).can_add_subpage()
    client.force_login(lone)
    assert client.get(f"/admin/pages/{story.pk}/edit/").status_code == 302

    editor = member(django_user_model, EDITORS, "renamed-editor", ours)
    ours.name = "A new name"
    ours.save()
    assert story.permissions_for_user(editor).can_edit(), "the relation, not the name, decides"
