"""Damaged recordings in the editor's words (the pipeline's side is media_pipeline/damage.py).

A recording whose frames are damaged in a few places is processed: the damaged stretches are
silent in the published files and everything else keeps its timing. The report lists them
(``report["damage"]["stretches"]``: start, end in seconds, kind) and the admin names them here, in
the editor's language, with times the editor can find in any player. A recording damaged in more
than a fifth of its length is refused; the refusal names the stretches the same way.
"""

from django.utils.translation import gettext as _

from media_pipeline import MAX_DAMAGED_FRACTION, Reason, UnsupportedMedia
from media_pipeline.damage import clock

MISSING_END = "missing_end"


def stretches(report) -> list[dict]:
    """The damaged stretches a report lists (empty for an intact recording or an old report)."""
    damage = (report or {}).get("damage") or {}
    return [s for s in damage.get("stretches") or [] if isinstance(s, dict) and "start" in s and "end" in s]


def describe(stretch: dict) -> str:
    start, end = clock(float(stretch["start"])), clock(float(stretch["end"]))
    if stretch.get("kind") == MISSING_END:
        return _("from %(start)s to %(end)s: the end of the recording is missing or unreadable") % {
            "start": start,
            "end": end,
        }
    return _("%(start)s to %(end)s: could not be decoded, silent in the published files") % {
        "start": start,
        "end": end,
    }


def status_warning(report) -> str:
    """One line for the live status of a processed asset; empty when nothing is damaged."""
    found = stretches(report)
    if not found:
        return ""
    places = ", ".join(f"{clock(float(s['start']))}\u2013{clock(float(s['end']))}" for s in found[:3])
    if len(found) > 3:
        places += ", \u2026"
    return _("Damaged recording: check %(places)s") % {"places": places}


def refusal_message(exc: UnsupportedMedia) -> str | None:
    """The editor's message for a recording too damaged to publish; None for other refusals."""
    if exc.reason not in (Reason.DAMAGED, Reason.TRUNCATED) or not exc.damage:
        return None
    damaged = sum(s.end - s.start for s in exc.damage)
    listed = "; ".join(describe({"start": s.start, "end": s.end, "kind": s.kind}) for s in exc.damage[:5])
    limit = f"{MAX_DAMAGED_FRACTION:.0%}"
    if all(s.kind == MISSING_END for s in exc.damage):
        return _(
            "Unusable recording: the last %(missing)s s of the recording are missing or unreadable "
            "(more than %(limit)s of it): %(stretches)s. The copy was probably interrupted: copy the "
            "recording again from the recorder or phone it was made on and upload that file."
        ) % {"missing": f"{damaged:.0f}", "limit": limit, "stretches": listed}
    return _(
        "Unusable recording: %(damaged)s s of it could not be decoded (more than %(limit)s of the "
        "recording, too much to bridge with silence): %(stretches)s. Copy the recording again from the "
        "recorder or phone it was made on (the copy may have been interrupted) and upload that file; if "
        "the original is damaged too, cut the damaged part out in an audio editor and upload the rest."
    ) % {"damaged": f"{damaged:.0f}", "limit": limit, "stretches": listed}
