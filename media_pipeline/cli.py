"""``python -m media_pipeline``: the pipeline from the shell.

Results are printed as JSON on stdout; progress and errors go to stderr. Exit status: 0 done,
1 tool or pipeline failure, 2 unusable input or bad arguments, 3 loudness out of specification,
4 ffmpeg missing or incomplete.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from . import __version__, tools
from .cleanup import CLEANUP_CHOICES, DEFAULT_CLEANUP
from .errors import InvalidRequest, LoudnessOutOfSpec, PipelineError, PresetError, ToolMissing, UnsupportedMedia
from .framing import Framing
from .loudness import measure_loudness
from .pipeline import PipelineResult, process
from .presets import DEFAULT_PRESETS, available_presets
from .probe import DEFAULT_MAX_DURATION, probe
from .report import jsonable
from .soundbite import make_soundbite
from .tagging import TagMetadata, load_chapters
from .tools import check_tools

EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_OUT_OF_SPEC, EXIT_TOOLS = 1, 2, 3, 4


class ProgressBar:
    """A one-line bar on a terminal; on a pipe or log file, one line per 10 percent."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._last_step = -1

    def __call__(self, percent: float, stage: str) -> None:
        if self._tty:
            filled = round(self.WIDTH * percent / 100)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self._stream.write(f"\r[{bar}] {percent:5.1f}% {stage:<8}")
            if percent >= 100:
                self._stream.write("\n")
        else:
            step = int(percent // 10)
            if step == self._last_step:
                return
            self._last_step = step
            self._stream.write(f"progress {percent:5.1f}% {stage}\n")
        self._stream.flush()


def _summary(result: PipelineResult) -> dict[str, Any]:
    source_loudness = jsonable(result.source_loudness)
    source_loudness.pop("short_term", None)
    return {
        "source": jsonable(result.source),
        "source_loudness": source_loudness,
        "renditions": [
            {key: value for key, value in jsonable(r).items() if key != "loudness"}
            | {"loudness": {k: v for k, v in jsonable(r.loudness).items() if k != "short_term"}}
            for r in result.renditions
        ],
        "peaks_path": result.peaks_path,
        "report_path": result.report_path,
        "cleanup": result.report["cleanup"],
        "damage": result.report["damage"],
    }


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, allow_nan=False)
    sys.stdout.write("\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m media_pipeline", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"media_pipeline {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("process", help="render presets, tags, peaks and a loudness report")
    run.add_argument("input")
    run.add_argument("--out", required=True, help="output directory (created if missing)")
    run.add_argument(
        "--preset", action="append", dest="presets", metavar="NAME",
        help=f"preset name or .json path; repeatable (default: {', '.join(DEFAULT_PRESETS)})",
    )  # fmt: skip
    for field in ("title", "artist", "album", "language", "description", "url", "date", "genre", "originator"):
        run.add_argument(f"--{field}", default="")
    run.add_argument("--cover", help="cover image (any format Pillow reads)")
    run.add_argument("--chapters", help="chapters JSON (Podcasting 2.0 format or a plain list)")
    run.add_argument("--max-duration", type=float, default=DEFAULT_MAX_DURATION, metavar="SECONDS")
    run.add_argument("--samples-per-pixel", type=int, default=512, help="waveform resolution (0: no peaks)")
    run.add_argument(
        "--cleanup", choices=CLEANUP_CHOICES, default=DEFAULT_CLEANUP, help="noise reduction and speech levelling"
    )
    run.add_argument("--intro", help="audio file played before the episode")
    run.add_argument("--outro", help="audio file played after the episode")
    run.add_argument("--bed", help="music under the first seconds of the episode")
    run.add_argument("--crossfade", type=float, default=1.0, metavar="SECONDS", help="overlap of intro and outro")
    run.add_argument(
        "--unframed", action="append", default=[], metavar="PRESET", help="render this preset without intro/outro/bed"
    )
    run.add_argument("--quiet", action="store_true", help="no progress on stderr")

    info = commands.add_parser("probe", help="describe a file (or say why it is unusable)")
    info.add_argument("input")
    info.add_argument("--max-duration", type=float, default=DEFAULT_MAX_DURATION, metavar="SECONDS")

    loud = commands.add_parser("loudness", help="EBU R128 integrated loudness, LRA, true peak")
    loud.add_argument("input")
    loud.add_argument("--series", action="store_true", help="include the short-term loudness series")

    bite = commands.add_parser("soundbite", help="cut a loudness-matched MP3 clip of at most 60 s")
    bite.add_argument("input")
    bite.add_argument("--start", type=float, required=True, metavar="SECONDS")
    bite.add_argument("--duration", type=float, required=True, metavar="SECONDS")
    bite.add_argument("--out", required=True, help="output MP3 file")
    bite.add_argument("--fade-ms", type=int, default=500)
    bite.add_argument("--preset", default="podcast-mp3")

    commands.add_parser("check", help="check that ffmpeg can do everything the presets need")
    commands.add_parser("presets", help="list the presets that can be named")
    return parser


def _run(args: argparse.Namespace) -> int:
    if args.command == "check":
        problems = check_tools()
        tool_info = {"path": tools.ffmpeg(), "version": tools.ffmpeg_version(), "ffprobe": tools.ffprobe()}
        _print_json({"ok": not problems, "problems": problems, "ffmpeg": tool_info})
        for problem in problems:
            print(f"problem: {problem}", file=sys.stderr)
        return EXIT_TOOLS if problems else 0
    if args.command == "presets":
        _print_json(available_presets())
        return 0
    if args.command == "probe":
        _print_json(jsonable(probe(args.input, max_duration=args.max_duration)))
        return 0
    if args.command == "loudness":
        measured = jsonable(measure_loudness(args.input))
        if not args.series:
            measured.pop("short_term", None)
        _print_json(measured)
        return 0
    if args.command == "soundbite":
        clip = make_soundbite(args.input, args.start, args.duration, args.out, fade_ms=args.fade_ms, preset=args.preset)
        _print_json(jsonable(clip))
        return 0
    metadata = TagMetadata(
        title=args.title,
        artist=args.artist,
        album=args.album,
        date=args.date,
        language=args.language,
        description=args.description,
        url=args.url,
        genre=args.genre,
        originator=args.originator,
    )
    result = process(
        args.input,
        args.out,
        presets=args.presets,
        metadata=metadata,
        chapters=load_chapters(args.chapters) if args.chapters else (),
        cover=args.cover,
        progress=None if args.quiet else ProgressBar(sys.stderr),
        max_duration=args.max_duration,
        samples_per_pixel=args.samples_per_pixel or None,
        cleanup=args.cleanup,
        framing=(
            Framing(
                intro=args.intro,
                outro=args.outro,
                bed=args.bed,
                crossfade=args.crossfade,
                exclude=tuple(args.unframed),
            )
            if args.intro or args.outro or args.bed
            else None
        ),
    )
    for stretch in result.damage:
        print(f"warning: damaged recording: {stretch.describe()}", file=sys.stderr)
    if any(s.kind == "undecodable" for s in result.damage):
        print("warning: the damaged stretches are silent in the renditions; the rest keeps its timing", file=sys.stderr)
    _print_json(_summary(result))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    error: dict[str, Any]
    try:
        return _run(args)
    except UnsupportedMedia as exc:
        code, error = EXIT_BAD_INPUT, {"type": "UnsupportedMedia", "reason": str(exc.reason), "message": exc.message}
        if exc.damage:
            error["damage"] = [{"start": s.start, "end": s.end, "kind": s.kind} for s in exc.damage]
    except (InvalidRequest, PresetError) as exc:
        code, error = EXIT_BAD_INPUT, {"type": type(exc).__name__, "message": exc.message}
    except LoudnessOutOfSpec as exc:
        code, error = EXIT_OUT_OF_SPEC, {"type": "LoudnessOutOfSpec", "message": exc.message, "failures": exc.failures}
    except ToolMissing as exc:
        code, error = EXIT_TOOLS, {"type": "ToolMissing", "message": exc.message}
    except PipelineError as exc:
        code, error = EXIT_FAILURE, {"type": type(exc).__name__, "message": exc.message, "detail": exc.stderr_tail}
    except KeyboardInterrupt:
        print("\ninterrupted; no output was kept", file=sys.stderr)
        return 130
    path = getattr(args, "input", None)
    reason = f" ({error['reason']})" if "reason" in error else ""
    print(f"\nerror: {error['message']}{reason}" + (f" [{path}]" if path else ""), file=sys.stderr)
    _print_json({"error": error})
    return code
