"""Documents: the policy decides before Wagtail's serve view hands one over."""

from django.http import Http404, HttpResponseRedirect
from wagtail import hooks

from hub.ops.storage import is_object_storage, presigned_url

from .delivery import url_seconds
from .policy import WEBSITE, Viewer, may_see


@hooks.register("before_serve_document", order=100)
def check_document_policy(document, request):
    """Refuse what the policy refuses; on object storage, redirect to a short-lived signed URL.

    Wagtail's own collection check runs first and asks for a password or a login where it can;
    this one is the final word (and fails closed). The public bucket grants no reading of
    ``documents/``, so the signed URL is the only way to the bytes there.
    """
    if not may_see(Viewer.of(request), document, WEBSITE):
        raise Http404
    storage = document.file.storage
    if is_object_storage(storage):
        url = presigned_url(document.file.name, storage=storage, seconds=url_seconds(), download_name=document.filename)
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
    return None
