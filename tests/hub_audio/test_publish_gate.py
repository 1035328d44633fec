"""An episode can only be published with ready audio, whichever way it is published."""

import pytest
from django.core.exceptions import ValidationError

from hub.audio.factories import AudioAssetFactory
from hub.audio.models import AudioStatus

pytestmark = pytest.mark.django_db


def fresh(page):
    """The page as stored now (the module's tree objects may hold state from earlier tests)."""
    return type(page).objects.get(pk=page.pk)


@pytest.mark.parametrize("status", [AudioStatus.QUEUED, AudioStatus.PROCESSING, AudioStatus.FAILED])
def test_publishing_with_unready_audio_is_refused_in_the_model(site_tree, status):
    episode = fresh(site_tree.page("episode", "de"))
    episode.audio = AudioAssetFactory(status=status, title="Unfinished")
    revision = episode.save_revision()
    with pytest.raises(ValidationError, match="Unfinished"):
        revision.publish()


def test_admin_publish_shows_the_reason(site_tree, admin_client):
    episode = fresh(site_tree.page("episode", "el"))
    waiting = AudioAssetFactory(status=AudioStatus.PROCESSING, title="Still rendering")
    edit_url = f"/admin/pages/{episode.pk}/edit/"
    form = admin_client.get(edit_url).context["form"]
    data = {key: value for key, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(
        {
            "title": episode.title,
            "slug": episode.slug,
            "summary": episode.summary,
            "show_notes": '{"blocks": [{"key": "a", "type": "unstyled", "text": "Notes", "depth": 0, '
            '"inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}}',
            "audio": waiting.pk,
            "publication_date": episode.publication_date.isoformat(),
            "episode_type": "full",
            "action-publish": "action-publish",
        }
    )
    for formset in form.formsets.values():  # every inline panel, empty
        data.update({f"{formset.prefix}-{key}": 0 for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS")})
        data[f"{formset.prefix}-MAX_NUM_FORMS"] = 1000
    # The refused publish keeps the draft and says why it was not published.
    response = admin_client.post(edit_url, data, follow=True)
    assert response.status_code == 200
    assert "is not ready" in response.content.decode()
    episode.refresh_from_db()
    assert episode.audio_id != waiting.pk

    data.pop("action-publish")
    response = admin_client.post(edit_url, data)
    assert response.status_code == 302, "saving a draft with unready audio is fine"


def test_publishing_with_ready_audio_works(site_tree):
    episode = fresh(site_tree.page("episode", "it"))
    episode.audio = AudioAssetFactory(status=AudioStatus.READY)
    episode.save_revision().publish()
    episode.refresh_from_db()
    assert episode.live
