"""What editors need to illustrate their pages: images, documents and contributors.

Wagtail grants images and documents per collection and group (a group's model permissions alone
do not show the Images menu, the image chooser's upload tab or the chooser's images). Each partner
organisation has a collection of its own and a group that may add and choose images and documents
in it (``OrganisationMedia``); the organisation's editors and moderators are kept in that group,
so they upload into their organisation's collection and choose only from it. The coordinating
organisation's group has the root collection: every collection. What an editor uploads they may
then edit (Wagtail's ownership rule). Contributors (people heard in episodes) are snippets: editors
may add and change them, also from the episode's contributor chooser.

The groups follow the memberships: a change of a user's organisation or role groups, of an
organisation, and ``setup_roles`` bring them in line (signals connected in ``ConsentConfig``).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import Collection, GroupCollectionPermission, Locale

MEDIA_ACTIONS = {
    ("wagtailimages", "image"): ["add", "choose"],
    ("wagtaildocs", "document"): ["add", "choose"],
}
CONTRIBUTOR_PERMISSIONS = ["add_contributor", "change_contributor", "view_contributor"]
MEDIA_GROUP_PREFIX = "Media: "


def illustrating_groups(groups: dict[str, Group]) -> list[Group]:
    """The groups that write or review pages: moderators and every editors' group."""
    from .roles import MODERATORS

    return [group for name, group in groups.items() if name == MODERATORS or name.startswith("Editors")]


def _illustrates(user) -> bool:
    from .roles import MODERATORS

    return user.is_active and user.groups.filter(Q(name=MODERATORS) | Q(name__startswith="Editors")).exists()


def _media_permissions() -> list[Permission]:
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
        for (app_label, model), actions in MEDIA_ACTIONS.items()
        for action in actions
    ]


def _unique_name(model, field: str, wanted: str, current=None, **scope) -> str:
    """``wanted``, or ``wanted (2)``, ``(3)``… if another row already has it."""
    name, number = wanted, 1
    while model.objects.filter(**{field: name}, **scope).exclude(pk=getattr(current, "pk", None)).exists():
        number += 1
        name = f"{wanted} ({number})"
    return name


def _display_name(organisation) -> str:
    """The organisation's name in the default language (the collection's and group's name)."""
    from hub.partners.models import PartnerOrganisation

    default = PartnerOrganisation.objects.filter(
        translation_key=organisation.translation_key, locale=Locale.get_default()
    ).first()
    return str((default or organisation).name)[:200]


@transaction.atomic
def ensure_organisation_media(organisation):
    """The organisation's collection and group, created or brought in line; idempotent."""
    from hub.partners.models import OrganisationMedia, PartnerOrganisation

    root = Collection.get_first_root_node()
    if root is None:
        return None
    name = _display_name(organisation)
    media = (
        OrganisationMedia.objects.select_for_update()
        .select_related("collection", "group")
        .filter(translation_key=organisation.translation_key)
        .first()
    )
    if media is None:
        collection = root.add_child(
            instance=Collection(name=_unique_name(Collection, "name", name, path__startswith=root.path))
        )
        group = Group.objects.create(name=_unique_name(Group, "name", f"{MEDIA_GROUP_PREFIX}{name}"))
        media = OrganisationMedia.objects.create(
            translation_key=organisation.translation_key, collection=collection, group=group
        )
    else:  # a renamed organisation renames its collection and group
        if not media.collection.name.startswith(name):
            media.collection.name = _unique_name(Collection, "name", name, current=media.collection)
            media.collection.save(update_fields=["name"])
        if not media.group.name.startswith(f"{MEDIA_GROUP_PREFIX}{name}"):
            media.group.name = _unique_name(Group, "name", f"{MEDIA_GROUP_PREFIX}{name}", current=media.group)
            media.group.save(update_fields=["name"])

    coordinator = PartnerOrganisation.objects.filter(
        translation_key=organisation.translation_key, is_coordinator=True
    ).exists()
    scope = root if coordinator else media.collection
    permissions = _media_permissions()
    granted = GroupCollectionPermission.objects.filter(group=media.group)
    granted.exclude(collection=scope, permission__in=permissions).delete()
    for permission in permissions:
        GroupCollectionPermission.objects.get_or_create(group=media.group, collection=scope, permission=permission)
    return media


def sync_media_groups(user) -> None:
    """Put the user in their organisation's media group (editors and moderators), out of others."""
    from hub.partners.models import OrganisationMedia, OrganisationMembership

    if user is None or user.pk is None:
        return
    wanted: set[int] = set()
    membership = OrganisationMembership.objects.filter(user=user).select_related("organisation").first()
    if membership is not None and _illustrates(user):
        media = ensure_organisation_media(membership.organisation)
        if media is not None:
            wanted.add(media.group_id)
    media_groups = OrganisationMedia.objects.values_list("group_id", flat=True)
    current = set(user.groups.filter(pk__in=media_groups).values_list("pk", flat=True))
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))


def grant_media_permissions(groups: dict[str, Group]) -> None:
    """Idempotent: contributors for the groups that illustrate pages, images and documents per
    organisation (no longer on the root collection for every editor), every member in line."""
    from hub.partners.models import OrganisationMembership, PartnerOrganisation

    contributors = list(
        Permission.objects.filter(content_type__app_label="radio", codename__in=CONTRIBUTOR_PERMISSIONS)
    )
    for group in illustrating_groups(groups):
        group.permissions.add(*contributors)
        # Wagtail's own migrations give groups named "Editors" and "Moderators" adding, changing
        # and choosing on the root collection: every image and document. Not for the hub's roles.
        GroupCollectionPermission.objects.filter(
            group=group, permission__content_type__app_label__in=["wagtailimages", "wagtaildocs"]
        ).delete()
    seen = set()
    for organisation in PartnerOrganisation.objects.order_by("translation_key", "pk"):
        if organisation.translation_key not in seen:
            seen.add(organisation.translation_key)
            ensure_organisation_media(organisation)
    for membership in OrganisationMembership.objects.select_related("user"):
        sync_media_groups(membership.user)


# --- signals (connected in hub.consent.apps) --------------------------------------------------------


def organisation_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from hub.partners.models import OrganisationMedia

    # Created when the first member needs it; kept in step (name, coordinator) once it exists.
    if OrganisationMedia.objects.filter(translation_key=instance.translation_key).exists():
        ensure_organisation_media(instance)


def membership_changed(sender, instance, raw=False, **kwargs):
    from django.contrib.auth import get_user_model

    if raw:
        return
    user = get_user_model().objects.filter(pk=instance.user_id).first()  # gone when the user is deleted
    sync_media_groups(user)


def user_groups_changed(sender, instance, action, pk_set=None, reverse=False, **kwargs):
    from django.contrib.auth import get_user_model

    from hub.partners.models import OrganisationMedia

    if action not in ("post_add", "post_remove", "post_clear"):
        return
    media_groups = set(OrganisationMedia.objects.values_list("group_id", flat=True))
    if reverse:  # group.user_set changed: pk_set are users
        if instance.pk in media_groups or not pk_set:
            return
        for user in get_user_model().objects.filter(pk__in=pk_set):
            sync_media_groups(user)
        return
    if pk_set and set(pk_set) <= media_groups:
        return  # the sync's own change
    sync_media_groups(instance)
