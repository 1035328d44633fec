"""The rules that keep people's stories off channels they did not agree to.

They are enforced in the model layer (``ConsentGatedPageMixin.save``), so no path that publishes a
page (admin, shell, API, scheduled publishing) gets round them, and in the querysets that feeds use.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ConsentLinkedPage, ConsentRecord, Scope

SCOPE_FIELDS = {scope.value: f"scope_{scope.value}" for scope in Scope}


def _reason(record: ConsentRecord, scope: str, day) -> str | None:
    label = Scope(scope).label
    if record.withdrawn_on is not None:
        return _("%(name)s withdrew their consent on %(date)s.") % {
            "name": record.public_name,
            "date": record.withdrawn_on,
        }
    if record.granted_on > day:
        return _("The consent of %(name)s only starts on %(date)s.") % {
            "name": record.public_name,
            "date": record.granted_on,
        }
    if record.expires_on is not None and record.expires_on < day:
        return _("The consent of %(name)s expired on %(date)s.") % {
            "name": record.public_name,
            "date": record.expires_on,
        }
    if not getattr(record, SCOPE_FIELDS[scope]):
        return _("%(name)s has not consented to: %(scope)s.") % {"name": record.public_name, "scope": label}
    return None


def consent_problems(records, no_identifiable_person: bool, scope: str, day=None) -> list[str]:
    """Why content linked to ``records`` may not go out on ``scope``; empty when it may."""
    day = day or timezone.localdate()
    records = list(records)
    if not records:
        if no_identifiable_person:
            return []
        return [
            _("Link the consent record of every identifiable person, or declare that no identifiable person appears.")
        ]
    return [reason for record in records if (reason := _reason(record, scope, day))]


def page_consent_problems(page, scope: str = Scope.WEBSITE, day=None) -> list[str]:
    if not isinstance(page, ConsentLinkedPage):
        return []
    return consent_problems(page.consents.all(), page.no_identifiable_person, scope, day)


def covering(scope: str, day=None):
    """A filter for ConsentRecords that cover ``scope`` today."""
    day = day or timezone.localdate()
    return Q(granted_on__lte=day, withdrawn_on__isnull=True, **{SCOPE_FIELDS[scope]: True}) & (
        Q(expires_on__isnull=True) | Q(expires_on__gte=day)
    )


def cleared_for(queryset, *scopes: str, day=None):
    """Only the pages of ``queryset`` whose every linked record covers every scope.

    Two subqueries, so the number of queries does not depend on the number of pages.
    """
    field = queryset.model._meta.get_field("consents")
    linked = field.remote_field.through.objects.filter(**{field.m2m_field_name(): OuterRef("pk")})
    record = field.m2m_reverse_field_name()
    for scope in scopes:
        uncovered = ConsentRecord.objects.exclude(covering(scope, day))
        queryset = queryset.exclude(Exists(linked.filter(**{f"{record}__in": uncovered})))
    return queryset.filter(Q(no_identifiable_person=True) | Exists(linked))
