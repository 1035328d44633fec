"""Files that browsers and crawlers ask for at fixed addresses, whatever the pages link."""

from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request):
    # A temporary redirect: the static file's name carries its content hash and changes with it.
    return HttpResponseRedirect(static("img/favicon.ico"))
