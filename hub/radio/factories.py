import datetime

import factory
import wagtail_factories

from hub.audio.factories import AudioAssetFactory

from .models import Contributor, ContributorRole, EpisodePage, RadioIndexPage, ShowPage


class ContributorFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Contributor {n}")
    role = ContributorRole.HOST

    class Meta:
        model = Contributor


class RadioIndexPageFactory(wagtail_factories.PageFactory):
    title = "Radio"
    slug = "radio"

    class Meta:
        model = RadioIndexPage


class ShowPageFactory(wagtail_factories.PageFactory):
    title = "Voices of Volunteering"
    description = "Stories of volunteering, told by the people who live them."
    artwork = factory.SubFactory(wagtail_factories.ImageFactory, file__width=1400, file__height=1400)
    podcast_language = "en"
    apple_category = "Society & Culture > Documentary"
    owner_name = "FREIRAD"
    owner_email = "podcast@example.org"

    class Meta:
        model = ShowPage


class EpisodePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Episode {n}")
    summary = "What this episode is about."
    show_notes = "<p>Show notes.</p>"
    season_number = 1
    episode_number = factory.Sequence(lambda n: n + 1)
    publication_date = factory.LazyFunction(datetime.date.today)
    audio = factory.SubFactory(AudioAssetFactory)
    no_identifiable_person = True  # consent tests link real records instead

    class Meta:
        model = EpisodePage
