from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub.ops.storage import signed_url

from .models import VIEW_PRIVATE, ConsentRecord
from .takedown import withdraw


def _require_officer(request):
    if not request.user.has_perm(VIEW_PRIVATE):
        raise PermissionDenied


def evidence(request, pk):
    """Evidence is only ever served here, to consent officers; it has no public URL.

    On object storage the officer is redirected to a short-lived signed URL of the private bucket
    (hub.ops.storage.signed_url); on local disk the file is streamed from the private folder.
    """
    _require_officer(request)
    record = get_object_or_404(ConsentRecord, pk=pk)
    if not record.evidence:
        raise Http404
    filename = record.evidence.name.rsplit("/", 1)[-1]
    if url := signed_url(record.evidence.name, storage=record.evidence.storage, download_name=filename):
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(record.evidence.open("rb"), as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    redact = forms.BooleanField(
        label=gettext_lazy("Redact stories instead of unpublishing them, where the record allows it"), required=False
    )


def withdraw_view(request, pk):
    _require_officer(request)
    record = get_object_or_404(ConsentRecord, pk=pk)
    if record.withdrawn_on:
        messages.warning(request, _("This consent was already withdrawn."))
        return redirect("wagtailsnippets_consent_consentrecord:edit", pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        withdraw(record, reason=form.cleaned_data["reason"], user=request.user, redact=form.cleaned_data["redact"])
        messages.success(
            request,
            _("Consent of %(name)s withdrawn. Everything linked to it is being taken down.")
            % {"name": record.public_name},
        )
        return redirect("wagtailsnippets_consent_consentrecord:edit", pk)
    return TemplateResponse(request, "consent/withdraw.html", {"record": record, "form": form})
