"""Plots as inline SVG: no JavaScript, no plotting library, readable in any browser."""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

FLOOR = -50.0
CEILING = 0.0


def loudness_svg(
    report: dict | None, targets: list[tuple[float, str]] | None = None, width: int = 720, height: int = 240
):
    """Short-term loudness (3 s window) over time, with the rendition targets as dashed lines."""
    series = (report or {}).get("short_term") or {}
    values = series.get("values") or []
    interval = series.get("interval") or 1.0
    if not values:
        return ""
    left, right, top, bottom = 48, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    duration = max(interval * (len(values) - 1), interval)

    def x(seconds: float) -> float:
        return left + plot_w * seconds / duration

    def y(lufs: float) -> float:
        clipped = min(max(lufs, FLOOR), CEILING)
        return top + plot_h * (CEILING - clipped) / (CEILING - FLOOR)

    segments, current = [], []
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append(f"{x(index * interval):.1f},{y(value):.1f}")
    if current:
        segments.append(current)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="loudness-title" class="loudness-plot" style="max-width:{width}px">',
        f'<title id="loudness-title">{escape(_("Short-term loudness of the source over time"))}</title>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#f6f8fa" stroke="#c8ccd0"/>',
    ]
    for lufs in range(int(FLOOR), int(CEILING) + 1, 10):
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(lufs):.1f}" y2="{y(lufs):.1f}" stroke="#e1e4e8"/>'
            f'<text x="{left - 6}" y="{y(lufs) + 4:.1f}" font-size="11" text-anchor="end" fill="#555">{lufs}</text>'
        )
    for lufs, label in targets or []:
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(lufs):.1f}" y2="{y(lufs):.1f}" stroke="#b35900" '
            f'stroke-dasharray="6 4"/><text x="{left + plot_w - 4}" y="{y(lufs) - 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="#b35900">{escape(label)}</text>'
        )
    for segment in segments:
        parts.append(f'<polyline fill="none" stroke="#0b5cad" stroke-width="1.5" points="{" ".join(segment)}"/>')
    minutes = duration / 60
    step = max(1, round(minutes / 6)) * 60 if minutes > 2 else max(5, round(duration / 6 / 5) * 5)
    tick = 0.0
    while tick <= duration + 0.01:
        label = f"{int(tick // 60)}:{int(tick % 60):02d}"
        parts.append(
            f'<text x="{x(tick):.1f}" y="{height - 8}" font-size="11" text-anchor="middle" fill="#555">{label}</text>'
        )
        tick += step
    parts.append(f'<text x="4" y="{top + 10}" font-size="11" fill="#555">LUFS</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def progress_bar(status: str, progress: int, asset_id: int, warning: str = ""):
    """The status cell; ``warning`` names the damaged places of a processed recording (the live
    status fills it in when a run finishes)."""
    return format_html(
        '<span class="hub-audio-status" data-audio-id="{}" data-status="{}">'
        '<progress max="100" value="{}" aria-label="{}">{}%</progress> <span class="hub-audio-label">{}</span>'
        ' <span class="hub-audio-warning">{}</span></span>',
        asset_id,
        status,
        progress,
        _("Processing progress"),
        progress,
        _status_label(status),
        warning,
    )


def _status_label(status: str) -> str:
    from .models import AudioStatus

    try:
        return AudioStatus(status).label
    except ValueError:
        return status
