"""The "Editorial review" workflow holds: editors' changes wait for a moderator of their organisation."""

import lxml.html
import pytest
from wagtail.models import Page, TaskState, Workflow
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from hub.consent.roles import WORKFLOW_NAME, setup_roles
from hub.consent.workflow import OrganisationApprovalTask

pytestmark = pytest.mark.django_db


def edit_form_data(client, page, **changes) -> dict:
    """What a browser would post from the page's edit form, with ``changes`` applied.

    The body is a StreamField, whose inputs the admin's JavaScript builds, so it is given here.
    """
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    form = lxml.html.fromstring(response.content.decode()).get_element_by_id("page-edit-form")
    for template in form.xpath(".//template"):  # a browser leaves <template> content out of the form
        template.drop_tree()
    data: dict = {}
    for name, value in form.form_values():
        if not name.startswith("body-"):
            data.setdefault(name, []).append(value)
    body = nested_form_data({"body": streamfield([("paragraph", rich_text("<p>Changed text.</p>"))])})
    for name, value in body.items():
        data[name] = [value]
    for name, value in changes.items():
        data[name] = [value]
    return data


def form_errors(response) -> str:
    """The error messages of a form page the admin answered with, for the assertion message."""
    if response.status_code != 200:
        return ""
    doc = lxml.html.fromstring(response.content.decode())
    return " | ".join(
        " ".join(node.text_content().split())
        for node in doc.xpath(
            "//*[contains(@class, 'error-message') or contains(@class, 'w-field__errors') or @role='alert']"
        )
    )


def live_title(page) -> str:
    return Page.objects.get(pk=page.pk).title


def test_the_workflow_has_its_approval_task(world):
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    tasks = [task.specific for task in workflow.tasks]
    assert len(tasks) == 1 and isinstance(tasks[0], OrganisationApprovalTask)
    setup_roles()
    assert Workflow.objects.get(name=WORKFLOW_NAME).workflow_tasks.count() == 1, "setting up again adds nothing"
    assert world.pages["story"].get_workflow() == workflow
    assert world.pages["episode"].get_workflow() == workflow


def test_an_editors_submission_waits_for_a_moderator_of_the_organisation(world, as_role):
    story = world.pages["story"]
    before = live_title(story)
    client = as_role("editor")
    response = client.post(
        f"/admin/pages/{story.pk}/edit/",
        edit_form_data(client, story, title="Reviewed title", **{"action-submit": "1"}),
    )
    assert response.status_code == 302, form_errors(response)
    assert response["Location"] != "/admin/", "no permission page"
    story.refresh_from_db()
    assert live_title(story) == before, "nothing is published before review"
    assert story.workflow_in_progress
    state = story.current_workflow_task_state
    assert isinstance(state.task.specific, OrganisationApprovalTask)

    # A moderator of another organisation can neither see nor approve it.
    other = world.users["other_moderator"]
    assert state.pk not in TaskState.objects.reviewable_by(other).values_list("pk", flat=True)
    assert state.task.specific.get_actions(story, other) == []
    approve = f"/admin/pages/workflow/action/{story.pk}/approve/{state.pk}/"
    response = as_role("other_moderator").post(approve)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    story.refresh_from_db()
    assert story.workflow_in_progress and live_title(story) == before
    # The editor cannot approve their own submission either.
    assert as_role("editor").post(approve)["Location"] == "/admin/"
    assert live_title(story) == before

    # The moderator of the story's organisation sees it waiting and approves: now it is published.
    moderator = world.users["moderator"]
    assert state.pk in TaskState.objects.reviewable_by(moderator).values_list("pk", flat=True)
    dashboard = as_role("moderator").get("/admin/").content.decode()
    assert "Waiting for review" in dashboard and story.title in dashboard.split("Waiting for review")[1]
    assert "Their secret draft" not in dashboard
    response = as_role("moderator").post(approve)
    assert response.status_code == 302 and response["Location"] != "/admin/"
    story.refresh_from_db()
    assert not story.workflow_in_progress
    assert live_title(story) == "Reviewed title"


def test_editors_cannot_publish_without_review(world, as_role):
    story = world.pages["story"]
    before = live_title(story)
    client = as_role("editor")
    client.post(
        f"/admin/pages/{story.pk}/edit/",
        edit_form_data(client, story, title="Published directly", **{"action-publish": "1"}),
    )
    assert live_title(story) == before
    story.refresh_from_db()
    assert not story.permissions_for_user(world.users["editor"]).can_publish()
    assert not story.permissions_for_user(world.users["editor"]).can_unpublish()
    assert as_role("editor").post(f"/admin/pages/{story.pk}/unpublish/")["Location"] == "/admin/"
    assert Page.objects.get(pk=story.pk).live


def test_a_moderators_submission_waits_for_review_too(world, as_role):
    """Submitting is not publishing, for moderators as well (it published at once while the workflow had no task)."""
    story = world.pages["story"]
    before = live_title(story)
    client = as_role("moderator")
    client.post(
        f"/admin/pages/{story.pk}/edit/",
        edit_form_data(client, story, title="Submitted by a moderator", **{"action-submit": "1"}),
    )
    story.refresh_from_db()
    assert story.workflow_in_progress
    assert live_title(story) == before


def test_an_editor_cannot_hand_a_page_to_another_organisation(world, as_role):
    story = world.pages["story"]
    client = as_role("editor")
    data = edit_form_data(client, story, title="Handed over")
    data["partners"] = [str(world.partners["theirs"].pk)]
    response = client.post(f"/admin/pages/{story.pk}/edit/", data)
    assert response.status_code == 200
    assert "Name your own organisation" in response.content.decode()
    assert set(story.partners.values_list("pk", flat=True)) == {world.partners["ours"].pk}
