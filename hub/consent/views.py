from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
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


def withdrawal_preview(record: ConsentRecord) -> list[dict]:
    """What withdrawing ``record`` would take down: each linked page, its audio files, its partners' copies."""
    from hub.audio.models import AudioStatus

    from .takedown import _partner_pulls, linked_pages

    pages = linked_pages(record)
    linked_ids = {page.pk for page in pages}
    preview = []
    for page in sorted(pages, key=lambda page: (not page.live, page.title.casefold())):
        audio_files = []
        assets = [page.audio] if getattr(page, "audio", None) is not None else []
        if hasattr(page, "audio_spots"):
            assets += [spot.audio for spot in page.audio_spots.all()]
        for asset in assets:
            if not page.live or asset.status == AudioStatus.WITHDRAWN or _used_elsewhere(asset, linked_ids):
                continue
            audio_files += [rendition.file.name for rendition in asset.renditions.all() if rendition.file]
            if asset.peaks:
                audio_files.append(asset.peaks.name)
        preview.append(
            {
                "page": page,
                "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
                "language": page.locale.get_display_name(),
                "live": page.live,
                "audio_files": audio_files,
                "partners": [(partner.name, files) for partner, files in _partner_pulls(page).items()],
            }
        )
    return preview


def _used_elsewhere(asset, linked_ids) -> bool:
    """Whether a live page that does not link the record uses the audio (then its files stay)."""
    from hub.campaigns.models import CampaignAudioSpot
    from hub.radio.models import EpisodePage

    return (
        EpisodePage.objects.live().filter(audio=asset).exclude(pk__in=linked_ids).exists()
        or CampaignAudioSpot.objects.filter(audio=asset, page__live=True).exclude(page_id__in=linked_ids).exists()
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
    return TemplateResponse(
        request,
        "consent/withdraw.html",
        {"record": record, "form": form, "preview": withdrawal_preview(record)},
    )
