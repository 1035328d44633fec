"""The mixin that puts a page model's admin permissions through organisation scoping.

Every page model of the hub inherits it (a test checks), so Wagtail's edit, copy, move, delete,
publish, unpublish, lock and revision views all ask ``hub.consent.roles`` about the page.
"""


class OrganisationScopedPage:
    def permissions_for_user(self, user):
        from .roles import OrganisationPermissionTester

        return OrganisationPermissionTester(user, self)
