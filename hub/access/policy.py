"""Who may see what, now: the one answer every public, partner and file route asks for.

``may_see(viewer, obj, channel)`` decides for a page, an audio asset, a rendition, waveform
peaks, a chapter, a transcript, a Wagtail document or a consent record's evidence, from:

- publication (live or draft) and Wagtail's page privacy (view restrictions),
- the public release time of an episode (an embargo) and, for partners, the partner release
  time and broadcast rights window (:func:`hub.feeds.data.partner_episodes`),
- the consent of the people portrayed, per channel (:func:`hub.consent.gates.cleared_for`),
- the privacy of a document's collection (Wagtail's collection view restrictions),
- the consent officer permission for evidence.

The rules themselves live where they always lived (consent gates, partner windows, release
times); this module only calls them, so there is one place to ask and nothing to keep in step.
Anything it does not know is refused: an unknown type, a missing viewer, an unknown channel. A
rule that fails is a refusal, except when the database cannot be reached: that is no answer, and
the error goes to the caller.

``visible(viewer, pages, channel)`` answers the same question for a whole queryset of pages, in
one query: every listing, search, the sitemap and the feeds ask it, and the check of one page is
``visible`` applied to that page, so a list and a page can never disagree.

Nothing is cached: the answer changes the moment a page is published or unpublished, an embargo
ends, a consent is withdrawn or a partner's window closes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.utils import timezone

WEBSITE = "website"  # pages, players, embeds, story and campaign clips, documents
PODCAST = "podcast"  # public feeds and their enclosures, chapters and transcripts
PARTNER = "partner"  # a partner token's feed and downloads
CHANNELS = (WEBSITE, PODCAST, PARTNER)

# The database could not be reached: raised as it is, whatever the rule.
DATABASE_OUTAGE = (OperationalError, InterfaceError)

# Renditions the public may hear; the broadcast master is for partners only.
PUBLIC_PRESETS = frozenset({"podcast-mp3", "lowband-opus"})


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def refuse(reason: str) -> Decision:
    return Decision(False, reason)


@dataclass
class Viewer:
    """Who asks: a (possibly anonymous) user, or a partner authenticated by a feed token."""

    user: Any = field(default_factory=AnonymousUser)
    partner: Any = None
    request: Any = None
    now: datetime = field(default_factory=timezone.now)

    @classmethod
    def of(cls, request) -> Viewer:
        return cls(user=getattr(request, "user", None) or AnonymousUser(), request=request)

    @classmethod
    def of_partner(cls, partner, request=None) -> Viewer:
        return cls(partner=partner, request=request)


@dataclass(frozen=True)
class Peaks:
    """The waveform peaks of an audio asset (they are read only through the player)."""

    asset: Any


@dataclass(frozen=True)
class Evidence:
    """The evidence file of a consent record."""

    record: Any


def may_see(viewer: Viewer | None, obj, channel: str = WEBSITE) -> Decision:
    """May ``viewer`` see ``obj`` on ``channel`` right now? Refuses whatever it has no rule for."""
    if viewer is None or obj is None:
        return refuse("nobody asked, or nothing to see")
    if channel not in CHANNELS:
        return refuse(f"unknown channel {channel!r}")
    for kind, rule in _rules():
        if isinstance(obj, kind):
            try:
                decision = rule(viewer, obj, channel)
            except DATABASE_OUTAGE:
                # No answer at all, neither a pass nor a refusal: the caller serves its remembered
                # decision (hub.feeds.cache.decided) or a 503, never a 404 for something that exists.
                raise
            except Exception as exc:  # a broken rule is a refusal, never a pass
                return refuse(f"the rule for {type(obj).__name__} failed: {exc.__class__.__name__}")
            return decision if isinstance(decision, Decision) else refuse("a rule gave no decision")
    return refuse(f"no rule for {type(obj).__name__}")


# --- the rules ------------------------------------------------------------------------


# --- pages: one set of rules, for one page and for whole listings ------------------------------
#
# Each rule narrows a queryset of pages to those it lets through. ``visible`` applies them all to a
# listing (story index, show page, home page, search, sitemap, feeds ...), and the check of one page
# applies the very same rules to a queryset of that page, so a list never shows what the page would
# refuse, and the other way round.


def _published(viewer: Viewer, pages, channel: str, listing: bool):
    return pages.filter(live=True)


def _not_private(viewer: Viewer, pages, channel: str, listing: bool):
    """Pages under a Wagtail view restriction only for a request that passes it.

    In a listing, only a logged-in user can pass: anonymous answers (including one with a password
    in its session) are shared through the page and feed caches, so they never list a private page.
    """
    from django.db.models import Q
    from wagtail.models import PageViewRestriction

    request = viewer.request
    user = getattr(request, "user", None) if request is not None else None
    may_pass = request is not None and (not listing or bool(user is not None and user.is_authenticated))
    hidden = Q()
    for restriction in PageViewRestriction.objects.select_related("page"):
        if may_pass and restriction.accept_request(request):
            continue
        hidden |= Q(path__startswith=restriction.page.path)
    return pages.exclude(hidden) if hidden else pages


def _page_models_with(mixin_or_field) -> list:
    from wagtail.models import get_page_models

    found = []
    for model in get_page_models():
        if model._meta.abstract or model._meta.proxy:
            continue
        if isinstance(mixin_or_field, str):
            if any(f.name == mixin_or_field for f in model._meta.get_fields()):
                found.append(model)
        elif issubclass(model, mixin_or_field):
            found.append(model)
    return found


def _released(viewer: Viewer, pages, channel: str, listing: bool):
    """Past the public release time, for the page models that have one (episodes)."""
    model = pages.model
    if any(f.name == "public_release_at" for f in model._meta.get_fields()):
        return pages.exclude(public_release_at__gt=viewer.now)
    for embargoable in _page_models_with("public_release_at"):
        if issubclass(embargoable, model):
            pages = pages.exclude(pk__in=embargoable.objects.filter(public_release_at__gt=viewer.now).values("pk"))
    return pages


def _consented(viewer: Viewer, pages, channel: str, listing: bool):
    """Pages that portray people only while everyone's consent covers this channel today."""
    from hub.consent.gates import cleared_for
    from hub.consent.models import ConsentLinkedPage, Scope

    scope = Scope.PODCAST if channel == PODCAST else Scope.WEBSITE
    day = timezone.localdate(viewer.now)
    model = pages.model
    if issubclass(model, ConsentLinkedPage):
        return cleared_for(pages, scope, day=day)
    for linked in _page_models_with(ConsentLinkedPage):
        if issubclass(linked, model):
            uncleared = linked.objects.exclude(pk__in=cleared_for(linked.objects.all(), scope, day=day).values("pk"))
            pages = pages.exclude(pk__in=uncleared.values("pk"))
    return pages


def _in_partner_window(viewer: Viewer, pages, channel: str, listing: bool):
    """A partner gets the episodes of its shows inside its release window, rights and consent."""
    from hub.feeds.data import partner_episodes

    if viewer.partner is None:
        return pages.none()
    _shows, _live, available = partner_episodes(viewer.partner, now=viewer.now)
    return pages.filter(pk__in=available.values("pk"))


PUBLIC_PAGE_RULES = (
    (_published, "not published"),
    (_not_private, "a private page"),
    (_released, "under embargo until its public release"),
    (_consented, "the consent of a person portrayed does not cover this channel"),
)
PARTNER_PAGE_RULES = (
    (_published, "not published"),
    (_in_partner_window, "outside the partner's shows, release window, rights or consent"),
)


def _page_rules(channel: str):
    return PARTNER_PAGE_RULES if channel == PARTNER else PUBLIC_PAGE_RULES


def visible(viewer: Viewer | None, pages, channel: str = WEBSITE, *, listing: bool = True):
    """The pages of the queryset ``pages`` that ``viewer`` may see on ``channel`` now.

    Every listing of the hub asks this (indexes, show pages, the home page, partner pages,
    related stories and episodes, search, the sitemap, the public feeds): still one query for the
    whole list. Anything it cannot decide is an empty list.
    """
    from wagtail.models import Page

    if viewer is None or channel not in CHANNELS or not issubclass(getattr(pages, "model", object), Page):
        return pages.none() if hasattr(pages, "none") else []
    for rule, _reason in _page_rules(channel):
        pages = rule(viewer, pages, channel, listing)
    return pages


def public_viewer() -> Viewer:
    """Anyone at all: what public feeds and the sitemap (shared by every reader) may list."""
    return Viewer()


def listed(pages, viewer: Viewer | None = None, channel: str = WEBSITE):
    """The pages of ``pages`` that ``viewer`` (anyone at all if None) may see on ``channel``."""
    return visible(viewer or public_viewer(), pages, channel)


def _page(viewer: Viewer, page, channel: str) -> Decision:
    """One page: the rules of :func:`visible`, applied to that page alone (the first one that
    holds it back gives the reason)."""
    if page.pk is None:
        return refuse("not saved")
    model = page.specific_class or type(page)
    one = model.objects.filter(pk=page.pk)
    if visible(viewer, one, channel, listing=False).exists():
        return ALLOW
    for rule, reason in _page_rules(channel):
        one = rule(viewer, one, channel, False)
        if not one.exists():
            return refuse(reason)
    return refuse("refused")


def _partner_page(viewer: Viewer, page) -> Decision:
    return _page(viewer, page, PARTNER)


def carrying_episodes(asset):
    from hub.radio.models import EpisodePage

    return EpisodePage.objects.filter(audio=asset)


def spot_campaigns(asset):
    from hub.campaigns.models import CampaignPage

    return CampaignPage.objects.filter(audio_spots__audio=asset).distinct()


def clipping_pages(asset):
    """Pages whose body has an audio clip of ``asset`` (Wagtail's reference index)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, ReferenceIndex

    page_type = ContentType.objects.get_for_model(Page)
    ids = (
        ReferenceIndex.get_references_to(asset).filter(base_content_type=page_type).values_list("object_id", flat=True)
    )
    return Page.objects.filter(pk__in=[int(pk) for pk in ids if str(pk).isdigit()])


def gating_pages(asset) -> list:
    """The pages whose visibility decides the asset's: its episodes, else its campaigns, else its clips."""
    episodes = list(carrying_episodes(asset))
    if episodes:
        return episodes
    campaigns = list(spot_campaigns(asset))
    if campaigns:
        return campaigns
    return [page.specific for page in clipping_pages(asset)]


def _asset(viewer: Viewer, asset, channel: str) -> Decision:
    """An asset is heard where the pages that carry it may be seen.

    An episode's audio is gated by its episodes (any translation): it is public once one of them
    may be seen, never before, so no story clip or campaign spot can release it early, and once
    they are all unpublished (a consent withdrawn) no clip plays it any more. Audio no episode
    carries follows the campaigns that run it as a spot, and else the pages that clip it. Consent
    is decided per page (hub.consent.gates), as everywhere else in the hub.
    """
    from hub.audio.models import AudioStatus

    if channel == WEBSITE and _audio_editor(viewer, asset):
        # Editors hear what they edit (previews) before anyone else does.
        return ALLOW if asset.status == AudioStatus.READY else refuse("the audio is not ready")
    if asset.status != AudioStatus.READY:
        return refuse("the audio is not ready (or was withdrawn)")
    if channel == PARTNER:
        episodes = list(carrying_episodes(asset))
        return ALLOW if any(_partner_page(viewer, episode) for episode in episodes) else refuse("not for partners")
    gates = gating_pages(asset)
    if not gates:
        return refuse("no page publishes this audio")
    if any(_page(viewer, page, channel) for page in gates):
        return ALLOW
    return refuse("no page that publishes this audio may be seen")


def _audio_editor(viewer: Viewer, asset) -> bool:
    """Editors hear the audio of pages they may edit (previews, the inspect view) before release.

    Audio on no page yet belongs to the shared library: any editor of audio may hear it. Once a
    page carries or clips it, only those who may edit one of those pages (Wagtail's page
    permissions, scoped per organisation) or superusers may.
    """
    user = viewer.user
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not (user.has_perm("wagtailadmin.access_admin") and user.has_perm("audio.change_audioasset")):
        return False
    pages = [*carrying_episodes(asset), *spot_campaigns(asset), *clipping_pages(asset)]
    if not pages:
        return True
    return any(page.permissions_for_user(user).can_edit() for page in pages)


def _rendition(viewer: Viewer, rendition, channel: str) -> Decision:
    if channel != PARTNER and rendition.preset not in PUBLIC_PRESETS and not _audio_editor(viewer, rendition.asset):
        return refuse("the broadcast master is for partners only")
    return _asset(viewer, rendition.asset, channel)


def _peaks(viewer: Viewer, peaks: Peaks, channel: str) -> Decision:
    return _asset(viewer, peaks.asset, channel)


def _chapter_or_transcript(viewer: Viewer, row, channel: str) -> Decision:
    return _page(viewer, row.episode, channel)


def _document(viewer: Viewer, document, channel: str) -> Decision:
    if channel != WEBSITE:
        return refuse("documents are published on the website only")
    collection = getattr(document, "collection", None)
    if collection is None:
        return refuse("a document without a collection")
    for restriction in collection.get_view_restrictions():
        if viewer.request is None or not restriction.accept_request(viewer.request):
            return refuse("a document of a private collection")
    return ALLOW


def _evidence(viewer: Viewer, evidence: Evidence, channel: str) -> Decision:
    from hub.consent.models import VIEW_PRIVATE

    user = viewer.user
    if user is None or not user.is_authenticated or not user.is_active or not user.has_perm(VIEW_PRIVATE):
        return refuse("evidence is for consent officers only")
    return ALLOW


def _rules():
    from wagtail.documents.models import AbstractDocument
    from wagtail.models import Page

    from hub.audio.models import AudioAsset, Rendition
    from hub.consent.models import ConsentRecord
    from hub.radio.models import EpisodeChapter, EpisodeTranscript

    return (
        (Page, _page),
        (Rendition, _rendition),
        (AudioAsset, _asset),
        (Peaks, _peaks),
        (EpisodeChapter, _chapter_or_transcript),
        (EpisodeTranscript, _chapter_or_transcript),
        (AbstractDocument, _document),
        (Evidence, _evidence),
        (ConsentRecord, lambda viewer, record, channel: _evidence(viewer, Evidence(record), channel)),
    )
