"""The damage map from ffprobe's frame list, and the meter's jump detection (no tools run here).

The frame lines are in the form ``ffprobe -show_frames -show_entries
frame=pts_time,pkt_pos,pkt_size,nb_samples,sample_rate -of compact=p=1:nk=0`` prints them
(ffmpeg 5.1); the gaps are those seen on files damaged by the tests in test_damaged.py.
"""

from __future__ import annotations

import pytest

from media_pipeline.damage import (
    MAX_GAPS,
    MAX_STRETCHES,
    DamagedStretch,
    DamageMap,
    FrameScanner,
    Kind,
    clock,
    is_suspect,
)
from media_pipeline.errors import Reason
from media_pipeline.loudness import Meter
from media_pipeline.probe import AudioStreamInfo, ProbeInfo

MP3_FRAME = 1152 / 44100  # 26.122 ms
MP3_BYTES = 418  # 128 kbit/s


def frame(pts: float | None, pos: int | None, size: int, samples: int = 1152, rate: int = 44100) -> str:
    shown = "N/A" if pts is None else f"{pts:.6f}"
    return f"frame|pts_time={shown}|pkt_pos={pos}|pkt_size={size}|nb_samples={samples}|sample_rate={rate}"


def mp3_frames(start: float, count: int, pos: int) -> tuple[list[str], float, int]:
    lines = [frame(start + i * MP3_FRAME, pos + i * MP3_BYTES, MP3_BYTES) for i in range(count)]
    return lines, start + count * MP3_FRAME, pos + count * MP3_BYTES


def scan(lines: list[str], *, raw: bool, stated: float, first_packet_pos: int | None = None) -> DamageMap:
    scanner = FrameScanner(raw_stream=raw, sample_rate=44100, first_packet_pos=first_packet_pos)
    for line in lines:
        scanner.feed_line(line)
    return scanner.result(stated)


def test_raw_mp3_gap_is_sized_by_its_bytes_and_moves_the_rest_back() -> None:
    """ffmpeg counts 33 kB of garbage as seven frames (0.18 s); at 16 kB/s it held 2.06 s."""
    before, end, pos = mp3_frames(0.0, 115, 462)
    garbage = 33019
    after, _, _ = mp3_frames(end + 7 * MP3_FRAME, 190, pos + garbage)
    damage = scan(before + after, raw=True, stated=8.0, first_packet_pos=462)
    (stretch,) = damage.stretches
    assert stretch.kind == Kind.UNDECODABLE
    assert stretch.start == pytest.approx(end, abs=0.001)
    assert stretch.end - stretch.start == pytest.approx(garbage / (MP3_BYTES / MP3_FRAME), abs=0.01)
    ((at, shift),) = damage.shifts
    assert at == pytest.approx(end + 7 * MP3_FRAME, abs=1e-6)
    assert shift == pytest.approx(stretch.seconds - 7 * MP3_FRAME, abs=0.001)
    chain = damage.conceal_filter()
    assert chain is not None
    assert chain.startswith("asetpts='PTS+(gte(T,")
    assert "aresample=async=1" in chain and f"between(t,{stretch.start:.3f},{stretch.end:.3f})" in chain


def test_timestamped_gap_with_decoded_garbage_is_measured_by_timestamps() -> None:
    """FLAC: three garbage frames without a timestamp, then audio again (one frame out of order)."""
    lines = [frame(i * 0.104490, 8288 + i * 4100, 4100, samples=4608) for i in range(24)]
    lines += [frame(None, 107495, 98807, samples=4608)] * 3
    lines += [frame(5.015510, 227328, 4110, samples=4608), frame(5.120000, 210412, 4135, samples=4608)]
    lines += [frame(5.120000 + i * 0.104490, 214547 + i * 4100, 4100, samples=4608) for i in range(1, 20)]
    damage = scan(lines, raw=False, stated=7.2)
    assert damage.stretches == (DamagedStretch(2.508, 5.016, Kind.UNDECODABLE),)
    assert damage.shifts == ()
    chain = damage.conceal_filter()
    assert chain is not None and "asetpts" not in chain


def test_damage_at_the_start_and_a_missing_end() -> None:
    lines = [frame(1.0 + i * 0.02, None, 0, samples=960, rate=48000) for i in range(400)]  # 1.0 s to 9.0 s
    damage = scan(lines, raw=False, stated=10.0)
    assert damage.stretches == (
        DamagedStretch(0.0, 1.0, Kind.UNDECODABLE),
        DamagedStretch(9.0, 10.0, Kind.MISSING_END),
    )
    assert damage.damaged_seconds == pytest.approx(2.0)
    assert damage.refusal("x.opus") is None  # 20 % exactly is still bridged


def test_close_stretches_are_merged_and_tiny_gaps_ignored() -> None:
    lines = [frame(i * 0.02, None, 0, samples=960, rate=48000) for i in range(100)]  # 0 to 2 s
    lines += [frame(2.3 + i * 0.02, None, 0, samples=960, rate=48000) for i in range(10)]  # gap 2.0-2.3
    lines += [frame(2.9 + i * 0.02, None, 0, samples=960, rate=48000) for i in range(10)]  # gap 2.5-2.9
    lines += [frame(3.12 + i * 0.02, None, 0, samples=960, rate=48000) for i in range(100)]  # 20 ms: rounding
    damage = scan(lines, raw=False, stated=5.12)
    assert damage.stretches == (DamagedStretch(2.0, 2.9, Kind.UNDECODABLE),)


def test_mostly_damaged_is_refused_naming_the_stretches() -> None:
    lines = [frame(i * 0.02, None, 0, samples=960, rate=48000) for i in range(100)]
    lines += [frame(5.0 + i * 0.02, None, 0, samples=960, rate=48000) for i in range(100)]
    refusal = scan(lines, raw=False, stated=7.0).refusal("x.opus")
    assert refusal is not None and refusal.reason is Reason.DAMAGED
    assert refusal.damage == (DamagedStretch(2.0, 5.0, Kind.UNDECODABLE),)
    assert "43% of the recording is damaged" in refusal.message
    assert "0:02.0-0:05.0 could not be decoded" in refusal.message and "upload" in refusal.message


def test_a_copy_cut_in_half_is_refused_as_truncated() -> None:
    lines = [frame(i * 0.02, None, 0, samples=960, rate=48000) for i in range(150)]
    refusal = scan(lines, raw=False, stated=6.0).refusal("x.opus")
    assert refusal is not None and refusal.reason is Reason.TRUNCATED
    assert "0:03.0-0:06.0 missing or unreadable" in refusal.message


def test_nothing_decodable_and_too_many_gaps_are_refused() -> None:
    refusal = scan([], raw=False, stated=6.0).refusal("x.mp3")
    assert refusal is not None and refusal.reason is Reason.CORRUPT
    lines = [frame(i * 0.2, None, 0, samples=4800, rate=48000) for i in range(MAX_GAPS + 5)]  # 0.1 s gaps
    damage = scan(lines, raw=False, stated=0.0)
    assert damage.too_many
    assert damage.refusal("x.opus") is not None
    # Short stretches a second apart: little time in all, but too many places to bridge.
    lines = [frame(i * 1.1, None, 0, samples=48000, rate=48000) for i in range(MAX_STRETCHES + 2)]
    damage = scan(lines, raw=False, stated=0.0)
    assert len(damage.stretches) == MAX_STRETCHES + 1 and damage.damaged_seconds < 0.1 * damage.timeline
    refusal = damage.refusal("x.opus")
    assert refusal is not None and "and many more" in refusal.message


def test_memory_stays_bounded_on_long_intact_streams() -> None:
    scanner = FrameScanner(raw_stream=True, sample_rate=44100, first_packet_pos=0)
    for i in range(100_000):  # 44 minutes of MP3 frames
        scanner.feed_line(frame(i * MP3_FRAME, i * MP3_BYTES, MP3_BYTES))
    assert scanner.gaps == [] and scanner.result(100_000 * MP3_FRAME).stretches == ()


def test_clock() -> None:
    assert clock(0) == "0:00.0"
    assert clock(65.44) == "1:05.4"
    assert clock(3723.0) == "1:02:03.0"


def _readings(times: list[float]) -> list[str]:
    lines = []
    for index, t in enumerate(times):
        lines.append(f"frame:{index}    pts:{round(t * 44100)}    pts_time:{t:g}")
        lines += ["lavfi.r128.I=-20.0", "lavfi.r128.LRA=1.0"]
    return lines


def test_meter_counts_jumps_in_the_readings_timestamps() -> None:
    intact = Meter()
    for line in _readings([i / 10 for i in range(50)]):
        intact.feed_line(line)
    intact.close()
    assert intact.discontinuities == 0
    jumped = Meter()
    for line in _readings([i / 10 for i in range(30)] + [3.18286 + i / 10 for i in range(20)]):
        jumped.feed_line(line)
    jumped.close()
    assert jumped.discontinuities == 1


def _info(duration: float, estimate: bool, demuxer: str = "mp3") -> ProbeInfo:
    audio = AudioStreamInfo(0, "mp3", "MP3", 44100, 2, "stereo", "fltp", None, 128000, duration)
    return ProbeInfo("x.mp3", 1, demuxer, "MP3", duration, 128000, estimate, audio, 1, 0)


def test_suspicion() -> None:
    assert not is_suspect(_info(8.0, False), 7.9, 0)
    assert is_suspect(_info(8.0, False), 6.0, 0)  # ends early
    # An MP3 parser skips a zeroed block without a trace: its early end counts even against an estimate.
    assert is_suspect(_info(8.0, True), 7.0, 0)
    assert not is_suspect(_info(8.0, True, "ogg"), 6.5, 0)  # other estimates are only roughly right
    assert is_suspect(_info(100.0, True, "ogg"), 90.0, 0)  # but not that wrong
    assert is_suspect(_info(8.0, True), 8.0, 1)  # a jump does


def test_damaged_start_of_a_stream_that_begins_at_zero_is_put_back() -> None:
    """FLAC and Ogg state their first readable timestamp as the file's start; ffmpeg would move the
    whole recording up by it. The concealment moves it back and fills the start with silence."""
    damage = DamageMap((DamagedStretch(0.0, 0.94, Kind.UNDECODABLE),), timeline=12.0, offset=0.940408)
    chain = damage.conceal_filter()
    assert chain is not None
    assert chain.startswith("asetpts='PTS+(0.940408)/TB',aresample=async=1")
    assert "between(t,0.000,0.940)" in chain
