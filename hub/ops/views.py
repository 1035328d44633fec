from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .health import overall, run_checks
from .jobs import BUSY, SETTLED, failed_jobs, rq_backend


@never_cache
@require_safe
def healthz(request):
    """200 when the node can serve ("ok", or "degraded" without its cache); 503 naming what fails."""
    results = run_checks()
    state, status = overall(results)
    body = {"status": state, "checks": {result.name: result.as_dict() for result in results}}
    return JsonResponse(body, status=status)


def _require_superuser(request):
    if not request.user.is_superuser:
        raise PermissionDenied


def _job_row(queue_name, job):
    failure = job.meta.get("hub_failure", {})
    result = job.latest_result()
    traceback = (result.exc_string if result is not None else "") or ""
    return {
        "id": job.id,
        "queue": queue_name,
        "task": job.func_name,
        "arguments": ", ".join([repr(value) for value in job.args] + [f"{k}={v!r}" for k, v in job.kwargs.items()]),
        "enqueued_at": job.enqueued_at,
        "ended_at": job.ended_at,
        "timeout": job.timeout,
        "exception": failure.get("exception") or (traceback.strip().splitlines() or [""])[-1][:200],
        "message": failure.get("message", ""),
        "traceback": traceback[-4000:],
    }


class FailedJobsView(WagtailAdminTemplateMixin, TemplateView):
    """Jobs that RQ gave up on: their task, arguments, the error, and buttons to retry or discard."""

    template_name = "ops/admin/jobs.html"
    page_title = gettext_lazy("Background jobs")
    header_icon = "cogs"

    def dispatch(self, request, *args, **kwargs):
        _require_superuser(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        backend = rq_backend()
        context["backend"] = backend
        if backend is None:
            return context
        from rq import Worker

        queues = []
        for queue in backend.get_queues():
            queues.append(
                {
                    "name": queue.name,
                    "queued": queue.count,
                    "started": queue.started_job_registry.count,
                    "scheduled": queue.scheduled_job_registry.count,
                    "failed": queue.failed_job_registry.count,
                    "workers": Worker.count(queue=queue),
                }
            )
        context["queues"] = queues
        context["jobs"] = [_job_row(name, job) for name, job in failed_jobs(backend)]
        return context


def _failed_job(queue_name, job_id):
    backend = rq_backend()
    if backend is None or queue_name not in backend.queues:
        raise Http404
    import django_rq
    from django_tasks_rq import Job

    queue = django_rq.get_queue(queue_name, job_class=Job)
    if job_id not in queue.failed_job_registry.get_job_ids():
        raise Http404
    return backend, queue, Job.fetch(job_id, connection=queue.connection)


@require_POST
def retry_job(request, queue_name, job_id):
    _require_superuser(request)
    backend, queue, job = _failed_job(queue_name, job_id)
    outcome = backend.policy_for(job.func_name).before_retry(job.args, job.kwargs)
    if outcome == SETTLED:
        queue.failed_job_registry.remove(job, delete_job=True)
        messages.info(request, _("Nothing to run again: its work is already done. The failed entry was removed."))
    elif outcome == BUSY:
        queue.failed_job_registry.remove(job, delete_job=True)
        messages.info(request, _("Another run is doing this work right now. The failed entry was removed."))
    else:
        queue.failed_job_registry.requeue(job)
        messages.success(request, _("The job is queued again."))
    return redirect("hub_ops_jobs")


@require_POST
def discard_job(request, queue_name, job_id):
    _require_superuser(request)
    _backend, queue, job = _failed_job(queue_name, job_id)
    queue.failed_job_registry.remove(job, delete_job=True)
    messages.success(request, _("The job was discarded."))
    return redirect("hub_ops_jobs")
