"""The consent records' admin screens: a listing and a chooser that tell people apart, and a
create view that can link the new record to the page it was asked for."""

from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.models import Page
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
    SnippetCreateView,
)
from wagtail.snippets.views.snippets import CreateView, IndexView

from .describe import describe, name_for, scope_labels, summarise, validity


def _summary(instance):
    summary = getattr(instance, "_hub_summary", None)
    if summary is None:
        summary = summarise([instance])[instance.pk]
        instance._hub_summary = summary
    return summary


def attach_summaries(records):
    records = list(records)
    for record_id, summary in summarise(records).items():
        for record in records:
            if record.pk == record_id:
                record._hub_summary = summary
    return records


class NameColumn(Column):
    """Public name, and the legal name for those allowed to see it."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["value"] = name_for(instance, getattr(request, "user", None))
        return context


class NameTitleColumn(TitleColumn):
    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["value"] = name_for(instance, getattr(request, "user", None))
        return context


class ValidityColumn(Column):
    def get_value(self, instance):
        return validity(instance)


class ScopesColumn(Column):
    def get_value(self, instance):
        return ", ".join(scope_labels(instance)) or _("no channel")


class OrganisationsColumn(Column):
    def get_value(self, instance):
        return ", ".join(_summary(instance).organisations) or "—"


class PagesColumn(Column):
    def get_value(self, instance):
        return str(_summary(instance).page_count)


def detail_columns():
    return [
        ValidityColumn("granted_on", label=gettext_lazy("Validity"), sort_key="granted_on"),
        ScopesColumn("scopes", label=gettext_lazy("Channels")),
        OrganisationsColumn("organisations", label=gettext_lazy("Organisations")),
        PagesColumn("pages", label=gettext_lazy("Pages")),
    ]


class ConsentIndexView(IndexView):
    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        attach_summaries(context.get("object_list") or [])
        return context


class LocaleFirstChooseMixin:
    """Records that name the editor's page language come first."""

    preserve_url_parameters = ["multiple", "locale_first"]

    def apply_object_list_ordering(self, objects):
        language = self.request.GET.get("locale_first")
        if language:
            objects = objects.annotate(
                hub_other_language=Case(
                    When(languages__code=language, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            ).order_by("hub_other_language", "public_name", "-granted_on", "pk")
            return objects.distinct()
        return super().apply_object_list_ordering(objects)

    def get_results_page(self, request):
        results = super().get_results_page(request)
        attach_summaries(results.object_list)
        return results

    @property
    def columns(self):
        return [self.title_column, *detail_columns()]

    @property
    def title_column(self):
        column = super().title_column
        column.__class__ = NameTitleColumn  # same link or checkbox label, with the legal name for officers
        return column


class ConsentChooseView(LocaleFirstChooseMixin, ChooseView):
    pass


class ConsentChooseResultsView(LocaleFirstChooseMixin, ChooseResultsView):
    pass


class DescribedChosenMixin:
    def get_display_title(self, instance):
        return describe(instance, _summary(instance), self.request.user)


class ConsentChosenView(DescribedChosenMixin, SnippetChosenView):
    pass


class ConsentChosenMultipleView(DescribedChosenMixin, SnippetChosenMultipleView):
    pass


class ConsentChooserCreateView(DescribedChosenMixin, SnippetCreateView):
    pass


class ConsentChooserViewSet(SnippetChooserViewSet):
    choose_view_class = ConsentChooseView
    choose_results_view_class = ConsentChooseResultsView
    chosen_view_class = ConsentChosenView
    chosen_multiple_view_class = ConsentChosenMultipleView
    create_view_class = ConsentChooserCreateView
    preserve_url_parameters = ["multiple", "locale_first"]
    # Consent officers (who may add records) get a "Create" tab in the chooser.
    form_fields = [
        "public_name",
        "legal_name",
        "scope_website",
        "scope_podcast",
        "scope_broadcast",
        "scope_redistribution",
        "scope_social",
        "languages",
        "granted_on",
        "expires_on",
    ]


def link_to_page(page, record, user) -> None:
    """Add ``record`` to the consents of the page's latest draft, as a new revision by ``user``."""
    draft = page.get_latest_revision_as_object()
    draft.consents.add(record)
    if not page.live:
        # As the page editor does for a page that is not live: the row follows the draft.
        draft.save()
    draft.save_revision(user=user, log_action=True)


class ConsentCreateView(CreateView):
    """Adds ``?for_page=<id>``: the new record is linked to that page and the editor returns to it."""

    template_name = "consent/create_for_page.html"

    @cached_property
    def for_page(self):
        page_id = self.request.GET.get("for_page", "")
        if not page_id.isdigit():
            return None
        page = get_object_or_404(Page, pk=int(page_id)).specific
        if not hasattr(page, "consents") or not page.permissions_for_user(self.request.user).can_edit():
            return None
        return page

    def _page_params(self) -> dict:
        params = {}
        if self.for_page is not None:
            params["for_page"] = self.for_page.pk
            if next_url := get_valid_next_url_from_request(self.request):
                params["next"] = next_url
        return params

    def get_add_url(self):
        url = super().get_add_url()
        params = self._page_params()
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params)
        return url

    def get_initial(self):
        initial = super().get_initial()
        if self.for_page is not None:
            initial.setdefault("granted_on", timezone.localdate())
            name = getattr(self.for_page.get_latest_revision_as_object(), "storyteller_name", "")
            if name:
                initial.setdefault("public_name", name)
        return initial

    def save_instance(self):
        instance = super().save_instance()
        if self.for_page is not None:
            link_to_page(self.for_page, instance, self.request.user)
        return instance

    def get_success_message(self, instance):
        if self.for_page is None:
            return super().get_success_message(instance)
        return _("Consent record “%(name)s” added and linked to the draft of “%(page)s”.") % {
            "name": instance.public_name,
            "page": self.for_page.get_admin_display_title(),
        }

    def get_success_url(self):
        if self.for_page is None:
            return super().get_success_url()
        return get_valid_next_url_from_request(self.request) or reverse(
            "wagtailadmin_pages:edit", args=[self.for_page.pk]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["for_page"] = self.for_page
        return context
