import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.production")

application = get_wsgi_application()

# A web node does not serve with a private bucket that anybody can read (hub/access/startup.py).
from hub.access.startup import verify_private_storage  # noqa: E402

verify_private_storage()
