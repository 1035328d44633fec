"""Feeds are gathered in a constant number of queries, however many episodes a show has."""

import pytest
import wagtail_factories
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.partners.factories import PartnerOrganisationFactory
from hub.partners.models import PartnerFeedToken, PartnerShowSubscription
from hub.radio.models import Contributor

from .conftest import rich_episode

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> tuple[int, bytes]:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content


def grow_to(show, count):
    while show.get_children().count() < count:
        rich_episode(
            show, title=f"Episode {show.get_children().count()}", slug=f"episode-{show.get_children().count()}"
        )


def test_show_feed_queries_do_not_grow_with_episodes(client, show, django_assert_max_num_queries):
    url = f"/feeds/shows/{show.pk}.xml"
    grow_to(show, 10)
    # Contributors with images, internal links in show notes: the expensive cases.
    Contributor.objects.filter(name="Amina K.").update(image=wagtail_factories.ImageFactory())
    count_queries(client, url)  # the first request renders the artwork once
    ten, body_ten = count_queries(client, url)
    grow_to(show, 50)
    with django_assert_max_num_queries(ten):
        fifty_count, body_fifty = count_queries(client, url)
    assert body_fifty.count(b"<item>") == 50 + body_ten.count(b"<item>") - 10
    assert fifty_count <= ten


def test_partner_feed_queries_do_not_grow_with_episodes(client, show):
    partner = PartnerOrganisationFactory(is_broadcast_partner=True)
    PartnerShowSubscription.objects.create(partner=partner, show=show)
    token = PartnerFeedToken(partner=partner, label="Test")
    raw = token.set_new_token()
    token.save()
    url = f"/feeds/partners/{raw}/feed.xml"
    grow_to(show, 10)
    count_queries(client, url)
    ten, _body = count_queries(client, url)
    grow_to(show, 50)
    fifty, body = count_queries(client, url)
    assert body.count(b"<item>") >= 49  # the tree's own episode has no renditions
    assert fifty <= ten, (ten, fifty)
