"""The pure parsers, on output captured from ffmpeg/ffprobe 5.1 (no tools run here)."""

from __future__ import annotations

import json
import math

import pytest

from media_pipeline.errors import Reason, UnsupportedMedia
from media_pipeline.loudness import Meter, MeterOutputMissing, parse_meter_output, series_interval_for
from media_pipeline.probe import classify_probe_failure, parse_ffprobe
from media_pipeline.progress import ProgressParser, StagedProgress
from media_pipeline.tools import parse_capability_list, parse_version, version_problem

# What ``ebur128=peak=true+sample:metadata=1,ametadata=mode=print`` writes (ffmpeg 5.1 and 7.1 alike).
READINGS = """\
frame:0    pts:0       pts_time:0
lavfi.r128.M=-120.691
lavfi.r128.S=-120.691
lavfi.r128.I=-70.000
lavfi.r128.LRA=0.000
lavfi.r128.LRA.low=0.000
lavfi.r128.LRA.high=0.000
lavfi.r128.sample_peaks_ch0=0.044
lavfi.r128.sample_peaks_ch1=0.040
lavfi.r128.sample_peak=0.044
lavfi.r128.true_peaks_ch0=0.050
lavfi.r128.true_peaks_ch1=0.041
lavfi.r128.true_peak=0.050
frame:1    pts:4410    pts_time:0.1
lavfi.r128.M=-25.000
lavfi.r128.S=-120.691
lavfi.r128.I=-70.000
lavfi.r128.LRA=0.000
lavfi.r128.LRA.low=0.000
lavfi.r128.LRA.high=0.000
lavfi.r128.true_peak=0.050
frame:29   pts:127890  pts_time:2.9
lavfi.r128.M=-23.774
lavfi.r128.S=-23.400
lavfi.r128.I=-23.380
lavfi.r128.LRA=20.000
lavfi.r128.LRA.low=-43.380
lavfi.r128.LRA.high=-23.380
lavfi.r128.sample_peaks_ch0=0.201
lavfi.r128.sample_peaks_ch1=0.187
lavfi.r128.sample_peak=0.201
lavfi.r128.true_peaks_ch0=0.226
lavfi.r128.true_peaks_ch1=0.190
lavfi.r128.true_peak=0.226
"""
SILENT_READINGS = """\
frame:0    pts:0       pts_time:0
lavfi.r128.M=-120.691
lavfi.r128.S=-120.691
lavfi.r128.I=-70.000
lavfi.r128.LRA=0.000
lavfi.r128.LRA.low=0.000
lavfi.r128.LRA.high=0.000
lavfi.r128.true_peaks_ch0=0.000
lavfi.r128.true_peak=0.000
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


def test_meter_readings() -> None:
    summary = parse_meter_output(READINGS, padded=False)
    assert summary.integrated == -23.38
    assert summary.threshold == pytest.approx(-33.38)
    assert (summary.lra, summary.lra_low, summary.lra_high) == (20.0, -43.38, -23.38)
    assert summary.true_peak == pytest.approx(20 * math.log10(0.226))
    assert summary.sample_peak == pytest.approx(20 * math.log10(0.201))


def test_meter_readings_in_pieces_and_without_a_final_newline() -> None:
    """Lines arrive as the pipe delivers them; the last frame counts once the pipe is closed."""
    meter = Meter(series_interval=1.0, padded=False)
    for line in READINGS.splitlines():
        meter.feed_line(line)
    meter.close()
    assert meter.frames == 3
    assert meter.last_t == pytest.approx(3.0)
    assert meter.summary().integrated == -23.38


def test_padding_reading_counts_for_peaks_only() -> None:
    """The meter pads one block of silence: loudness comes from the reading before it, peaks from all."""
    padded = READINGS + "frame:30 pts:132300 pts_time:3\nlavfi.r128.I=-23.500\nlavfi.r128.LRA=20.100\n"
    padded += "lavfi.r128.true_peaks_ch0=0.300\n"
    summary = parse_meter_output(padded)
    assert (summary.integrated, summary.lra) == (-23.38, 20.0)
    assert summary.true_peak == pytest.approx(20 * math.log10(0.3))


def test_silence_gives_no_peak_and_no_gate() -> None:
    summary = parse_meter_output(SILENT_READINGS)
    assert summary.integrated == -70.0
    assert summary.true_peak is None and summary.threshold is None


def test_no_readings_is_an_error() -> None:
    with pytest.raises(MeterOutputMissing):
        parse_meter_output("")
    with pytest.raises(MeterOutputMissing):  # a human log is not read at all
        parse_meter_output("[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:   -23.0 LUFS\n")


def _frame(n: int, short_term: str) -> list[str]:
    return [f"frame:{n} pts:{n * 4800} pts_time:{n / 10:g}", f"lavfi.r128.S={short_term}", "lavfi.r128.I=-23.4"]


def test_meter_thins_the_series_and_stays_bounded() -> None:
    meter = Meter(series_interval=1.0)
    for n in range(100_000):  # 10 000 s of 100 ms readings
        for line in _frame(n, "-23.400"):
            meter.feed_line(line)
    meter.close()
    series = meter.series()
    assert series is not None
    assert len(series.values) == 10_001  # one per second, both ends included
    assert set(series.values) == {-23.4}
    assert meter.last_t == pytest.approx(10_000.0)


def test_meter_marks_missing_short_term_values() -> None:
    meter = Meter(series_interval=1.0)
    for line in [*_frame(0, "-120.691"), *_frame(9, "-23.400")]:
        meter.feed_line(line)
    meter.close()
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


def test_supported_versions() -> None:
    assert version_problem("ffmpeg version 5.1.9-0+deb12u1 Copyright") is None
    assert version_problem("ffmpeg version 7.1.5-0+deb13u1 Copyright") is None
    assert version_problem("ffmpeg version N-118034-g1234 Copyright") is None  # a development build
    too_old = version_problem("ffmpeg version 4.4.2-0ubuntu0.22.04.1 Copyright")
    assert too_old is not None and "4.4.2" in too_old and "too old" in too_old
    too_new = version_problem("ffmpeg version 8.0 Copyright")
    assert too_new is not None and "8.0" in too_new and "7.x" in too_new


def test_refused_demuxer_is_named_in_plain_words() -> None:
    stderr = "[hls @ 0x55a1] Format not on whitelist 'aac,ac3'\nfile:/x/episode.mp3: Invalid argument"
    reason, message = classify_probe_failure(stderr)
    assert reason is Reason.UNSUPPORTED_FORMAT and "playlist" in message
    reason, message = classify_probe_failure("[png_pipe @ 0x1] Format not on whitelist 'wav'\n")
    assert reason is Reason.NOT_AUDIO and "image" in message
