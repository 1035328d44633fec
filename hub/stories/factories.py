import datetime

import factory
import wagtail_factories

from .models import StoryIndexPage, StoryPage, Theme


class ThemeFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")

    class Meta:
        model = Theme


class StoryIndexPageFactory(wagtail_factories.PageFactory):
    title = "Stories"
    slug = "stories"

    class Meta:
        model = StoryIndexPage


class StoryPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Story {n}")
    storyteller_name = "Amina"
    country = "GR"
    city = "Piraeus"
    publication_date = factory.LazyFunction(datetime.date.today)
    hero_image = factory.SubFactory(wagtail_factories.ImageFactory)
    hero_alt = "Abstract illustration"
    summary = "A short summary."
    body = factory.LazyFunction(lambda: [{"type": "paragraph", "value": "<p>Story text.</p>"}])
    no_identifiable_person = True  # consent tests link real records instead

    class Meta:
        model = StoryPage
