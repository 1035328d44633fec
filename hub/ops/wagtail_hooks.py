from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views
from .jobs import rq_backend


@hooks.register("register_admin_urls")
def register_ops_urls():
    return [
        path("jobs/", views.FailedJobsView.as_view(), name="hub_ops_jobs"),
        path("jobs/<str:queue_name>/<str:job_id>/retry/", views.retry_job, name="hub_ops_job_retry"),
        path("jobs/<str:queue_name>/<str:job_id>/discard/", views.discard_job, name="hub_ops_job_discard"),
    ]


class JobsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser and rq_backend() is not None


@hooks.register("register_settings_menu_item")
def register_jobs_menu_item():
    return JobsMenuItem(_("Background jobs"), reverse("hub_ops_jobs"), icon_name="cogs", order=900)
