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
                "-t",
                str(seconds),
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


# Voices of the demo episodes: espeak-ng variants, so host and guests sound different.
VOICES = {"host": "en+f3", "guest": "en-us+m3", "second": "en-gb-x-rp+f4", "third": "en-gb-scotland+m1"}
JINGLE_SECONDS = 2.5
GAP_SECONDS = 0.6


def _wav_seconds(path: Path) -> float:
    import wave

    with wave.open(str(path), "rb") as handle:
        return handle.getnframes() / float(handle.getframerate())


def episode_audio(segments: list[tuple[str, str]], key: str) -> tuple[bytes, list[tuple[float, float]]]:
    """An episode as an MP3: a jingle, the first segment over a music bed, then speech to the end.

    ``segments`` are (voice role, text) spoken one after another; returns the MP3 and each
    segment's (start, end) in seconds, from which the chapters and transcripts are made.
    Without espeak-ng, speech-like noise of a length estimated from the text stands in.
    """
    seed = _seed(key)
    base = 196 + seed % 60
    with tempfile.TemporaryDirectory(prefix="hub-demo-episode-") as tmp:
        tmp_path = Path(tmp)
        voices, times = [], []
        cursor = JINGLE_SECONDS
        for index, (role, text) in enumerate(segments):
            wav = tmp_path / f"voice-{index}.wav"
            if shutil.which("espeak-ng"):
                _run(["espeak-ng", "-v", VOICES.get(role, VOICES["host"]), "-s", "165", "-w", str(wav), text])
            else:
                estimate = max(2.0, len(text.split()) / 2.6)
                _run(
                    ["ffmpeg", "-nostdin", "-y", "-f", "lavfi",
                     "-i", f"anoisesrc=color=pink:amplitude=0.4:duration={estimate}:seed={(seed + index) % 10_000}",
                     "-af", "lowpass=f=3000,tremolo=f=4:d=0.8", str(wav)]
                )  # fmt: skip
            length = _wav_seconds(wav)
            voices.append((wav, cursor))
            times.append((round(cursor, 2), round(cursor + length, 2)))
            cursor += length + GAP_SECONDS
        total = cursor + JINGLE_SECONDS
        intro_end = times[0][1] + 0.5 if times else JINGLE_SECONDS
        notes = [base * 2, base * 5 // 2, base * 3, base * 4]
        # The jingle: four rising notes, at the start and again at the end.
        jingle = "+".join(
            f"0.35*sin(2*PI*{freq}*t)*between(t,{i * 0.5},{i * 0.5 + 0.45})*exp(-3*(t-{i * 0.5}))"
            for i, freq in enumerate(notes)
        )
        inputs = ["-f", "lavfi", "-i", f"aevalsrc='{jingle}':s=44100:d={JINGLE_SECONDS}"]
        inputs += ["-f", "lavfi", "-i", f"aevalsrc='{jingle}':s=44100:d={JINGLE_SECONDS}"]
        # The music bed under the intro: a soft chord that fades out when the intro ends.
        bed = f"0.06*sin(2*PI*{base}*t)+0.04*sin(2*PI*{base * 5 // 4}*t)+0.04*sin(2*PI*{base * 3 // 2}*t)"
        inputs += ["-f", "lavfi", "-i", f"aevalsrc='{bed}':s=44100:d={intro_end + 1}"]
        for wav, _start in voices:
            inputs += ["-i", str(wav)]
        chains = [
            "[0:a]aformat=sample_rates=44100:channel_layouts=mono[j1]",
            f"[1:a]aformat=sample_rates=44100:channel_layouts=mono,adelay={int((total - JINGLE_SECONDS) * 1000)}[j2]",
            f"[2:a]aformat=sample_rates=44100:channel_layouts=mono,afade=t=in:d=1,afade=t=out:st={intro_end}:d=1[bed]",
        ]
        labels = ["[j1]", "[j2]", "[bed]"]
        for index, (_wav, start) in enumerate(voices):
            delay = int(start * 1000)
            chains.append(
                f"[{index + 3}:a]aresample=44100,aformat=sample_rates=44100:channel_layouts=mono,"
                f"adelay={delay}[v{index}]"
            )
            labels.append(f"[v{index}]")
        mix = (
            "".join(labels)
            + f"amix=inputs={len(labels)}:duration=longest:normalize=0,apad=whole_dur={total:.2f},atrim=0:{total:.2f},"
            + "aformat=channel_layouts=stereo"
        )
        out = tmp_path / "episode.mp3"
        _run(
            # The output's length is also bounded by -t: ffmpeg 7.1 sometimes kept running after
            # the trim's end with apad in the graph (the demo load timed out on Debian 13).
            ["ffmpeg", "-nostdin", "-y", *inputs, "-filter_complex", ";".join([*chains, mix]),
             "-t", f"{total:.2f}", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k", str(out)]
        )  # fmt: skip
        return out.read_bytes(), times
