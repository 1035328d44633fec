"""Generated demo media: images drawn with Pillow, audio made by ffmpeg (and espeak-ng).

Nothing is downloaded. Every function is deterministic for a given key, so a demo site looks
the same on every machine.
"""

import hashlib
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

PALETTE = [
    ((11, 92, 173), (117, 182, 236)),
    ((24, 120, 72), (143, 214, 148)),
    ((178, 74, 24), (246, 178, 107)),
    ((120, 52, 140), (214, 160, 230)),
    ((20, 110, 120), (120, 210, 205)),
    ((160, 30, 60), (240, 140, 160)),
]
FFMPEG_TIMEOUT = 120


def _seed(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


def illustration(key: str, size: tuple[int, int] = (1600, 900), fmt: str = "JPEG") -> bytes:
    """An abstract illustration: a two-colour gradient with soft circles placed by the key."""
    seed = _seed(key)
    dark, light = PALETTE[seed % len(PALETTE)]
    width, height = size
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.composite(Image.new("RGB", size, dark), Image.new("RGB", size, light), gradient)
    draw = ImageDraw.Draw(image, "RGBA")
    for index in range(7):
        value = (seed >> (index * 8)) & 0xFFFF
        radius = height // 8 + value % (height // 3)
        cx = (value * 7919) % width
        cy = (value * 104729) % height
        alpha = 40 + value % 70
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=(255, 255, 255, alpha))
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=85)
    return buffer.getvalue()


def monogram(key: str, text: str, size: int = 512) -> bytes:
    """A square logo: initials on a coloured disc (PNG)."""
    dark, _light = PALETTE[_seed(key) % len(PALETTE)]
    image = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((size * 0.05, size * 0.05, size * 0.95, size * 0.95), fill=dark)
    font = ImageFont.load_default(size=int(size * 0.32))
    draw.text((size / 2, size / 2), text, font=font, fill=(255, 255, 255), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def pdf_document(key: str, title: str) -> bytes:
    """A one-page PDF with the document's cover illustration (no text shaping needed)."""
    cover = Image.open(io.BytesIO(illustration(key, (1240, 1754))))
    draw = ImageDraw.Draw(cover)
    font = ImageFont.load_default(size=48)
    draw.text((80, 120), title.encode("ascii", "ignore").decode() or key, font=font, fill=(255, 255, 255))
    buffer = io.BytesIO()
    cover.save(buffer, "PDF", resolution=150)
    return buffer.getvalue()


def _run(argv: list[str]) -> None:
    subprocess.run(argv, check=True, capture_output=True, timeout=FFMPEG_TIMEOUT)


def spoken_clip(text: str, voice: str, seconds: float, key: str) -> bytes:
    """An MP3 of ``seconds``: speech (espeak-ng, if installed) over a quiet tonal bed.

    Without espeak-ng, a speech-like modulated noise stands in for the voice.
    """
    seed = _seed(key)
    base = 180 + seed % 120
    with tempfile.TemporaryDirectory(prefix="hub-demo-audio-") as tmp:
        tmp_path = Path(tmp)
        voice_wav = tmp_path / "voice.wav"
        if shutil.which("espeak-ng"):
            _run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(voice_wav), text])
        else:
            _run(
                [
                    "ffmpeg",
                    "-nostdin",
                    "-y",
                    "-f",
                    "lavfi",
                    "-i",
                    f"anoisesrc=color=pink:amplitude=0.4:duration={min(seconds, 12)}:seed={seed % 10_000}",
                    "-af",
                    "lowpass=f=3000,tremolo=f=4:d=0.8",
                    str(voice_wav),
                ]
            )
        out = tmp_path / "clip.mp3"
        _run(
            [
                "ffmpeg",
                "-nostdin",
                "-y",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency={base}:duration={seconds}",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency={base * 3 // 2}:duration={seconds}",
                "-i",
                str(voice_wav),
                "-filter_complex",
                "[0:a]volume=0.05[a];[1:a]volume=0.03[b];[2:a]adelay=1500|1500,apad[v];"
                "[a][b][v]amix=inputs=3:duration=first:normalize=0,aformat=channel_layouts=stereo,"
                f"afade=t=in:d=1,afade=t=out:st={max(seconds - 2, 0)}:d=2",
                "-ar",
                "44100",
                "-c:a",
                "libmp3lame",
                "-b:a",
                "128k",
                str(out),
            ]
        )
        return out.read_bytes()
