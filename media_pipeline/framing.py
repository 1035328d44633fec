"""Intro, outro and music bed: a show's own audio around and under every episode.

``Framing`` names the files (each an upload like any other: probed and opened through the same
whitelist) and how they are joined. The render adds them after the episode's clean-up, inside
its one filter graph:

* every part is converted to the episode's sample rate and channel layout, and brought to the
  episode's measured integrated loudness (intro and outro) or ``bed_gain_db`` below it (bed), so
  that the gain computed for the episode still lands the whole programme on target (the
  renditions are metered afterwards anyway, and corrected like any other miss);
* the bed (optional) plays under the first ``bed_seconds`` of the episode and fades out over its
  last ``BED_FADE`` seconds: it lifts the start without covering the speech (18 dB below it);
* intro and outro overlap the episode by ``crossfade`` seconds, with linear fades out and in
  over the overlap (equal-gain: a jingle's tail and the first words meet without a level bump
  or a gap); the parts are placed with sample-exact delays and summed.
  The episode therefore starts ``intro duration - crossfade`` seconds into the programme:
  ``content_offset``, by which chapters (ID3 CHAP, Vorbis chapters, the chapters JSON) and
  transcript cues move.

Presets named in ``exclude`` (a partner station's broadcast file, which the station frames with
its own identity) are rendered from the episode alone, without offset.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import InvalidRequest
from .loudness import LoudnessMeasurement
from .probe import ProbeInfo

BED_FADE = 2.0


@dataclass(frozen=True)
class Framing:
    intro: str | os.PathLike[str] | None = None
    outro: str | os.PathLike[str] | None = None
    bed: str | os.PathLike[str] | None = None
    crossfade: float = 1.0
    bed_seconds: float = 10.0
    bed_gain_db: float = -18.0
    exclude: tuple[str, ...] = ()

    def validate(self) -> None:
        if not 0.0 <= self.crossfade <= 5.0:
            raise InvalidRequest(f"a crossfade lasts 0 to 5 s, not {self.crossfade:g} s")
        if self.bed is not None and not BED_FADE <= self.bed_seconds <= 120.0:
            raise InvalidRequest(f"a music bed lasts {BED_FADE:g} to 120 s, not {self.bed_seconds:g} s")


@dataclass(frozen=True)
class Part:
    """One intro, outro or bed file as probed and measured."""

    info: ProbeInfo
    loudness: LoudnessMeasurement
    duration: float


@dataclass(frozen=True)
class FramingPlan:
    """What the render needs: the parts and the gains that match them to the episode."""

    framing: Framing
    intro: Part | None
    outro: Part | None
    bed: Part | None
    episode_lufs: float
    episode_duration: float

    @property
    def crossfade_in(self) -> float:
        return min(self.framing.crossfade, self.intro.duration / 2) if self.intro else 0.0

    @property
    def crossfade_out(self) -> float:
        return min(self.framing.crossfade, self.outro.duration / 2) if self.outro else 0.0

    @property
    def content_offset(self) -> float:
        """Where the episode starts in a framed rendition (seconds)."""
        return round(self.intro.duration - self.crossfade_in, 6) if self.intro else 0.0

    def framed_duration(self, episode: float) -> float:
        extra = (self.intro.duration - self.crossfade_in) if self.intro else 0.0
        extra += (self.outro.duration - self.crossfade_out) if self.outro else 0.0
        return episode + extra

    def applies_to(self, preset_name: str) -> bool:
        return preset_name not in self.framing.exclude and (self.intro or self.outro or self.bed) is not None

    def inputs(self) -> list[ProbeInfo]:
        """The extra ffmpeg inputs, in order (input 1, 2, ...)."""
        return [part.info for part in (self.intro, self.outro, self.bed) if part is not None]

    def filter_chains(self, episode_label: str, out_label: str, *, rate: int, layout: str) -> list[str]:
        """Chains that turn ``[episode_label]`` into the framed ``[out_label]``."""
        fmt = f"aformat=sample_fmts=fltp:sample_rates={rate}:channel_layouts={layout}"
        chains: list[str] = []
        index = 1
        labels: dict[str, str] = {}
        for name in ("intro", "outro", "bed"):
            part: Part | None = getattr(self, name)
            if part is None:
                continue
            gain = self.episode_lufs - part.loudness.integrated_lufs
            if name == "bed":
                gain += self.framing.bed_gain_db
                length = min(self.framing.bed_seconds, part.duration)
                shape = f"atrim=0:{length:.3f},afade=t=out:st={max(0.0, length - BED_FADE):.3f}:d={BED_FADE:g},"
            else:
                shape = ""
            chains.append(
                f"[{index}:{part.info.audio.index}]{fmt},{shape}volume=volume={gain:.2f}dB:precision=float"
                + (",apad[bed]" if name == "bed" else f"[{name}]")
            )
            labels[name] = f"[{name}]"
            index += 1
        current = f"[{episode_label}]"
        if "bed" in labels:
            chains.append(f"{current}{fmt}[ep];[ep][bed]amix=inputs=2:duration=first:normalize=0[withbed]")
            current = "[withbed]"
        else:
            chains.append(f"{current}{fmt}[ep]")
            current = "[ep]"
        # The joins are fades plus delays summed by one amix rather than chained acrossfades:
        # ffmpeg 5.1 lost the second crossfade's overlap when the episode was also split off
        # unframed (a scheduling quirk); sample-exact delays cannot.
        pieces: list[str] = []
        episode_start = 0
        if self.intro is not None:
            fade_in = self.crossfade_in
            start_out = max(0.0, self.intro.duration - fade_in)
            chains.append(
                f"[intro]afade=t=out:st={start_out:.6f}:d={fade_in:.6f}[introx]" if fade_in else "[intro]anull[introx]"
            )
            pieces.append("[introx]")
            episode_start = round(start_out * rate)
            fade = f"afade=t=in:d={fade_in:.6f}," if fade_in else ""
            chains.append(f"{current}{fade}adelay=delays={episode_start}S:all=1[epx]")
            current = "[epx]"
        if self.outro is not None:
            fade_out = self.crossfade_out
            if fade_out:
                # The episode's own time: afade counts from its first sample, delayed or not.
                chains.append(f"{current}afade=t=out:st={self.episode_duration - fade_out:.6f}:d={fade_out:.6f}[epy]")
                current = "[epy]"
            outro_start = episode_start + round((self.episode_duration - fade_out) * rate)
            fade = f"afade=t=in:d={fade_out:.6f}," if fade_out else ""
            chains.append(f"[outro]{fade}adelay=delays={outro_start}S:all=1[outrox]")
            pieces.append("[outrox]")
        if pieces:
            chains.append(
                f"{current}{''.join(pieces)}amix=inputs={len(pieces) + 1}:duration=longest:normalize=0[joined]"
            )
            current = "[joined]"
        chains.append(f"{current}anull[{out_label}]")
        return chains
