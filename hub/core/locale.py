"""Django's LocaleMiddleware, minus one redirect that the hub's URL layout makes wrong.

On a 404 for a path without a language prefix, Django redirects to the same path with the
prefix if that path exists. With Wagtail's catch-all page route under every prefix, *every*
prefixed path "exists", so a genuine 404 from a view outside the language prefix (an unknown
embed or oEmbed URL, a missing media file, a revoked feed token) became a 302 to
``/en/...`` and only then a 404. Here a 404 from a view that the unprefixed path did resolve to
is answered as it is; paths that resolve to nothing (``/stories/``) are still redirected.
"""

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, get_language_from_path


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_response(self, request, response):
        if (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is not None
            and not get_language_from_path(request.path_info)
        ):
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", get_language())
            return response
        return super().process_response(request, response)


def active_locale():
    """The Locale of the active language, else the default one (the hub's one rule for "the current locale").

    A language without a Locale row (activated by a URL prefix or a header before an editor added it)
    reads as the default locale, never as an error.
    """
    from wagtail.models import Locale

    return Locale.get_active()


def locale_grouped_choices(queryset, locale) -> list:
    """Choices for a translatable model, the ``locale``'s first, the others marked with their language.

    Returns Django's grouped choices: ``[(group label, [(pk, label), ...]), ...]``; the other
    languages' items are listed after, each with its language, so "4Elements" in four languages
    reads as four different things.
    """
    from django.utils.translation import gettext as _

    same, others = [], []
    for item in queryset.select_related("locale"):
        if locale is not None and item.locale_id == locale.pk:
            same.append((item.pk, str(item)))
        else:
            others.append((item.locale.get_display_name(), str(item), item.pk))
    others.sort(key=lambda entry: (entry[0], entry[1].casefold()))
    groups = []
    if same:
        groups.append(
            (
                _("In the language of this page (%(language)s)") % {"language": locale.get_display_name()},
                sorted(same, key=lambda entry: entry[1].casefold()),
            )
        )
    if others:
        groups.append(
            (
                _("In other languages"),
                [
                    (pk, _("%(name)s (%(language)s)") % {"name": name, "language": language})
                    for language, name, pk in others
                ],
            )
        )
    return groups


def make_choices_locale_aware(form, locale, field_names) -> None:
    """Turn the multiple-choice fields ``field_names`` of ``form`` into grouped checkbox lists."""
    from django import forms
    from wagtail.models import TranslatableMixin

    for name in field_names:
        field = form.fields.get(name)
        if not isinstance(field, forms.ModelMultipleChoiceField):
            continue
        if not issubclass(field.queryset.model, TranslatableMixin):
            continue
        widget = forms.CheckboxSelectMultiple(attrs={"class": "hub-locale-choices"})
        widget.choices = locale_grouped_choices(field.queryset, locale)
        field.widget = widget


def editing_language(request) -> str | None:
    """The language of the page being edited, for a chooser opened from the page editor.

    Taken from ``?locale_first=`` when a widget passes it, else from the page editor's address
    (the chooser loads from that page, which is its referrer): ``/admin/pages/<id>/edit/`` or
    ``/admin/pages/add/<app>/<model>/<parent id>/``.
    """
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve
    from wagtail.models import Page

    language = request.GET.get("locale_first")
    if language:
        return language
    referer = request.headers.get("referer", "")
    if not referer:
        return None
    try:
        match = resolve(urlsplit(referer).path)
    except Resolver404:
        return None
    page_id = None
    if match.url_name == "edit" and "wagtailadmin_pages" in match.namespaces:
        page_id = match.kwargs.get("page_id")
    elif match.url_name == "add" and "wagtailadmin_pages" in match.namespaces:
        page_id = match.kwargs.get("parent_page_id")
    if page_id is None:
        return None
    return Page.objects.filter(pk=page_id).values_list("locale__language_code", flat=True).first()


class LocaleFirstChooserMixin:
    """For choose views of translatable snippets: the edited page's language first.

    Wagtail's chooser already shows each item's language in a column; this orders the items of
    the page's language before the others, and new items created in the chooser get that language.
    """

    def apply_object_list_ordering(self, objects):
        from django.db.models import Case, IntegerField, Value, When

        objects = super().apply_object_list_ordering(objects)
        language = editing_language(self.request)
        if not language:
            return objects
        ordering = list(objects.query.order_by) or list(objects.model._meta.ordering) or ["pk"]
        return objects.annotate(
            hub_other_language=Case(
                When(locale__language_code=language, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        ).order_by("hub_other_language", *ordering)


class LocaleOfPageCreateMixin:
    """For chooser create views of translatable snippets: the new item gets the edited page's language."""

    def get_creation_form_kwargs(self):
        from wagtail.models import Locale

        kwargs = super().get_creation_form_kwargs()
        language = editing_language(self.request)
        instance = kwargs.get("instance") or self.model_class()
        locale = Locale.objects.filter(language_code=language).first() if language else None
        if locale is not None and getattr(instance, "locale_id", None) is None:
            instance.locale = locale
            kwargs["instance"] = instance
        return kwargs


def locale_first_chooser_viewset(base, create_fields=None):
    """A snippet chooser viewset class whose views put the edited page's language first."""
    from wagtail.snippets.views import chooser

    attrs = {
        "choose_view_class": type("ChooseView", (LocaleFirstChooserMixin, chooser.ChooseView), {}),
        "choose_results_view_class": type(
            "ChooseResultsView", (LocaleFirstChooserMixin, chooser.ChooseResultsView), {}
        ),
        "create_view_class": type("CreateView", (LocaleOfPageCreateMixin, chooser.SnippetCreateView), {}),
    }
    if create_fields:
        attrs["form_fields"] = create_fields
    return type("LocaleFirstChooserViewSet", (base,), attrs)
