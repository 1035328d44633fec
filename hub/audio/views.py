from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .models import AudioAsset, AudioStatus
from .templatetags.hub_audio_tags import hms


@require_POST
def reprocess(request, pk):
    asset = get_object_or_404(AudioAsset, pk=pk)
    if asset.status == AudioStatus.PROCESSING:
        messages.warning(request, _("“%(title)s” is being processed right now.") % {"title": asset.title})
    else:
        asset.enqueue_processing()
        messages.success(request, _("“%(title)s” is queued for processing again.") % {"title": asset.title})
    return redirect("wagtailsnippets_audio_audioasset:inspect", pk)


@require_GET
def status(request):
    """Status and progress of the assets named in ?id=, for the admin listing's live progress bars."""
    ids = [int(value) for value in request.GET.getlist("id") if value.isdigit()][:200]
    rows = AudioAsset.objects.filter(pk__in=ids).values(
        "pk", "status", "progress", "stage", "error_message", "duration_seconds"
    )
    return JsonResponse(
        {
            str(row["pk"]): {
                "status": row["status"],
                "label": AudioStatus(row["status"]).label,
                "progress": row["progress"],
                "stage": row["stage"],
                "error": row["error_message"],
                "duration": hms(row["duration_seconds"]),
            }
            for row in rows
        }
    )
