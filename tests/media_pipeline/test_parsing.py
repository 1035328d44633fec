"""The pure parsers, on output captured from ffmpeg/ffprobe 5.1 (no tools run here)."""

from __future__ import annotations

import json

import pytest

from media_pipeline.errors import Reason, UnsupportedMedia
from media_pipeline.loudness import Meter, parse_ebur128_output, parse_frame, parse_summary, series_interval_for
from media_pipeline.probe import classify_probe_failure, parse_ffprobe
from media_pipeline.progress import ProgressParser, StagedProgress
from media_pipeline.tools import parse_capability_list, parse_version

FRAME = (
    "[Parsed_ebur128_0 @ 0x564ba5d364c0] t: 2.99998    TARGET:-23 LUFS    M: -26.2 S: -23.4     "
    "I: -23.3 LUFS       LRA:  20.0 LU  FTPK: -29.2 -29.0 dBFS  TPK: -12.9 -13.2 dBFS"
)
FRAME_NO_SPACE = (
    "[Parsed_ebur128_0 @ 0x5564c8a85400] t: 1.59998    TARGET:-23 LUFS    M:-163.5 S:-120.7     "
    "I: -70.0 LUFS       LRA:   0.0 LU  FTPK:  -inf  -inf dBFS  TPK:  -inf  -inf dBFS"
)
LAST_FRAME = (
    "[Parsed_ebur128_0 @ 0x564ba5d364c0] t: 3.09998    TARGET:-23 LUFS    M: -27.7 S: -23.6     "
    "I: -23.4 LUFS       LRA:  20.1 LU  FTPK: -30.1 -29.4 dBFS  TPK: -12.9 -13.2 dBFS"
)
TRUE_PEAK_RUN = f"""\
Stream mapping:
  Stream #0:0 -> #0:0 (flac (native) -> pcm_s16le (native))
{LAST_FRAME}
size=N/A time=00:00:03.00 bitrate=N/A speed= 150x
video:0kB audio:562kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown
[Parsed_ebur128_0 @ 0x564ba5d364c0] Summary:

  Integrated loudness:
    I:         -23.4 LUFS
    Threshold: -33.5 LUFS

  Loudness range:
    LRA:        20.2 LU
    Threshold: -43.6 LUFS
    LRA low:   -43.6 LUFS
    LRA high:  -23.4 LUFS

  True peak:
    Peak:      -12.9 dBFS
"""
SAMPLE_PEAK_SUMMARY = """\
  Integrated loudness:
    I:         -16.0 LUFS
    Threshold: -26.1 LUFS

  Loudness range:
    LRA:         3.1 LU
    Threshold: -36.2 LUFS
    LRA low:   -18.8 LUFS
    LRA high:  -15.7 LUFS

  Sample peak:
    Peak:       -4.3 dBFS
"""
SILENCE_SUMMARY = """\
[Parsed_ebur128_0 @ 0x5564c8a85400] Summary:

  Integrated loudness:
    I:         -70.0 LUFS
    Threshold:   0.0 LUFS

  Loudness range:
    LRA:         0.0 LU
    Threshold:   0.0 LUFS
    LRA low:     0.0 LUFS
    LRA high:    0.0 LUFS

  True peak:
    Peak:       -inf dBFS
"""
MP3_WITH_COVER = json.loads(
    '{"streams": [{"index": 0, "codec_name": "mp3", "codec_long_name": "MP3 (MPEG audio layer 3)", "codec_type": '
    '"audio", "sample_fmt": "fltp", "sample_rate": "48000", "channels": 2, "channel_layout": "stereo", '
    '"bits_per_sample": 0, "duration": "2.040000", "bit_rate": "128000", "disposition": {"default": 0, '
    '"attached_pic": 0}, "tags": {"encoder": "Lavc59.37"}}, {"index": 1, "codec_name": "png", "codec_long_name": '
    '"PNG (Portable Network Graphics) image", "codec_type": "video", "width": 64, "height": 64, "duration": '
    '"2.040000", "disposition": {"default": 0, "attached_pic": 1}, "tags": {"comment": "Other"}}], "format": '
    '{"filename": "file:cov.mp3", "nb_streams": 2, "nb_programs": 0, "format_name": "mp3", "format_long_name": '
    '"MP2/3 (MPEG audio layer 2/3)", "start_time": "0.023021", "duration": "2.040000", "size": "33500", '
    '"bit_rate": "131372", "probe_score": 51, "tags": {"comment": "GPS 52.52,13.40", "artist": "X", '
    '"encoder": "Lavf59.27.100"}}}'
)
PNG = {
    "streams": [{"index": 0, "codec_name": "png", "codec_type": "video", "width": 64, "height": 64,
                 "disposition": {"default": 0, "attached_pic": 0}}],
    "format": {"filename": "file:img.png", "nb_streams": 1, "format_name": "png_pipe", "size": "552"},
}  # fmt: skip
VIDEO_ONLY = {
    "streams": [{"index": 0, "codec_name": "mpeg4", "codec_type": "video", "disposition": {"default": 1}}],
    "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": "2.000000"},
}
PROGRESS_BLOCK = """\
bitrate=N/A
total_size=N/A
out_time_us=2000000
out_time_ms=2000000
out_time=00:00:02.000000
dup_frames=0
drop_frames=0
speed=45.8x
progress=end
"""
ENCODERS = """\
Encoders:
 V..... = Video
 A..... = Audio
 ------
 V....D a64multi             Multicolor charset for Commodore 64 (codec a64_multi)
 A....D libmp3lame           libmp3lame MP3 (MPEG audio layer 3) (codec mp3)
 A..... libopus              libopus Opus (codec opus)
 A....D pcm_s24le            PCM signed 24-bit little-endian
"""
FILTERS = """\
Filters:
  T.. = Timeline support
  A = Audio input/output
  | = Source or sink filter
 T.C alimiter          A->A       Audio lookahead limiter.
 ... ebur128           A->N       EBU R128 scanner.
 ... anullsink         A->|       Do absolutely nothing with the input audio.
"""
MUXERS = """\
File formats:
 D. = Demuxing supported
 .E = Muxing supported
 --
  E mp3             MP3 (MPEG audio layer 3)
 DE ogg             Ogg
  E tee             Multiple muxer tee
"""


def test_frame_line() -> None:
    frame = parse_frame(FRAME)
    assert frame is not None
    assert (frame.t, frame.momentary, frame.short_term, frame.integrated, frame.lra) == (
        2.99998,
        -26.2,
        -23.4,
        -23.3,
        20.0,
    )


def test_frame_line_without_spaces_and_infinities() -> None:
    frame = parse_frame(FRAME_NO_SPACE)
    assert frame is not None
    assert frame.momentary == -163.5 and frame.short_term == -120.7 and frame.integrated == -70.0


def test_non_frame_lines_are_ignored() -> None:
    assert parse_frame("size=N/A time=00:00:03.00 bitrate=N/A speed= 150x") is None
    assert parse_frame("[Parsed_ebur128_0 @ 0x1] Summary:") is None


def test_true_peak_run() -> None:
    summary = parse_ebur128_output(TRUE_PEAK_RUN)
    assert summary.integrated == -23.4
    assert summary.threshold == -33.5
    assert summary.lra == 20.2
    assert (summary.lra_threshold, summary.lra_low, summary.lra_high) == (-43.6, -43.6, -23.4)
    assert summary.true_peak == -12.9
    assert summary.sample_peak is None


def test_sample_peak_summary() -> None:
    summary = parse_summary(SAMPLE_PEAK_SUMMARY.splitlines())
    assert (summary.integrated, summary.lra, summary.true_peak, summary.sample_peak) == (-16.0, 3.1, None, -4.3)


def test_silence_gives_infinite_peak_as_none() -> None:
    summary = parse_ebur128_output(SILENCE_SUMMARY)
    assert summary.integrated == -70.0
    assert summary.true_peak is None


def test_missing_summary_is_an_error() -> None:
    with pytest.raises(ValueError, match="no summary"):
        parse_ebur128_output(FRAME + "\n")


def test_meter_thins_the_series_and_stays_bounded() -> None:
    meter = Meter(series_interval=1.0)
    for tenth in range(1, 100_001):  # 10 000 s of 100 ms readings
        meter.feed_line(FRAME.replace("t: 2.99998", f"t: {tenth / 10:.5f}"))
    series = meter.series()
    assert series is not None
    assert len(series.values) == 10_001  # one per second, both ends included
    assert set(series.values) == {-23.4}
    assert meter.last_t == 10_000.0


def test_meter_marks_missing_short_term_values() -> None:
    meter = Meter(series_interval=1.0)
    meter.feed_line(FRAME_NO_SPACE.replace("t: 1.59998", "t: 0.1"))
    meter.feed_line(FRAME.replace("t: 2.99998", "t: 1.0"))
    series = meter.series()
    assert series is not None and series.values == (None, -23.4)


def test_series_interval_keeps_points_bounded() -> None:
    assert series_interval_for(60) == 1.0
    assert series_interval_for(6 * 3600) * 1800 >= 6 * 3600
    assert series_interval_for(3600) == 2.0


def test_progress_parser_reports_seconds_per_block() -> None:
    parser = ProgressParser()
    results = [parser.feed_line(line) for line in PROGRESS_BLOCK.splitlines()]
    assert results[-1] == 2.0 and all(r is None for r in results[:-1])
    assert parser.ended and parser.out_time == 2.0
    assert parser.feed_line("out_time_us=N/A") is None


def test_staged_progress_is_monotonic_and_ends_at_100() -> None:
    seen: list[tuple[float, str]] = []
    stages = StagedProgress(lambda percent, stage: seen.append((percent, stage)))
    stages.update("probe", 1.0)
    for fraction in (0.0, 0.5, 0.4, 1.0):
        stages.update("measure", fraction)
    stages.update("render", 0.5)
    stages.done()
    percents = [p for p, _ in seen]
    assert percents == sorted(percents)
    assert seen[-1] == (100.0, "done")
    assert {s for _, s in seen} >= {"probe", "measure", "render"}


def test_ffprobe_json_of_mp3_with_cover() -> None:
    info = parse_ffprobe(json.dumps(MP3_WITH_COVER), path="cov.mp3", size_bytes=33500)
    assert info.format_name == "mp3"
    assert info.duration == 2.04
    assert info.audio.index == 0 and info.audio.channels == 2 and info.audio.sample_rate == 48000
    assert info.video_stream_count == 0  # the attached picture is not a video
    assert info.tags["artist"] == "X"
    assert not info.duration_is_estimate


def test_ffprobe_estimate_warning_is_noticed() -> None:
    stderr = "[mp3 @ 0x5614eaf5e1c0] Estimating duration from bitrate, this may be inaccurate"
    info = parse_ffprobe(json.dumps(MP3_WITH_COVER), path="x.mp3", size_bytes=1, stderr=stderr)
    assert info.duration_is_estimate


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (PNG, Reason.NOT_AUDIO),
        (VIDEO_ONLY, Reason.NO_AUDIO_STREAM),
        ({"streams": [], "format": {"format_name": "wav", "duration": "1.0"}}, Reason.NO_AUDIO_STREAM),
        (
            {"streams": [{"index": 0, "codec_type": "audio", "codec_name": "pcm_s16le", "sample_rate": "48000",
                          "channels": 2}], "format": {"format_name": "wav", "duration": "0.000000"}},
            Reason.NO_DURATION,
        ),
        (
            {"streams": [{"index": 0, "codec_type": "audio", "codec_name": "none", "sample_rate": "0",
                          "channels": 0}], "format": {"format_name": "wav", "duration": "3.0"}},
            Reason.UNSUPPORTED_CODEC,
        ),
    ],
)  # fmt: skip
def test_ffprobe_json_rejections(payload: dict[str, object], reason: Reason) -> None:
    with pytest.raises(UnsupportedMedia) as caught:
        parse_ffprobe(json.dumps(payload), path="x", size_bytes=10)
    assert caught.value.reason is reason


def test_probe_failure_classification() -> None:
    assert classify_probe_failure("file:text.wav: Invalid data found when processing input")[0] is Reason.NOT_MEDIA
    damaged = (
        "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5613ebd011c0] moov atom not found\n"
        "file:cut.m4a: Invalid data found when processing input"
    )
    assert classify_probe_failure(damaged)[0] is Reason.CORRUPT


def test_capability_lists() -> None:
    assert parse_capability_list(ENCODERS) == {"a64multi", "libmp3lame", "libopus", "pcm_s24le"}
    assert parse_capability_list(FILTERS) == {"alimiter", "ebur128", "anullsink"}
    assert parse_capability_list(MUXERS) == {"mp3", "ogg", "tee"}


def test_version() -> None:
    assert parse_version("ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026") == (5, 1)
    assert parse_version("ffmpeg version n7.1 Copyright") == (7, 1)
    assert parse_version("ffmpeg version N-118034-g1234 Copyright") is None
