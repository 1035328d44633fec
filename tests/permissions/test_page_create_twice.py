"""A new page's form sent twice (an autosave still on its way when the editor presses a button) is
one page with the editor's last action, never a server error; a second page with a taken slug still
gets Wagtail's message (hub.core.page_create)."""

import lxml.html
import pytest
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from hub.core.models import StandardPage

from .test_review_workflow import form_errors

pytestmark = pytest.mark.django_db

TOKEN = "3f1c9a52-7e0b-4d4e-9a7c-1b2d3e4f5a6b"


def create_form_data(client, parent, **changes) -> dict:
    url = f"/admin/pages/add/core/standardpage/{parent.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content.decode())
    form = doc.get_element_by_id("page-edit-form")
    assert "/pages/add/" in form.get("action"), "the token script recognises the form by its action"
    for template in form.xpath(".//template"):
        template.drop_tree()
    data: dict = {}
    for name, value in form.form_values():
        if not name.startswith("body-"):
            data.setdefault(name, []).append(value)
    for name, value in nested_form_data({"body": streamfield([("paragraph", rich_text("<p>Text.</p>"))])}).items():
        data[name] = [value]
    for name, value in changes.items():
        data[name] = [value]
    return data


def test_the_editor_gets_the_token_script(world, as_role):
    client = as_role("superuser")
    response = client.get(f"/admin/pages/add/core/standardpage/{world.pages['home'].pk}/")
    assert b"hub/admin/create-token" in response.content


def test_a_form_sent_again_with_its_token_becomes_the_editors_action_on_the_same_page(world, as_role):
    client = as_role("superuser")
    home = world.pages["home"]
    url = f"/admin/pages/add/core/standardpage/{home.pk}/"
    # The background autosave: a draft.
    first = client.post(
        url, create_form_data(client, home, title="Volunteer day", slug="volunteer-day", hub_create_token=TOKEN)
    )
    assert first.status_code == 302, form_errors(first)
    page = StandardPage.objects.get(slug="volunteer-day")
    assert not page.live

    # The editor's "Publish", sent to the create view again, with the last edit.
    again = create_form_data(
        client,
        home,
        title="Volunteer day in Graz",
        slug="volunteer-day",
        hub_create_token=TOKEN,
        **{"action-publish": "1"},
    )
    response = client.post(url, again)
    assert response.status_code == 307
    assert response["Location"] == f"/admin/pages/{page.pk}/edit/"
    followed = client.post(url, again, follow=True)
    assert followed.status_code == 200, form_errors(followed)
    assert StandardPage.objects.filter(slug="volunteer-day").count() == 1
    page.refresh_from_db()
    assert page.live and page.title == "Volunteer day in Graz"


@pytest.mark.parametrize("token", ["", "5b0e7c1a-2d3f-4a5b-8c9d-0e1f2a3b4c5d", "<script>"])
def test_another_page_with_a_taken_slug_gets_the_slug_message(world, as_role, token):
    client = as_role("superuser")
    home = world.pages["home"]
    url = f"/admin/pages/add/core/standardpage/{home.pk}/"
    first = client.post(url, create_form_data(client, home, title="Contact", slug="contact", hub_create_token=TOKEN))
    assert first.status_code == 302, form_errors(first)
    second = client.post(
        url, create_form_data(client, home, title="Contact us", slug="contact", hub_create_token=token)
    )
    assert second.status_code == 200
    assert "contact" in form_errors(second)
    assert Page.objects.filter(slug="contact").count() == 1


def test_a_token_does_not_lead_to_another_editors_page(world, as_role):
    home = world.pages["home"]
    url = f"/admin/pages/add/core/standardpage/{home.pk}/"
    client = as_role("superuser")
    assert (
        client.post(
            url, create_form_data(client, home, title="Ours", slug="ours-page", hub_create_token=TOKEN)
        ).status_code
        == 302
    )
    # Another person who learns the token has no way into the page through the create view.
    world.users["editor"].is_superuser = True
    world.users["editor"].save()
    other = as_role("editor")
    response = other.post(url, create_form_data(other, home, title="Theirs", slug="ours-page", hub_create_token=TOKEN))
    assert response.status_code == 200, "Wagtail's slug message, no redirect"
    assert StandardPage.objects.get(slug="ours-page").title == "Ours"
