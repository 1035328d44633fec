"""The takedown list in a partner's feed area: what the partner must delete, machine-readable.

Radio partners automate: the same token that reads their private feed reads this list and
acknowledges each notice once their playout system has deleted the files. Unknown, expired or
revoked tokens get the same 404 as the feed, and count towards its rate limit.
"""

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from hub.feeds.data import episode_guid
from hub.partners.access import PRIVATE_HEADERS, authenticate, not_found

from .models import TakedownNotice


def _notices_for(partner):
    # Partner organisations are translatable: every language version is the same partner.
    return TakedownNotice.objects.filter(partner__translation_key=partner.translation_key).select_related("page")


def _entry(notice: TakedownNotice) -> dict:
    page = notice.page
    return {
        "id": notice.pk,
        "title": page.title,
        "guid": episode_guid({"translation_key": page.translation_key, "locale_id": page.locale_id}),
        "files": notice.files,
        "issued_at": notice.created_at.isoformat(),
        "acknowledged_at": notice.acknowledged_at.isoformat() if notice.acknowledged_at else None,
    }


@require_safe
def takedown_list(request, token):
    feed_token, refusal = authenticate(request, token)
    if refusal is not None:
        return refusal
    notices = [_entry(notice) for notice in _notices_for(feed_token.partner)]
    response = JsonResponse(
        {"partner": feed_token.partner.name, "takedowns": notices}, json_dumps_params={"ensure_ascii": False}
    )
    for name, value in {"Cache-Control": "private, no-store", **PRIVATE_HEADERS}.items():
        response[name] = value
    return response


@csrf_exempt  # a token in the URL authenticates the caller; there is no session to forge requests with
@require_POST
def acknowledge(request, token, notice_id):
    feed_token, refusal = authenticate(request, token)
    if refusal is not None:
        return refusal
    updated = (
        _notices_for(feed_token.partner)
        .filter(pk=notice_id, acknowledged_at__isnull=True)
        .update(acknowledged_at=timezone.now())
    )
    if not updated and not _notices_for(feed_token.partner).filter(pk=notice_id).exists():
        return not_found()
    response = HttpResponse(status=204, headers=PRIVATE_HEADERS)
    response["Cache-Control"] = "no-store"
    return response
