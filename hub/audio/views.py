"""Admin views around audio assets: process again, live status, rendition downloads.

Each one checks the asset itself, not only admin access: the user needs the model permission and
the asset must be in their organisation's scope (hub.consent.roles.assets_in_scope).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hub.consent.roles import assets_in_scope, may_handle_asset
from hub.ops.storage import is_object_storage, presigned_url

from .damage import status_warning
from .models import AudioAsset, AudioStatus, Rendition
from .templatetags.hub_audio_tags import hms

REPROCESS_PERMISSIONS = ("audio.add_audioasset", "audio.change_audioasset")
DOWNLOAD_SECONDS = 300


def _asset_for(request, pk, *permissions) -> AudioAsset:
    """The asset, if the user holds one of ``permissions`` and the asset is theirs to handle."""
    asset = get_object_or_404(AudioAsset, pk=pk)
    user = request.user
    if not any(user.has_perm(permission) for permission in permissions) or not may_handle_asset(user, asset):
        raise PermissionDenied
    return asset


def reprocess_refusal(asset: AudioAsset) -> str | None:
    """Why the asset may not be processed again now; None when it may."""
    from .withdrawal import in_live_use

    if asset.status == AudioStatus.PROCESSING and not AudioAsset.objects.stale().filter(pk=asset.pk).exists():
        # A run that stopped giving signs of life (its worker was killed) may be started again.
        return _("“%(title)s” is being processed right now.") % {"title": asset.title}
    if asset.status == AudioStatus.WITHDRAWN and not in_live_use(asset):
        return _(
            "“%(title)s” was withdrawn after a consent ended, so its public files must not come back. "
            "It can be processed again once a page that uses it is published again with a valid consent."
        ) % {"title": asset.title}
    return None


@require_POST
def reprocess(request, pk):
    asset = _asset_for(request, pk, *REPROCESS_PERMISSIONS)
    if refusal := reprocess_refusal(asset):
        messages.error(request, refusal)
    else:
        asset.enqueue_processing()
        messages.success(request, _("“%(title)s” is queued for processing again.") % {"title": asset.title})
    return redirect("wagtailsnippets_audio_audioasset:inspect", pk)


@require_GET
def status(request):
    """Status and progress of the assets named in ?id=, for the admin listing's live progress bars.

    Only the assets the user may see are answered; the others are left out, as if unknown.
    """
    if not request.user.has_perm("audio.view_audioasset") and not request.user.has_perm("audio.add_audioasset"):
        raise PermissionDenied
    ids = [int(value) for value in request.GET.getlist("id") if value.isdigit()][:200]
    rows = assets_in_scope(request.user, AudioAsset.objects.filter(pk__in=ids)).values(
        "pk", "status", "progress", "stage", "error_message", "duration_seconds", "report__damage"
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
                # Damaged stretches of a processed recording (silent in its files), in plain words.
                "warning": status_warning({"damage": row["report__damage"]}),
            }
            for row in rows
        }
    )


@require_GET
def download(request, pk, rendition_id):
    """One rendition of an asset, for whoever may see the asset (whatever its release state)."""
    asset = _asset_for(request, pk, "audio.view_audioasset", "audio.change_audioasset")
    rendition = get_object_or_404(Rendition, pk=rendition_id, asset=asset)
    if not rendition.file:
        raise Http404
    filename = f"{asset.pk}-{rendition.preset}{rendition.extension}"
    storage = rendition.file.storage
    if is_object_storage(storage):
        url = presigned_url(rendition.file.name, storage=storage, seconds=DOWNLOAD_SECONDS, download_name=filename)
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(rendition.file.open("rb"), as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response
