"""Querysets behind the public campaign pages, each a fixed number of queries however long."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from wagtail.images import get_image_model

from hub.access.policy import listed

from .models import CampaignPage

GALLERY_RENDITIONS = ("fill-480x320|format-webp",)


def index_campaigns(index_page, viewer=None) -> QuerySet:
    return listed(CampaignPage.objects.child_of(index_page), viewer).order_by("-start_date", "-pk")


def campaign_media(campaign: CampaignPage, viewer=None) -> dict:
    """Places, partners, images, audio spots and documents of a campaign page."""
    from hub.stories.filters import card_queryset
    from hub.stories.models import StoryPage

    # A preview holds its related stories in memory: ask the database which of them may be seen.
    chosen = [story.pk for story in campaign.related_stories.all()]

    images = campaign.images.prefetch_related(
        Prefetch("image", queryset=get_image_model().objects.prefetch_renditions(*GALLERY_RENDITIONS))
    )
    return {
        "places": list(campaign.places.all()),
        "partners": list(campaign.partners.all()),
        "images": list(images),
        "audio_spots": list(campaign.audio_spots.select_related("audio").prefetch_related("audio__renditions")),
        "documents": list(campaign.documents.select_related("document")),
        "related_stories": list(
            card_queryset(listed(StoryPage.objects.filter(pk__in=chosen), viewer)).order_by("-publication_date", "-pk")
        ),
    }
