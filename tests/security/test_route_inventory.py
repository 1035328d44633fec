"""Every URL pattern has an inventory entry, and every entry answers each viewer as it says.

The inventory is tests/security/inventory.py. Patterns are walked from the project's URL
configuration, so a new route anywhere (a hub app, a Wagtail hook, a viewset) fails
``test_every_route_has_an_inventory_entry`` until it is described there.
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from .inventory import ANON, EDITOR, MODERATOR, OPEN_ADMIN, ROUTES, entry_for

pytestmark = pytest.mark.django_db


def walk(patterns=None, prefix: str = "", namespace: str = ""):
    """(pattern, namespaced name, module of the view) of every URL pattern."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            callback = pattern.callback
            view_class = getattr(callback, "view_class", None)
            module = (view_class or callback).__module__ or ""
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield prefix + str(pattern.pattern), name, module


def test_every_route_has_an_inventory_entry():
    rows = list(walk())
    assert len(rows) > 300, "the walk reached Wagtail's admin too"
    missing = [(pattern, name, module) for pattern, name, module in rows if entry_for(name, pattern, module) is None]
    assert not missing, "URL patterns without an entry in tests/security/inventory.py:\n" + "\n".join(
        f"  {pattern}  name={name}  view={module}" for pattern, name, module in missing
    )
    hub_routes = {name for _pattern, name, module in rows if module.startswith("hub.") and ":" not in (name or "")}
    assert hub_routes <= set(ROUTES), "each of the hub's own routes is listed by name"
    stale = set(ROUTES) - {name for _pattern, name, _module in rows}
    assert not stale, f"inventory entries of routes that no longer exist: {stale}"


def test_a_route_without_an_entry_would_fail():
    assert entry_for("hub_new_thing", "admin/new-thing/", "hub.new.views") is None
    assert entry_for("new-public-thing", "new/", "hub.new.views") is None
    assert entry_for(None, "new/", "hub.new.views") is None


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_route_answers_each_viewer_as_listed(world, client, name):
    entry = ROUTES[name]
    if not entry.samples:
        assert entry.kind == "auth", f"{name}: only Wagtail's own login and password forms go without samples"
    for sample in entry.samples:
        url = sample.url(world)
        for viewer in (ANON, EDITOR, MODERATOR):
            if viewer not in sample.expect:
                continue
            client.logout()
            if viewer != ANON:
                client.force_login(world.users[viewer])
            response = getattr(client, sample.method)(url)
            assert response.status_code in sample.expect[viewer], (name, url, viewer, response.status_code)
            if response.status_code == 302 and sample.expect[viewer] == {302} and viewer == ANON:
                assert "login" in response["Location"], (name, url, response["Location"])


SAMPLE_VALUES = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": str(uuid.uuid4())}


def sample_path(pattern: str) -> str | None:
    """A concrete path for a pattern: converters filled in; regular expressions reduced to a guess."""
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES.get(m.group(1) or "str", "x"), pattern)
    if "^" in path or "(" in path or "$" in path:
        path = re.sub(r"\(\?P<\w+>[^)]*\)|\([^)]*\)", "1", path).replace("^", "").replace("$", "")
        path = re.sub(r"[\\?+*\[\]]", "", path)
    return "/" + path


def test_every_admin_route_sends_anonymous_visitors_to_the_login(client):
    """Wagtail's and Django's admin, the hub's admin views and viewsets: nothing without a login."""
    checked = 0
    for pattern, name, module in walk():
        _key, entry = entry_for(name, pattern, module)
        if entry.kind not in ("admin", "django-admin"):
            continue
        path = sample_path(pattern)
        response = client.get(path)
        if name in OPEN_ADMIN:
            assert response.status_code in OPEN_ADMIN[name], (name, path, response.status_code)
            continue
        checked += 1
        assert response.status_code in (301, 302, 403, 404, 405), (name, path, response.status_code)
        if response.status_code == 302:
            assert "login" in response["Location"], (name, path, response["Location"])
        assert response.status_code != 200
    assert checked > 250
