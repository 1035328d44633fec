"""Factories for the shared page types (wagtail-factories)."""

import factory
import wagtail_factories
from wagtail.models import Locale

from .models import EventPage, HomePage, Language, RecommendationsPage, StandardPage


class LocaleFactory(factory.django.DjangoModelFactory):
    language_code = "en"

    class Meta:
        model = Locale
        django_get_or_create = ["language_code"]


class LanguageFactory(factory.django.DjangoModelFactory):
    code = factory.Iterator(["ar", "el", "de", "it", "fa", "ti"])
    name = factory.LazyAttribute(lambda obj: obj.code)

    class Meta:
        model = Language
        django_get_or_create = ["code"]


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Home"
    intro = "Volunteering connects us."

    class Meta:
        model = HomePage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Standard page {n}")
    intro = "An introduction."
    body = factory.LazyFunction(lambda: [{"type": "paragraph", "value": "<p>Body text.</p>"}])

    class Meta:
        model = StandardPage


class RecommendationsPageFactory(wagtail_factories.PageFactory):
    title = "Recommendations"

    class Meta:
        model = RecommendationsPage


class EventPageFactory(wagtail_factories.PageFactory):
    title = "Final conference"
    start_date = factory.Faker("date_object")
    end_date = factory.LazyAttribute(lambda obj: obj.start_date)
    city = "Thessaloniki"
    country = "GR"

    class Meta:
        model = EventPage
