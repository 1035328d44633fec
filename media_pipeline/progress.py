"""Parsing of ffmpeg's ``-progress`` reports and the percentage bookkeeping of a pipeline run."""

from __future__ import annotations

from collections.abc import Callable

ProgressCallback = Callable[[float, str], None]
"""``callback(percent, stage)``: percent in 0..100, never decreasing; stage names the step."""


class ProgressParser:
    """Consumes ``-progress pipe:N`` output (``key=value`` lines, each block closed by ``progress=``).

    ``feed_line`` returns the output position in seconds when a block closes, else None.
    """

    def __init__(self) -> None:
        self.out_time = 0.0
        self.ended = False
        self._block_time: float | None = None

    def feed_line(self, line: str) -> float | None:
        key, sep, value = line.strip().partition("=")
        if not sep:
            return None
        if key == "out_time_us":
            try:
                self._block_time = max(0.0, int(value) / 1_000_000)
            except ValueError:
                self._block_time = None
        elif key == "progress":
            self.ended = value == "end"
            if self._block_time is not None:
                self.out_time = max(self.out_time, self._block_time)
            return self.out_time
        return None


class StagedProgress:
    """Maps each stage's own 0..1 progress onto a slice of the overall 0..100 percent.

    Stage weights reflect where the time goes (the render dominates). Calls are made in the
    caller's thread and only when the integer percent changes, so a callback that writes to a
    database is not hammered.
    """

    WEIGHTS: dict[str, float] = {"probe": 1, "measure": 8, "render": 85, "tag": 2, "peaks": 1, "report": 3}

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self._starts: dict[str, float] = {}
        total = sum(self.WEIGHTS.values())
        position = 0.0
        for stage, weight in self.WEIGHTS.items():
            self._starts[stage] = position * 100 / total
            position += weight
        self._spans = {stage: weight * 100 / total for stage, weight in self.WEIGHTS.items()}
        self._last = -1.0

    def update(self, stage: str, fraction: float) -> None:
        fraction = min(1.0, max(0.0, fraction))
        percent = round(self._starts[stage] + self._spans[stage] * fraction, 1)
        self._emit(percent, stage)

    def stage(self, stage: str) -> Callable[[float], None]:
        return lambda fraction: self.update(stage, fraction)

    def done(self) -> None:
        self._emit(100.0, "done")

    def _emit(self, percent: float, stage: str) -> None:
        if self._callback is None or percent < self._last:
            return
        if int(percent) == int(self._last) and not (percent == 100.0 and stage == "done"):
            return
        self._last = percent
        self._callback(percent, stage)
