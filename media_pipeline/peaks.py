"""Waveform peaks in the BBC audiowaveform JSON format (version 2), computed as a stream.

The render pass hands us 16-bit PCM through a pipe; each chunk is reduced to per-pixel min/max
pairs with numpy and appended to the JSON file at once, so neither the decoded audio nor the
peak list is ever held in memory. ``length`` is written last (JSON objects are unordered), which
is what lets the data be streamed. peaks.js and wavesurfer.js read the result as it is.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from . import tools
from .errors import TranscodeError
from .probe import ProbeInfo
from .runner import ProcessSpec, Supervisor, make_pipe

DEFAULT_SAMPLES_PER_PIXEL = 512  # peaks.js' finest default zoom level
FORMAT_VERSION = 2
BATCH_BYTES = 1 << 19  # reduce half a megabyte (about 6 s of 44.1 kHz mono) at a time


@dataclass(frozen=True)
class PeaksInfo:
    path: str
    sample_rate: int
    samples_per_pixel: int
    channels: int
    length: int


class PeaksWriter:
    """Reduce interleaved s16le PCM to 8-bit min/max pairs and stream them into a JSON file.

    Data layout per audiowaveform v2: for each pixel, for each channel, ``min, max``. The last
    pixel may cover fewer samples, as in audiowaveform.
    """

    def __init__(self, path: str | os.PathLike[str], *, sample_rate: int, samples_per_pixel: int, channels: int = 1):
        if samples_per_pixel < 2 or channels < 1:
            raise ValueError("samples_per_pixel must be >= 2 and channels >= 1")
        self.path = Path(path)
        self.sample_rate = sample_rate
        self.samples_per_pixel = samples_per_pixel
        self.channels = channels
        self.length = 0
        self._frame_bytes = 2 * channels
        self._pixel_bytes = self._frame_bytes * samples_per_pixel
        self._pending = bytearray()
        self._first = True
        self._file: IO[str] | None = self.path.open("w", encoding="ascii")
        header = {
            "version": FORMAT_VERSION,
            "channels": channels,
            "sample_rate": sample_rate,
            "samples_per_pixel": samples_per_pixel,
            "bits": 8,
        }
        self._file.write(json.dumps(header)[:-1] + ', "data": [')

    def feed(self, chunk: bytes) -> None:
        """Take any amount of PCM; work is done in batches, as pipe reads come in small pieces."""
        self._pending += chunk
        if len(self._pending) < BATCH_BYTES:
            return
        whole = len(self._pending) // self._pixel_bytes * self._pixel_bytes
        if whole:
            self._write_pixels(bytes(self._pending[:whole]))
            del self._pending[:whole]

    def close(self) -> PeaksInfo:
        """Flush the last (partial) pixel and finish the JSON document."""
        if self._file is None:
            raise ValueError("PeaksWriter already closed")
        whole = len(self._pending) // self._pixel_bytes * self._pixel_bytes
        if whole:
            self._write_pixels(bytes(self._pending[:whole]))
            del self._pending[:whole]
        usable = len(self._pending) // self._frame_bytes * self._frame_bytes
        if usable:
            self._write_pixels(bytes(self._pending[:usable]), partial=True)
        self._pending.clear()
        self._file.write(f'], "length": {self.length}}}\n')
        self._file.close()
        self._file = None
        return PeaksInfo(str(self.path), self.sample_rate, self.samples_per_pixel, self.channels, self.length)

    def abort(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _write_pixels(self, data: bytes, partial: bool = False) -> None:
        assert self._file is not None
        samples = np.frombuffer(data, dtype="<i2").reshape(-1, self.channels)
        spp = self.samples_per_pixel
        if partial:  # fewer than samples_per_pixel samples: one last, narrower pixel
            lows = samples.min(axis=0, keepdims=True)
            highs = samples.max(axis=0, keepdims=True)
        else:
            blocks = samples.reshape(-1, spp, self.channels)
            lows = blocks.min(axis=1)
            highs = blocks.max(axis=1)
        # (pixels, channels, 2) -> min,max per channel per pixel; 16 -> 8 bits by an arithmetic shift.
        pairs = np.stack([lows, highs], axis=-1).astype(np.int16) >> 8
        text = ",".join(map(str, pairs.reshape(-1).tolist()))
        if text:
            self._file.write(text if self._first else "," + text)
            self._first = False
        self.length += len(lows)


def read_peaks(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Load and sanity-check a peaks file (for tests and tools; the file is small)."""
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="ascii"))
    expected = data["length"] * data["channels"] * 2
    if data["version"] != FORMAT_VERSION or len(data["data"]) != expected:
        raise ValueError(f"not a valid audiowaveform v2 file: {len(data['data'])} values, expected {expected}")
    return data


def peaks_filter(channels: int) -> str:
    """Mix to mono (audiowaveform's default) and convert to s16 for the pipe."""
    mix = "pan=mono|c0=0.5*c0+0.5*c1," if channels == 2 else ""
    return f"{mix}aformat=sample_fmts=s16:channel_layouts=mono"


def compute_peaks(
    info: ProbeInfo,
    out_path: str | os.PathLike[str],
    *,
    samples_per_pixel: int = DEFAULT_SAMPLES_PER_PIXEL,
) -> PeaksInfo:
    """Peaks of a file on its own (one streaming decode); ``process`` gets them from its render pass.

    The result is written to ``out_path`` directly; callers wanting atomicity pass a staging path.
    """
    channels = min(info.audio.channels, 2)
    pre = "aformat=channel_layouts=stereo," if info.audio.channels > 2 else ""
    writer = PeaksWriter(out_path, sample_rate=info.audio.sample_rate, samples_per_pixel=samples_per_pixel)
    read_end, write_end = make_pipe()
    argv = [
        tools.ffmpeg(),
        "-nostdin",
        "-hide_banner",
        "-nostats",
        "-loglevel",
        "error",
        *info.input_args(),
        "-map",
        f"0:{info.audio.index}",
        "-af",
        pre + peaks_filter(channels),
        "-c:a",
        "pcm_s16le",
        "-f",
        "s16le",
        f"pipe:{write_end}",
    ]
    try:
        with Supervisor(timeout=120 + info.duration, error=TranscodeError, path=info.path) as sup:
            sup.read_fd("peaks-pcm", read_end, writer.feed)
            read_end = -1
            try:
                sup.spawn(ProcessSpec(name="peaks", argv=argv, pass_fds=(write_end,)))
            finally:
                os.close(write_end)
                write_end = -1
            sup.wait()
        return writer.close()
    except BaseException:
        writer.abort()
        Path(out_path).unlink(missing_ok=True)
        raise
    finally:
        for fd in (read_end, write_end):
            if fd >= 0:
                os.close(fd)
