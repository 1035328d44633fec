"""Creating a page in the admin when the same form is sent twice.

Wagtail autosaves a new page's form in the background: the first autosave creates the page and
later saves go to its edit view. An editor who presses "Submit for review" while that first
autosave is still on its way sends the same form to the create view a second time; both requests
passed the form's slug check before either had written, and the second failed with a server error
(the slug is taken), losing the editor's action.

Every create form carries a token (a random value the browser adds, ``create-token.js``). Creates
under one parent are serialised, and the page a token created is remembered for an hour: a second
request with that token is sent on, method and body unchanged (307), to the page's edit view,
which saves it as a new revision and performs the editor's action. A request without a token, or
whose page was not created by the same editor, gets Wagtail's normal answer (the slug is in use).
"""

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from wagtail.admin.views.pages.create import CreateView
from wagtail.models import Page

TOKEN_FIELD = "hub_create_token"  # noqa: S105 - the name of a form field
REMEMBER_SECONDS = 3600


def _cache_key(user, token: str) -> str:
    return f"hub:page-create:{user.pk}:{token}"


def _token(request) -> str:
    token = request.POST.get(TOKEN_FIELD, "")
    # A browser's random value: letters, digits and hyphens, of a sensible length.
    if 16 <= len(token) <= 64 and all(char.isalnum() or char == "-" for char in token):
        return token
    return ""


def _remembered_page(request, token: str):
    page_id = cache.get(_cache_key(request.user, token))
    if page_id is None:
        return None
    return Page.objects.filter(pk=page_id, owner=request.user).first()


class HubPageCreateView(CreateView):
    def post(self, request):
        token = _token(request)
        with transaction.atomic():
            # One create under a parent at a time: a second one sees the first one's page.
            Page.objects.select_for_update().filter(pk=self.parent_page.pk).first()
            if token:
                page = _remembered_page(request, token)
                if page is not None:
                    return HttpResponseRedirect(reverse("wagtailadmin_pages:edit", args=(page.pk,)), status=307)
            response = super().post(request)
            if token and self.page.pk is not None:
                # The hub's caches treat their errors as misses: without the cache a repeat gets
                # Wagtail's slug message, nothing worse.
                cache.set(_cache_key(request.user, token), self.page.pk, REMEMBER_SECONDS)
        return response
