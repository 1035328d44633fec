from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from hub.radio.models import ShowPage


class Command(BaseCommand):
    help = "Print the site, admin and feed addresses of this hub."

    def add_arguments(self, parser):
        parser.add_argument("--base", default="http://127.0.0.1:8000", help="Scheme, host and port the hub answers on")

    def handle(self, *args, base, **options):
        base = base.rstrip("/")
        languages = " ".join(f"/{code}/" for code, _name in settings.LANGUAGES)
        self.stdout.write(f"  Site:        {base}/en/   (languages: {languages})")
        self.stdout.write(f"  Admin:       {base}{reverse('wagtailadmin_home')}")
        self.stdout.write(f"  All feeds:   {base}/en/feeds/")
        for show in ShowPage.objects.live().public().select_related("locale").order_by("locale__language_code"):
            feed = reverse("show-feed", args=[show.pk])
            self.stdout.write(f"  Feed [{show.locale.language_code}]:   {base}{feed}  ({show.title})")
