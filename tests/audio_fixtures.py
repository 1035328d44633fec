"""Generated audio for tests: a few seconds from ffmpeg's lavfi sources, never downloaded."""

import subprocess
from pathlib import Path


def make_tone(path: Path, seconds: float = 2.0, codec: str = "libmp3lame") -> Path:
    subprocess.run(
        [
            "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            "-ac", "2", "-c:a", codec, str(path),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip
    return path
