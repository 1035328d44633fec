import datetime

import factory
import wagtail_factories

from .models import CampaignIndexPage, CampaignPage


class CampaignIndexPageFactory(wagtail_factories.PageFactory):
    title = "Campaigns"
    slug = "campaigns"

    class Meta:
        model = CampaignIndexPage


class CampaignPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Campaign {n}")
    intro = "A pilot campaign."
    aims = "<ul><li>Open doors</li></ul>"
    start_date = factory.LazyFunction(datetime.date.today)
    no_identifiable_person = True

    class Meta:
        model = CampaignPage
