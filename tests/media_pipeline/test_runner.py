"""The subprocess runner with real processes: timeouts, exit codes, stderr tails, cleanup."""

from __future__ import annotations

import os
import sys
import time

import pytest

from media_pipeline.errors import ProbeError, ToolMissing, TranscodeError
from media_pipeline.runner import ProcessSpec, Supervisor, make_pipe, run

PY = sys.executable


def test_run_captures_output() -> None:
    done = run([PY, "-c", "import sys; print('out'); print('err', file=sys.stderr)"], timeout=30)
    assert (done.returncode, done.stdout.strip(), done.stderr.strip()) == (0, b"out", "err")


def test_run_failure_carries_the_stderr_tail() -> None:
    script = "import sys\nfor i in range(100): print(f'line {i}', file=sys.stderr)\nsys.exit(3)"
    with pytest.raises(TranscodeError) as caught:
        run([PY, "-c", script], timeout=30, error=TranscodeError, path="/x/y.wav")
    error = caught.value
    assert "exit status 3" in error.message and error.path == "/x/y.wav"
    assert "line 99" in error.stderr_tail and "line 10\n" not in error.stderr_tail


def test_run_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(ProbeError, match="timed out"):
        run([PY, "-c", "import time; time.sleep(30)"], timeout=0.5, error=ProbeError)
    assert time.monotonic() - started < 10


def test_missing_tool() -> None:
    with pytest.raises(ToolMissing, match="apt-get install ffmpeg"):
        run(["/nonexistent/ffmpeg", "-version"], timeout=5)


def test_supervisor_pipes_and_callbacks_in_the_callers_thread() -> None:
    read_end, write_end = make_pipe()
    chunks: list[bytes] = []
    lines: list[str] = []
    import threading

    caller = threading.get_ident()
    threads: set[int] = set()
    with Supervisor(timeout=30, error=TranscodeError) as sup:
        sup.read_fd("data", read_end, chunks.append)
        writer = f"import os; os.write({write_end}, b'x' * 200000); print('a\\rb')"

        def on_line(line: str) -> None:
            sup.call_soon(lambda: (threads.add(threading.get_ident()), lines.append(line)))

        sup.spawn(ProcessSpec(name="writer", argv=[PY, "-c", writer], pass_fds=(write_end,), on_stdout_line=on_line))
        os.close(write_end)
        sup.wait()
    assert len(b"".join(chunks)) == 200_000
    assert lines == ["a", "b"]  # carriage returns split lines, as ffmpeg's status lines need
    assert threads == {caller}


def test_supervisor_blames_the_producer_and_kills_the_rest() -> None:
    with pytest.raises(TranscodeError) as caught, Supervisor(timeout=30, error=TranscodeError) as sup:
        sup.spawn(
            ProcessSpec(
                name="producer",
                argv=[PY, "-c", "import sys, time; time.sleep(0.3); print('boom', file=sys.stderr); sys.exit(1)"],
            )
        )
        sup.spawn(ProcessSpec(name="consumer", argv=[PY, "-c", "import time; time.sleep(60)"]))
        started = time.monotonic()
        sup.wait()
    assert caught.value.message.startswith("producer") and "boom" in caught.value.stderr_tail
    assert time.monotonic() - started < 20


def test_supervisor_timeout_kills_everything() -> None:
    with (
        pytest.raises(TranscodeError, match="timed out") as caught,
        Supervisor(timeout=0.5, error=TranscodeError) as sup,
    ):
        sup.spawn(ProcessSpec(name="sleeper", argv=[PY, "-c", "import time; time.sleep(60)"]))
        sup.wait()
    assert "sleeper" in caught.value.message
    assert all(code is not None for code in sup.returncodes().values())


def test_handler_exception_stops_the_job() -> None:
    class Boom(Exception):
        pass

    def explode(line: str) -> None:
        raise Boom(line)

    with pytest.raises(Boom), Supervisor(timeout=30, error=TranscodeError) as sup:
        sup.spawn(
            ProcessSpec(
                name="talker",
                argv=[PY, "-c", "import time\nprint('hi', flush=True)\ntime.sleep(60)"],
                on_stdout_line=explode,
            )
        )
        sup.wait()
    assert all(code is not None for code in sup.returncodes().values())
