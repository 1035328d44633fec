"""Editorial roles: editors write for their own organisation, moderators approve and publish."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Locale

from hub.consent.roles import (
    CONSENT_OFFICERS,
    MODERATORS,
    RADIO_MANAGERS,
    WORKFLOW_NAME,
    editor_group_name,
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


def member(django_user_model, group_name, username):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "x")
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_groups_are_created_idempotently(roles):
    groups, ours, _theirs = roles
    assert {MODERATORS, CONSENT_OFFICERS, RADIO_MANAGERS, editor_group_name(ours)} <= set(groups)
    count = Group.objects.count()
    setup_roles()
    assert Group.objects.count() == count


def test_stories_and_episodes_need_review(roles, site_tree, django_user_model):
    _groups, ours, _theirs = roles
    assert site_tree.page("story", "en").get_workflow().name == WORKFLOW_NAME
    assert site_tree.page("episode", "de").get_workflow().name == WORKFLOW_NAME
    editor = member(django_user_model, editor_group_name(ours), "editor")
    moderator = member(django_user_model, MODERATORS, "moderator")
    story = site_tree.page("story", "en")
    assert story.permissions_for_user(editor).can_edit()
    assert not story.permissions_for_user(editor).can_publish(), "editors submit for review"
    assert story.permissions_for_user(moderator).can_publish()


def test_editors_only_edit_their_own_organisations_pages(roles, site_tree, client, django_user_model):
    _groups, ours, theirs = roles
    story = type(site_tree.page("story", "en")).objects.get(pk=site_tree.page("story", "en").pk)
    story.partners.set([theirs])
    story.save_revision().publish()
    editor = member(django_user_model, editor_group_name(ours), "own-editor")
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
    editor = member(django_user_model, editor_group_name(ours), "radio-editor")
    client.force_login(editor)
    assert client.get(f"/admin/pages/{episode.pk}/edit/").status_code == 302, "another organisation's show"
    assert client.get(f"/admin/pages/add/radio/episodepage/{show.pk}/").status_code == 302
    show.partners.set([ours])
    show.save_revision().publish()
    assert client.get(f"/admin/pages/{episode.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/add/radio/episodepage/{show.pk}/").status_code == 200
