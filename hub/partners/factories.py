import factory

from .models import PartnerKind, PartnerOrganisation


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    kind = PartnerKind.CIVIL_SOCIETY
    country = "AT"
    city = "Innsbruck"
    website = "https://example.org/"

    class Meta:
        model = PartnerOrganisation
