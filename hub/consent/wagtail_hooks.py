from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter
from wagtail.models import WorkflowState
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views, publish_messages, views  # noqa: F401 - publish_messages registers hooks
from .models import VIEW_PRIVATE, ConsentRecord


class ConsentRecordViewSet(SnippetViewSet):
    model = ConsentRecord
    icon = "clipboard-list"
    menu_label = _("Consent")
    menu_order = 320
    add_to_admin_menu = True
    index_view_class = admin_views.ConsentIndexView
    add_view_class = admin_views.ConsentCreateView
    create_template_name = "consent/create_for_page.html"
    chooser_viewset_class = admin_views.ConsentChooserViewSet
    list_display = [
        admin_views.NameTitleColumn(
            "public_name",
            label=_("Name"),
            url_name="wagtailsnippets_consent_consentrecord:edit",
            sort_key="public_name",
        ),
        *admin_views.detail_columns(),
    ]
    list_filter = ["scope_website", "scope_podcast", "scope_broadcast", "withdrawn_on"]
    search_fields = ["public_name"]


register_snippet(ConsentRecordViewSet)


@hooks.register("register_admin_viewset")
def register_takedowns():
    from .admin import TakedownViewSetGroup

    return TakedownViewSetGroup()


@hooks.register("register_admin_urls")
def consent_urls():
    return [
        path("consent/<int:pk>/evidence/", views.evidence, name="hub_consent_evidence"),
        path("consent/<int:pk>/withdraw/", views.withdraw_view, name="hub_consent_withdraw"),
    ]


@hooks.register("register_snippet_listing_buttons")
def withdraw_button(snippet, user, next_url=None):
    if isinstance(snippet, ConsentRecord) and not snippet.withdrawn_on and user.has_perm(VIEW_PRIVATE):
        yield Button(
            _("Withdraw"), reverse("hub_consent_withdraw", args=[snippet.pk]), icon_name="warning", priority=90
        )


@hooks.register("register_log_actions")
def consent_log_actions(actions):
    actions.register_action("hub.consent.withdraw", _("Withdraw consent"), _("Consent withdrawn"))
    actions.register_action("hub.consent.takedown", _("Take down"), _("Content taken down after consent ended"))
    actions.register_action(
        "hub.consent.publish_refused",
        _("Scheduled publishing refused"),
        _("Scheduled publishing refused: the consent does not cover the website"),
    )

    @actions.register_action("hub.consent.page_takedown")
    class PageTakenDown(LogFormatter):
        label = _("Taken down after consent ended")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            if data.get("reason") == "expired":
                return _("Taken offline: the consent of %(name)s expired.") % {"name": data.get("consent", "")}
            return _("Taken offline: %(name)s withdrew their consent. Reason given: %(reason)s") % {
                "name": data.get("consent", ""),
                "reason": data.get("text", "") or "—",
            }


class ConsentPanel(Component):
    name = "hub_consent"
    order = 90
    template_name = "consent/dashboard_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        from .roles import scoped_page_ids

        waiting = WorkflowState.objects.active().select_related("current_task_state__task").order_by("created_at")
        own = scoped_page_ids(self.user)
        if own is not None:
            waiting = waiting.filter(object_id__in=[str(pk) for pk in own])
        return {
            "expiring": ConsentRecord.objects.expiring_within(30).order_by("expires_on")[:20],
            "waiting": [state for state in waiting[:10] if state.content_object is not None],
        }


@hooks.register("construct_homepage_panels")
def add_consent_panel(request, panels):
    panels.append(ConsentPanel(request.user))


def _live_or_own(pages, request):
    """Other organisations' drafts stay out of sight: live pages, and the user's own pages."""
    from django.db.models import Q

    from .roles import scoped_page_ids

    own = scoped_page_ids(request.user)
    if own is None:
        return pages
    return pages.filter(Q(live=True) | Q(pk__in=own))


@hooks.register("construct_page_chooser_queryset")
def scope_page_chooser(pages, request):
    return _live_or_own(pages, request)


@hooks.register("construct_explorer_page_queryset")
def scope_explorer(parent_page, pages, request):
    return _live_or_own(pages, request)


@hooks.register("construct_admin_api")
def scope_admin_api(router):
    """The admin API behind the explorer answers like the explorer: no other organisation's drafts.

    Wagtail's own endpoint applies the explorer hooks only to listings asked ``for_explorer``; a
    page's detail, or a listing without that flag, would show any draft's title, slug and status.
    """
    from wagtail.admin.api.views import PagesAdminAPIViewSet

    class ScopedPagesAdminAPIViewSet(PagesAdminAPIViewSet):
        def get_base_queryset(self):
            return _live_or_own(super().get_base_queryset(), self.request)

    router.register_endpoint("pages", ScopedPagesAdminAPIViewSet)
