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
                [(pk, _("%(name)s (%(language)s)") % {"name": name, "language": language}) for language, name, pk in others],
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
