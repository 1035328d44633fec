"""What editors need to illustrate their pages: images, documents and contributors.

Wagtail grants images and documents per collection (a group's model permissions alone do not
show the Images menu, the image chooser's upload tab or the chooser's images), so editors and
moderators get adding and choosing on the root collection; what they upload they may then edit
(Wagtail's ownership rule). Contributors (people heard in episodes) are snippets: editors may add
and change them, also from the episode's contributor chooser.
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission

MEDIA_ACTIONS = {
    ("wagtailimages", "image"): ["add", "choose"],
    ("wagtaildocs", "document"): ["add", "choose"],
}
CONTRIBUTOR_PERMISSIONS = ["add_contributor", "change_contributor", "view_contributor"]


def illustrating_groups(groups: dict[str, Group]) -> list[Group]:
    """The groups that write or review pages: moderators and every editors' group."""
    from .roles import MODERATORS

    return [group for name, group in groups.items() if name == MODERATORS or name.startswith("Editors")]


def grant_media_permissions(groups: dict[str, Group], collection: Collection | None = None) -> None:
    """Idempotent: images, documents (in ``collection``, else the root) and contributors."""
    collection = collection or Collection.get_first_root_node()
    if collection is None:
        return
    contributors = list(
        Permission.objects.filter(content_type__app_label="radio", codename__in=CONTRIBUTOR_PERMISSIONS)
    )
    for group in illustrating_groups(groups):
        for (app_label, model), actions in MEDIA_ACTIONS.items():
            for action in actions:
                permission = Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission
                )
        group.permissions.add(*contributors)
