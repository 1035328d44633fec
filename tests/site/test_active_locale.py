"""One rule for "the current locale": the active language's Locale, else the default one."""

import pytest
from django.utils import translation
from wagtail.models import Locale

from hub.core.locale import active_locale
from hub.core.templatetags.hub_tags import footer_partners
from hub.partners.factories import PartnerOrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_locales(settings):
    settings.LANGUAGE_CODE = "en"
    assert not Locale.objects.filter(language_code="el").exists()
    return Locale.objects.get_or_create(language_code="en")[0], Locale.objects.get_or_create(language_code="de")[0]


def test_the_active_language_else_the_default_locale(two_locales):
    english, german = two_locales
    with translation.override("de"):
        assert active_locale() == german
    with translation.override("el"):  # a UI language without a Locale row yet
        assert active_locale() == english


def test_callers_follow_the_rule(two_locales):
    english, _german = two_locales
    PartnerOrganisationFactory(name="Studio", locale=english)
    with translation.override("el"):
        assert [partner.name for partner in footer_partners()] == ["Studio"]
    with translation.override("de"):
        assert list(footer_partners()) == []
