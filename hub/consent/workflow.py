"""The review task of the "Editorial review" workflow: a moderator of the page's organisation approves.

Like Wagtail's group approval task (members of the chosen groups review), narrowed by
organisation: a moderator reviews only the pages their organisation may act on
(``hub.consent.roles.in_scope``); moderators of the coordinating organisation and superusers
review every page. A submission therefore waits until the right moderator acts on it.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState


class OrganisationApprovalTask(AbstractGroupApprovalTask):
    def _may_review(self, obj, user) -> bool:
        from .roles import in_scope

        if not user.is_active:
            return False
        if user.is_superuser:
            return True
        return self._user_in_groups(user) and in_scope(user, obj)

    def start(self, workflow_state, user=None):
        obj = workflow_state.content_object
        locker = getattr(obj, "locked_by", None)
        if locker is not None and not self._may_review(obj, locker):
            obj.locked = False
            obj.locked_by = None
            obj.locked_at = None
            obj.save(update_fields=["locked", "locked_by", "locked_at"])
        return super(AbstractGroupApprovalTask, self).start(workflow_state, user=user)

    def user_can_access_editor(self, obj, user):
        return self._may_review(obj, user)

    def locked_for_user(self, obj, user):
        return not self._may_review(obj, user)

    def user_can_lock(self, obj, user):
        return self._may_review(obj, user)

    def get_actions(self, obj, user):
        if not self._may_review(obj, user):
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if not user.is_active or not (user.is_superuser or self._user_in_groups(user)):
            return TaskState.objects.none()
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS).select_related("workflow_state")
        allowed = [
            state.pk
            for state in states
            if (obj := state.workflow_state.content_object) is not None and self._may_review(obj, user)
        ]
        return self.task_states.filter(pk__in=allowed)

    @classmethod
    def get_description(cls):
        return _("Moderators of the page's partner organisation approve it")

    class Meta:
        verbose_name = _("organisation approval task")
        verbose_name_plural = _("organisation approval tasks")
