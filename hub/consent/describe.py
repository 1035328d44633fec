"""How consent records are told apart in the admin: dates, scopes, organisations and linked pages.

Several people may share a first name or a pseudonym; the listing, the chooser and the page
editor show each record with what distinguishes it. The organisations of a record are those of
the pages that link it (an episode's are its show's). Everything is computed for a whole list of
records at once, with a fixed number of queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.utils import formats
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from wagtail.models import Page

from .models import VIEW_PRIVATE, ConsentLinkedPage, ConsentRecord, Scope


@dataclass
class RecordSummary:
    page_ids: set = field(default_factory=set)
    organisations: list = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return len(self.page_ids)


def consent_page_models() -> list:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, ConsentLinkedPage) and issubclass(model, Page) and not model._meta.abstract
    ]


def _links(record_ids) -> list[tuple[int, int]]:
    """(record id, page id) for every page that links one of the records."""
    links = []
    for model in consent_page_models():
        relation = model._meta.get_field("consents")
        through = relation.remote_field.through
        record_column = f"{relation.m2m_reverse_field_name()}_id"
        page_column = f"{relation.m2m_field_name()}_id"
        links += through.objects.filter(**{f"{record_column}__in": record_ids}).values_list(record_column, page_column)
    return links


def _partners_by_page(page_ids) -> dict[int, list]:
    """The partner organisations of each page: its own, or for an episode its show's."""
    from hub.partners.models import PartnerOrganisation

    pages = list(Page.objects.filter(pk__in=page_ids).values_list("pk", "path", "content_type__model"))
    owner = {}  # page id -> the page whose partners count
    for pk, path, model in pages:
        owner[pk] = ("show", path[: -Page.steplen]) if model == "episodepage" else ("page", pk)
    show_paths = {value for kind, value in owner.values() if kind == "show"}
    show_ids = dict(Page.objects.filter(path__in=show_paths).values_list("path", "pk"))
    owner_ids = {pk: (show_ids.get(value) if kind == "show" else value) for pk, (kind, value) in owner.items()}
    by_owner: dict[int, list] = defaultdict(list)
    for model in [m for m in apps.get_models() if issubclass(m, Page)]:
        relation = next(
            (f for f in model._meta.get_fields() if f.name == "partners" and f.many_to_many and not f.auto_created),
            None,
        )
        if relation is None or relation.related_model is not PartnerOrganisation or model._meta.abstract:
            continue
        through = relation.remote_field.through
        page_column = f"{relation.m2m_field_name()}_id"
        partner_column = f"{relation.m2m_reverse_field_name()}_id"
        rows = through.objects.filter(**{f"{page_column}__in": set(owner_ids.values())}).values_list(
            page_column, partner_column
        )
        partner_ids = defaultdict(list)
        for page_id, partner_id in rows:
            partner_ids[partner_id].append(page_id)
        for partner in PartnerOrganisation.objects.filter(pk__in=partner_ids).select_related("locale"):
            for page_id in partner_ids[partner.pk]:
                by_owner[page_id].append(partner)
    return {pk: by_owner.get(owner_pk, []) for pk, owner_pk in owner_ids.items()}


def _names(partners) -> list[str]:
    """One name per organisation (its translations are the same organisation), in the admin's language if any."""
    language = (get_language() or "").split("-")[0]
    chosen: dict = {}
    for partner in partners:
        current = chosen.get(partner.translation_key)
        if current is None or (partner.locale.language_code == language and current.locale.language_code != language):
            chosen[partner.translation_key] = partner
    return sorted(partner.name for partner in chosen.values())


def summarise(records) -> dict[int, RecordSummary]:
    """Linked pages and organisations of each record, by record id."""
    records = list(records)
    summaries = {record.pk: RecordSummary() for record in records}
    if not records:
        return summaries
    links = _links(list(summaries))
    partners = _partners_by_page({page_id for _record, page_id in links})
    partners_by_record = defaultdict(list)
    for record_id, page_id in links:
        summaries[record_id].page_ids.add(page_id)
        partners_by_record[record_id] += partners.get(page_id, [])
    for record_id, found in partners_by_record.items():
        summaries[record_id].organisations = _names(found)
    return summaries


def scope_labels(record: ConsentRecord) -> list[str]:
    return [str(scope.label) for scope in Scope if getattr(record, f"scope_{scope.value}")]


def validity(record: ConsentRecord) -> str:
    granted = formats.date_format(record.granted_on, "SHORT_DATE_FORMAT")
    if record.withdrawn_on:
        return _("granted %(granted)s, withdrawn %(withdrawn)s") % {
            "granted": granted,
            "withdrawn": formats.date_format(record.withdrawn_on, "SHORT_DATE_FORMAT"),
        }
    if record.expires_on:
        return _("granted %(granted)s, until %(expires)s") % {
            "granted": granted,
            "expires": formats.date_format(record.expires_on, "SHORT_DATE_FORMAT"),
        }
    return _("granted %(granted)s") % {"granted": granted}


def name_for(record: ConsentRecord, user=None) -> str:
    """The public name, with the legal name for those allowed to see it."""
    if (
        record.legal_name
        and user is not None
        and user.has_perm(VIEW_PRIVATE)
        and record.legal_name != record.public_name
    ):
        return f"{record.public_name} ({record.legal_name})"
    return record.public_name


def describe(record: ConsentRecord, summary: RecordSummary | None, user=None) -> str:
    """One line that tells this record apart from others with the same name."""
    parts = [name_for(record, user), validity(record)]
    scopes = scope_labels(record)
    parts.append(", ".join(scopes) if scopes else _("no channel"))
    if summary is not None:
        if summary.organisations:
            parts.append(", ".join(summary.organisations))
        parts.append(ngettext("%(count)d page", "%(count)d pages", summary.page_count) % {"count": summary.page_count})
    return " · ".join(parts)
