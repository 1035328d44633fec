import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.production")

application = get_wsgi_application()

# A web node does not serve with a private bucket that anybody can read (hub/access/startup.py).
from hub.access.startup import verify_private_storage  # noqa: E402

verify_private_storage()


def _load_urlconf() -> None:
    """Import the URL configuration (every view module, Wagtail's admin) now, not on a first request.

    gunicorn loads this module once in its master (``preload_app``) and forks the workers from
    it. Django imports the URL configuration lazily, when the first request that needs it comes:
    in every newly forked worker its first page requests all waited about a second for that import,
    which bench/faults.py measured as the slowest answers of worker recycling.
    """
    from django.db import connections
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - the import is the point
    resolver.reverse_dict  # noqa: B018 - and the patterns resolved once
    connections.close_all()  # a worker must never inherit a database connection of the master


_load_urlconf()
