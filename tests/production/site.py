"""A minimal published site for the production tests: home, radio, one show."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from wagtail.models import Locale, Page, Site

from hub.core.factories import HomePageFactory
from hub.radio.factories import EpisodePageFactory, RadioIndexPageFactory, ShowPageFactory

ADMIN_PASSWORD = "integration-admin-pw"


def publish(page):
    page.save_revision().publish()
    return page.specific_class.objects.get(pk=page.pk)


def make_show():
    locale, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node()
    if root is None:  # a transactional test flushed the tables, Wagtail's root page too
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    for stale in root.get_children():
        stale.delete()
    home = HomePageFactory(parent=root, slug="home", locale=locale)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    radio = RadioIndexPageFactory(parent=home)
    show = ShowPageFactory(parent=radio, slug="voices")
    for page in (home, radio, show):
        publish(page)
    return show.specific_class.objects.get(pk=show.pk)


def add_episode(show, asset, **fields):
    episode = EpisodePageFactory(parent=show, audio=asset, **fields)
    return publish(episode)


def make_admin():
    """A superuser whose password the production profile can check (the test profile hashes with MD5)."""
    user = get_user_model().objects.create_superuser("editor", "editor@example.org")
    _set_password(user)
    return user


def make_user(username: str, *codenames: str):
    """A user of the admin (password ADMIN_PASSWORD) with just these permissions."""
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user(username, f"{username}@example.org")
    user.user_permissions.add(*Permission.objects.filter(codename__in=("access_admin", *codenames)))
    _set_password(user)
    return user


def _set_password(user) -> None:
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(ADMIN_PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
