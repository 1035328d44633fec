"""Editorial roles, organisation scoping and the review workflow (see docs/roles.md).

Groups:
- "Editors" write and edit pages and submit them for review; they cannot publish.
- "Moderators" review, approve and publish.
- "Consent officers" manage consent records, see their private fields and evidence, withdraw.
- "Radio-partner managers" manage partner organisations, their feed tokens and pull receipts.

Every editor and moderator works for one partner organisation (``OrganisationMembership``,
set in the admin's user form). Page permissions reach only pages that name the user's
organisation among their partners (an episode: its show's partners). Scoping fails closed:
a user without an organisation acts on no page; a page that names no organisation (an index
page, an old page) is left to superusers and the moderators of the coordinating organisation,
who act on every page.

Stories, episodes and campaigns pass the "Editorial review" workflow, whose one task
(``OrganisationApprovalTask``) is approved by a moderator of the page's organisation.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import GroupPagePermission, Locale, Page, PagePermissionTester, Workflow, WorkflowPage, WorkflowTask
from wagtail.permission_policies import ModelPermissionPolicy

from hub.partners.models import OrganisationMembership, PartnerOrganisation

MODERATORS = "Moderators"
CONSENT_OFFICERS = "Consent officers"
RADIO_MANAGERS = "Radio-partner managers"
EDITORS = "Editors"
WORKFLOW_NAME = "Editorial review"
TASK_NAME = "Moderators of the organisation approve"

_UNSET = object()


def consent_officers():
    """The consent officers: active members of the "Consent officers" group (the one list of them).

    Takedown reports go to these people's e-mail addresses.
    """
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups__name=CONSENT_OFFICERS, is_active=True).distinct()


def _perms(*codenames: str) -> list[Permission]:
    found = list(Permission.objects.filter(codename__in=codenames))
    missing = set(codenames) - {p.codename for p in found}
    if missing:
        raise LookupError(f"Unknown permissions: {sorted(missing)}")
    return found


def _page_permissions(group: Group, pages, actions: list[str]) -> None:
    for page in pages:
        for action in actions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=Permission.objects.get(codename=f"{action}_page")
            )


# --- who works for which organisation ---------------------------------------------------------


def user_organisation(user) -> PartnerOrganisation | None:
    """The organisation the user works for (cached on the user object for the request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_hub_organisation", _UNSET)
    if cached is _UNSET:
        membership = OrganisationMembership.objects.filter(user=user).select_related("organisation").first()
        cached = membership.organisation if membership else None
        user._hub_organisation = cached
    return cached


def set_user_organisation(user, organisation: PartnerOrganisation | None) -> None:
    if organisation is None:
        OrganisationMembership.objects.filter(user=user).delete()
    else:
        OrganisationMembership.objects.update_or_create(user=user, defaults={"organisation": organisation})
    user._hub_organisation = organisation


def is_moderator(user) -> bool:
    cached = getattr(user, "_hub_is_moderator", None)
    if cached is None:
        cached = user.is_active and user.groups.filter(name=MODERATORS).exists()
        user._hub_is_moderator = cached
    return cached


def acts_on_every_page(user) -> bool:
    """Superusers, and moderators of the coordinating organisation."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    organisation = user_organisation(user)
    return organisation is not None and organisation.is_coordinator and is_moderator(user)


def page_organisations(page) -> set | None:
    """Translation keys of the organisations a page belongs to; None for a page type without them.

    An episode belongs to its show's organisations.
    """
    from hub.radio.models import EpisodePage

    page = page.specific
    if isinstance(page, EpisodePage):
        parent = page.get_parent()
        if parent is None:
            return set()
        page = parent.specific
    partners = getattr(page, "partners", None)
    if partners is None:
        return None
    if page.pk is None:
        return set()
    return set(partners.values_list("translation_key", flat=True))


def in_scope(user, page) -> bool:
    """May the user act on this page at all (before Wagtail's page permissions are asked)?"""
    if acts_on_every_page(user):
        return True
    organisation = user_organisation(user)
    if organisation is None or not user.is_active:
        return False
    return organisation.translation_key in (page_organisations(page) or set())


def may_add_under(user, parent) -> bool:
    """May the user create pages below ``parent``: below an index, if they work for an organisation;
    below a page of organisations (a show), if it is theirs."""
    if acts_on_every_page(user):
        return True
    if user_organisation(user) is None:
        return False
    if page_organisations(parent) is None:
        return True
    return in_scope(user, parent)


# Kept for callers of the earlier helpers.
def may_edit(user, page) -> bool:
    return in_scope(user, page)


def may_add_child(user, parent) -> bool:
    return may_add_under(user, parent)


def organisation_for_locale(organisation: PartnerOrganisation, locale) -> PartnerOrganisation:
    """The translation of the user's organisation in a page's locale, when there is one."""
    if locale is None:
        return organisation
    return (
        PartnerOrganisation.objects.filter(translation_key=organisation.translation_key, locale=locale).first()
        or organisation
    )


class OrganisationPermissionTester(PagePermissionTester):
    """Wagtail's page permissions, narrowed to the pages of the user's organisation.

    Every action on the page itself (edit, copy, move, delete, publish, unpublish, lock,
    revisions, view restrictions, scheduling, submitting) needs the page to be in scope; adding
    and publishing below it needs ``may_add_under``.
    """

    def __init__(self, user, page):
        super().__init__(user, page)
        self._scope = None
        self._add_scope = None

    @property
    def scoped(self) -> bool:
        if self._scope is None:
            self._scope = self.user.is_superuser or in_scope(self.user, self.page)
        return self._scope

    @property
    def add_scoped(self) -> bool:
        if self._add_scope is None:
            self._add_scope = self.user.is_superuser or may_add_under(self.user, self.page)
        return self._add_scope

    def can_add_subpage(self):
        return self.add_scoped and super().can_add_subpage()

    def can_publish_subpage(self):
        return self.add_scoped and super().can_publish_subpage()

    def can_edit(self):
        return self.scoped and super().can_edit()

    def can_delete(self, ignore_bulk=False):
        return self.scoped and super().can_delete(ignore_bulk=ignore_bulk)

    def can_unpublish(self):
        return self.scoped and super().can_unpublish()

    def can_publish(self):
        return self.scoped and super().can_publish()

    def can_submit_for_moderation(self):
        return self.scoped and super().can_submit_for_moderation()

    def can_lock(self):
        return self.scoped and super().can_lock()

    def can_unlock(self):
        return self.scoped and super().can_unlock()

    def can_reorder_children(self):
        return self.scoped and super().can_reorder_children()

    def can_move_to(self, destination):
        if not super().can_move_to(destination):
            return False
        return self.user.is_superuser or destination.permissions_for_user(self.user).can_add_subpage()

    def can_view_revisions(self):
        return self.scoped and super().can_view_revisions()


# --- groups and workflow -------------------------------------------------------------------------


@transaction.atomic
def setup_roles() -> dict[str, Group]:
    """Create or update the groups, their permissions and the review workflow. Idempotent."""
    from hub.campaigns.models import CampaignIndexPage
    from hub.radio.models import RadioIndexPage
    from hub.stories.models import StoryIndexPage

    from .workflow import OrganisationApprovalTask

    sections = [
        *StoryIndexPage.objects.all(),
        *RadioIndexPage.objects.all(),
        *CampaignIndexPage.objects.all(),
    ]
    groups = {}
    admin_access = _perms("access_admin")

    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    moderators.permissions.add(
        *admin_access, *_perms("view_consentrecord", "add_image", "add_document", "add_audioasset", "view_audioasset")
    )
    _page_permissions(moderators, sections, ["add", "change", "publish", "lock", "unlock"])
    groups[MODERATORS] = moderators

    officers, _ = Group.objects.get_or_create(name=CONSENT_OFFICERS)
    officers.permissions.add(
        *admin_access,
        *_perms(
            "add_consentrecord",
            "change_consentrecord",
            "view_consentrecord",
            "delete_consentrecord",
            "view_private_consent_fields",
            "view_takedownnotice",
            "view_takedownreport",
        ),
    )
    groups[CONSENT_OFFICERS] = officers

    radio, _ = Group.objects.get_or_create(name=RADIO_MANAGERS)
    radio.permissions.add(
        *admin_access,
        *_perms(
            "add_partnerorganisation",
            "change_partnerorganisation",
            "view_partnerorganisation",
            "add_partnerfeedtoken",
            "change_partnerfeedtoken",
            "view_partnerfeedtoken",
            "view_pullreceipt",
            "view_takedownnotice",
        ),
    )
    groups[RADIO_MANAGERS] = radio

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(
        *admin_access,
        *_perms("view_consentrecord", "add_image", "add_document", "add_audioasset", "view_audioasset"),
    )
    _page_permissions(editors, sections, ["add", "change"])
    groups[EDITORS] = editors

    # Workflow tasks are saved through their own manager: the workflow's ``workflow_tasks``
    # relation is a ParentalKey, whose ``create()`` only stages the row until the workflow is saved.
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    task = OrganisationApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = OrganisationApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([moderators])
    WorkflowTask.objects.filter(workflow=workflow).exclude(task=task).delete()
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for page in sections:
        WorkflowPage.objects.update_or_create(page=Page.objects.get(pk=page.pk), defaults={"workflow": workflow})
    from .editor_permissions import grant_media_permissions

    grant_media_permissions(groups)
    return groups


def default_locale_organisations():
    return PartnerOrganisation.objects.filter(locale=Locale.get_default())


# --- objects without an organisation field: pages' drafts, audio ---------------------------------


def scoped_page_ids(user) -> set[int] | None:
    """Ids of the pages the user may act on; None for users who act on every page."""
    from hub.campaigns.models import CampaignPage
    from hub.radio.models import EpisodePage, ShowPage
    from hub.stories.models import StoryPage

    if acts_on_every_page(user):
        return None
    organisation = user_organisation(user)
    if organisation is None or not user.is_active:
        return set()
    key = organisation.translation_key
    ids: set[int] = set()
    for model in (StoryPage, ShowPage, CampaignPage):
        ids.update(model.objects.filter(partners__translation_key=key).values_list("pk", flat=True))
    shows = list(ShowPage.objects.filter(pk__in=ids).values_list("path", flat=True))
    if shows:
        below = Q()
        for path in shows:
            below |= Q(path__startswith=path)
        ids.update(EpisodePage.objects.filter(below).values_list("pk", flat=True))
    return ids


def assets_in_scope(user, queryset=None):
    """The audio assets the user may see and act on.

    An asset belongs to the organisation of whoever uploaded it, and to the organisations of the
    episodes and campaigns that use it.
    """
    from hub.audio.models import AudioAsset
    from hub.campaigns.models import CampaignAudioSpot
    from hub.radio.models import EpisodePage

    queryset = AudioAsset.objects.all() if queryset is None else queryset
    page_ids = scoped_page_ids(user)
    if page_ids is None:
        return queryset
    organisation = user_organisation(user)
    if organisation is None:
        return queryset.none()
    used = set(EpisodePage.objects.filter(pk__in=page_ids, audio__isnull=False).values_list("audio_id", flat=True))
    used.update(CampaignAudioSpot.objects.filter(page_id__in=page_ids).values_list("audio_id", flat=True))
    return queryset.filter(
        Q(uploaded_by__organisation_membership__organisation__translation_key=organisation.translation_key)
        | Q(pk__in=used)
    )


def may_handle_asset(user, asset) -> bool:
    return assets_in_scope(user).filter(pk=asset.pk).exists()


class AudioAssetPermissionPolicy(ModelPermissionPolicy):
    """Model permissions (add, change, delete, view) narrowed to the assets in the user's scope."""

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and may_handle_asset(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and may_handle_asset(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        return assets_in_scope(user)

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])
