"""Editorial roles and the review workflow.

Groups:
- "Moderators" approve and publish stories, episodes and campaigns.
- "Consent officers" manage consent records, see their private fields and evidence, withdraw.
- "Radio-partner managers" manage partner organisations, their feed tokens and pull receipts.
- "Editors: <partner>" (one per partner organisation) write and edit pages, submit them for
  review, and may only edit pages that name their own organisation among the page's partners.

Stories and episodes must pass the "Editorial review" workflow (a Moderators approval task)
before they are published; editors cannot publish directly.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupApprovalTask, GroupPagePermission, Locale, Page, Workflow, WorkflowPage

from hub.partners.models import PartnerOrganisation

MODERATORS = "Moderators"
CONSENT_OFFICERS = "Consent officers"
RADIO_MANAGERS = "Radio-partner managers"
EDITOR_PREFIX = "Editors: "
WORKFLOW_NAME = "Editorial review"


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


def editor_group_name(partner: PartnerOrganisation) -> str:
    return f"{EDITOR_PREFIX}{partner.name}"


@transaction.atomic
def setup_roles() -> dict[str, Group]:
    """Create or update the groups, their permissions and the review workflow. Idempotent."""
    from hub.campaigns.models import CampaignIndexPage
    from hub.radio.models import RadioIndexPage
    from hub.stories.models import StoryIndexPage

    sections = [
        *StoryIndexPage.objects.all(),
        *RadioIndexPage.objects.all(),
        *CampaignIndexPage.objects.all(),
    ]
    groups = {}
    admin_access = _perms("access_admin")

    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    moderators.permissions.add(*admin_access, *_perms("view_consentrecord", "add_image", "add_document"))
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

    default_locale = Locale.get_default()
    for partner in PartnerOrganisation.objects.filter(locale=default_locale):
        editors, _ = Group.objects.get_or_create(name=editor_group_name(partner))
        editors.permissions.add(
            *admin_access,
            *_perms("view_consentrecord", "add_image", "add_document", "add_audioasset", "view_audioasset"),
        )
        _page_permissions(editors, sections, ["add", "change"])
        groups[editors.name] = editors

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    task, _ = GroupApprovalTask.objects.get_or_create(name=f"{MODERATORS} approve")
    task.groups.set([moderators])
    if not workflow.workflow_tasks.filter(task=task).exists():
        workflow.workflow_tasks.create(task=task, sort_order=0)
    for page in [*StoryIndexPage.objects.all(), *RadioIndexPage.objects.all()]:
        WorkflowPage.objects.update_or_create(page=Page.objects.get(pk=page.pk), defaults={"workflow": workflow})
    from .editor_permissions import grant_media_permissions

    grant_media_permissions(groups)
    return groups


def partners_of_user(user) -> set:
    """Translation keys of the partner organisations whose editor groups the user belongs to."""
    names = [
        name[len(EDITOR_PREFIX) :]
        for name in user.groups.values_list("name", flat=True)
        if name.startswith(EDITOR_PREFIX)
    ]
    return set(PartnerOrganisation.objects.filter(name__in=names).values_list("translation_key", flat=True))


def may_edit(user, page) -> bool:
    """Editors of a partner may edit pages that name their organisation (or name none yet)."""
    if user.is_superuser or user.groups.filter(name=MODERATORS).exists():
        return True
    own = partners_of_user(user)
    if not own:
        return True  # not a partner editor: Wagtail's page permissions decide alone
    return _names_own(page_partners(page.specific), own)


def page_partners(page):
    """The partner organisations a page belongs to: its own, or for an episode its show's."""
    from hub.radio.models import EpisodePage

    if isinstance(page, EpisodePage):
        page = page.get_parent().specific
    return getattr(page, "partners", None)


def _names_own(partners, own: set) -> bool:
    if partners is None:
        return True
    named = set(partners.values_list("translation_key", flat=True))
    return not named or bool(named & own)


def may_add_child(user, parent) -> bool:
    """Editors of a partner may add pages under a show only if the show is their organisation's."""
    from hub.radio.models import ShowPage

    if user.is_superuser or user.groups.filter(name=MODERATORS).exists():
        return True
    own = partners_of_user(user)
    if not own or not isinstance(parent.specific, ShowPage):
        return True
    return _names_own(parent.specific.partners, own)
