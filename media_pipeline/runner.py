"""The one place where external tools are started.

Rules kept here so that no other module has to remember them: argv lists only (never a shell),
always a timeout, never an unbounded capture of a long-running tool's output, and a failure
raises a ``PipelineError`` subclass carrying the tail of the tool's stderr.

Two entry points:

* ``run`` for short, bounded commands (ffprobe, measuring a soundbite): output captured whole.
* ``Supervisor`` for the long jobs: several cooperating processes joined by pipes, their output
  streamed line by line (or chunk by chunk) to parsers in pump threads, user callbacks delivered
  in the caller's thread, one deadline for the lot, and everything killed on the first failure.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import queue
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .errors import PipelineError, ToolMissing

TAIL_LINES = 25
TAIL_CHARS = 4000
READ_CHUNK = 1 << 16

LineHandler = Callable[[str], None]
ChunkHandler = Callable[[bytes], None]


def tail_text(lines: Iterable[str]) -> str:
    """Join the last lines of a tool's output, bounded in size for logs and error messages."""
    text = "\n".join(line for line in lines if line.strip())
    return text[-TAIL_CHARS:]


def _tool_name(argv: Sequence[str]) -> str:
    return os.path.basename(argv[0]) if argv else "?"


def _missing(argv: Sequence[str], exc: FileNotFoundError) -> PipelineError:
    """The executable is missing (or, rarely, the working directory)."""
    if exc.filename not in (None, argv[0]):
        return PipelineError(f"cannot start {_tool_name(argv)}: {exc}", path=exc.filename)
    return ToolMissing(f"{_tool_name(argv)} is not installed (apt-get install ffmpeg)")


@dataclass(frozen=True)
class Completed:
    argv: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: str

    @property
    def stderr_tail(self) -> str:
        return tail_text(self.stderr.splitlines()[-TAIL_LINES:])


def run(
    argv: Sequence[str],
    *,
    timeout: float,
    error: type[PipelineError] = PipelineError,
    input: bytes | None = None,
    cwd: str | os.PathLike[str] | None = None,
    check: bool = True,
    path: str | os.PathLike[str] | None = None,
) -> Completed:
    """Run a short command to completion and capture its output.

    Raises ``ToolMissing`` if the executable does not exist and ``error`` on a timeout or (with
    ``check``) a non-zero exit status.
    """
    argv = tuple(argv)
    tool = _tool_name(argv)
    try:
        proc = subprocess.run(
            argv,
            input=input,
            stdin=subprocess.DEVNULL if input is None else None,
            capture_output=True,
            timeout=timeout,
            cwd=cwd,
            check=False,
        )
    except FileNotFoundError as exc:
        raise _missing(argv, exc) from exc
    except subprocess.TimeoutExpired as exc:
        stderr = exc.stderr.decode("utf-8", "replace") if isinstance(exc.stderr, bytes) else ""
        raise error(
            f"{tool} timed out after {timeout:.0f} s",
            path=path,
            stderr_tail=tail_text(stderr.splitlines()[-TAIL_LINES:]),
        ) from exc
    done = Completed(argv, proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace"))
    if check and done.returncode != 0:
        raise error(f"{tool} failed with exit status {done.returncode}", path=path, stderr_tail=done.stderr_tail)
    return done


PIPE_BUFFER_BYTES = 1 << 20


def make_pipe() -> tuple[int, int]:
    """A pipe (read end, write end) with a 1 MiB buffer where the OS allows it.

    The bigger buffer lets a producer and its consumer run in larger strides (fewer context
    switches on a small machine); it is also what absorbs the lag between a muxer's buffered
    writes and a meter reading them.
    """
    read_end, write_end = os.pipe()
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is not None:
        # Above /proc/sys/fs/pipe-max-size for this user the default buffer still works.
        with contextlib.suppress(OSError):
            fcntl.fcntl(write_end, set_size, PIPE_BUFFER_BYTES)
    return read_end, write_end


class _LineSplitter:
    """Turns a byte stream into text lines; ffmpeg ends status lines with CR as well as LF."""

    def __init__(self, handler: LineHandler) -> None:
        self._handler = handler
        self._pending = b""

    def feed(self, chunk: bytes) -> None:
        data = self._pending + chunk.replace(b"\r", b"\n")
        *lines, self._pending = data.split(b"\n")
        for line in lines:
            self._handler(line.decode("utf-8", "replace"))

    def close(self) -> None:
        if self._pending:
            self._handler(self._pending.decode("utf-8", "replace"))
            self._pending = b""


class _Sink(Protocol):
    def feed(self, chunk: bytes) -> None: ...

    def close(self) -> None: ...


class _ChunkForwarder:
    def __init__(self, on_chunk: ChunkHandler, on_eof: Callable[[], None] | None) -> None:
        self._on_chunk = on_chunk
        self._on_eof = on_eof

    def feed(self, chunk: bytes) -> None:
        self._on_chunk(chunk)

    def close(self) -> None:
        if self._on_eof is not None:
            self._on_eof()


@dataclass
class ProcessSpec:
    """How to start one process under a ``Supervisor``.

    ``stdin`` is a file descriptor to read from (the read end of a pipe another process writes
    to) or None for /dev/null. ``pass_fds`` are extra descriptors the child inherits under the same
    numbers (ffmpeg addresses them as ``pipe:N``). ``keep_in_tail`` filters what is kept for error
    messages, so that thousands of meter readings do not push the real error out of the tail.
    """

    name: str
    argv: Sequence[str]
    stdin: int | None = None
    pass_fds: Sequence[int] = ()
    cwd: str | os.PathLike[str] | None = None
    on_stdout_line: LineHandler | None = None
    on_stderr_line: LineHandler | None = None
    keep_in_tail: Callable[[str], bool] | None = None


@dataclass
class _Running:
    spec: ProcessSpec
    popen: subprocess.Popen[bytes]
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=TAIL_LINES))


class Supervisor:
    """Start cooperating processes, stream their output, and fail them together.

    Use as a context manager: leaving the block (normally or by an exception) kills whatever is
    still running and joins the pump threads, so no child outlives a failed job.
    """

    def __init__(
        self,
        *,
        timeout: float,
        error: type[PipelineError],
        path: str | os.PathLike[str] | None = None,
    ) -> None:
        self._timeout = timeout
        self._error = error
        self._path = path
        self._deadline = time.monotonic() + timeout
        self._running: list[_Running] = []
        self._threads: list[threading.Thread] = []
        self._calls: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._failure: BaseException | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.kill_all()
        for thread in self._threads:
            thread.join(timeout=5)
        for running in self._running:
            for stream in (running.popen.stdout, running.popen.stderr):
                if stream is not None:
                    stream.close()

    # -- starting -----------------------------------------------------------------------------

    def spawn(self, spec: ProcessSpec) -> None:
        argv = list(spec.argv)
        try:
            popen = subprocess.Popen(
                argv,
                stdin=spec.stdin if spec.stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE if spec.on_stdout_line else subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                pass_fds=tuple(spec.pass_fds),
                cwd=spec.cwd,
                start_new_session=True,
            )
        except FileNotFoundError as exc:
            raise _missing(argv, exc) from exc
        running = _Running(spec, popen)
        self._running.append(running)

        def on_stderr(line: str) -> None:
            if spec.keep_in_tail is None or spec.keep_in_tail(line):
                running.tail.append(line)
            if spec.on_stderr_line is not None:
                spec.on_stderr_line(line)

        assert popen.stderr is not None
        self._start_pump(f"{spec.name}-stderr", popen.stderr.fileno(), _LineSplitter(on_stderr))
        if spec.on_stdout_line is not None:
            assert popen.stdout is not None
            self._start_pump(f"{spec.name}-stdout", popen.stdout.fileno(), _LineSplitter(spec.on_stdout_line))

    def read_fd(self, name: str, fd: int, on_chunk: ChunkHandler, on_eof: Callable[[], None] | None = None) -> None:
        """Pump a pipe we own the read end of (closed by the pump at EOF) into ``on_chunk``."""

        self._start_pump(name, fd, _ChunkForwarder(on_chunk, on_eof), close_fd=True)

    def read_lines(self, name: str, fd: int, on_line: LineHandler, on_eof: Callable[[], None] | None = None) -> None:
        """Pump a pipe we own the read end of, line by line, into ``on_line``; ``on_eof`` after the last."""

        splitter = _LineSplitter(on_line)

        class _Lines:
            def feed(self, chunk: bytes) -> None:
                splitter.feed(chunk)

            def close(self) -> None:
                splitter.close()
                if on_eof is not None:
                    on_eof()

        self._start_pump(name, fd, _Lines(), close_fd=True)

    def stderr_tail(self, name: str) -> str:
        """The kept tail of a process's stderr (after ``wait``: complete)."""
        for running in self._running:
            if running.spec.name == name:
                return tail_text(running.tail)
        return ""

    def _start_pump(self, name: str, fd: int, sink: _Sink, close_fd: bool = False) -> None:
        def pump() -> None:
            try:
                while chunk := os.read(fd, READ_CHUNK):
                    if self._failure is None:
                        sink.feed(chunk)
                if self._failure is None:
                    sink.close()
            except BaseException as exc:
                self.fail(exc)
            finally:
                if close_fd:
                    os.close(fd)

        thread = threading.Thread(target=pump, name=f"media_pipeline:{name}", daemon=True)
        self._threads.append(thread)
        thread.start()

    # -- running ------------------------------------------------------------------------------

    def call_soon(self, fn: Callable[[], None]) -> None:
        """Queue ``fn`` to run in the thread that called ``wait`` (user callbacks go here)."""
        self._calls.put(fn)

    def fail(self, exc: BaseException) -> None:
        """Record the first failure and stop every process."""
        with self._lock:
            if self._failure is None:
                self._failure = exc
        self.kill_all()

    def kill_all(self) -> None:
        for running in self._running:
            if running.popen.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    running.popen.kill()
        for running in self._running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                running.popen.wait(timeout=10)

    def _drain_calls(self, block_for: float) -> None:
        """Run the queued callbacks, waiting up to ``block_for`` seconds for the first one."""
        while self._failure is None:
            try:
                fn = self._calls.get(timeout=block_for) if block_for > 0 else self._calls.get_nowait()
            except queue.Empty:
                return
            block_for = 0
            try:
                fn()
            except BaseException as exc:
                self.fail(exc)

    def wait(self) -> None:
        """Wait for every process and pump; raise the first failure.

        As soon as one process exits with an error the others are killed (a producer without its
        consumer, or the reverse, would only hang until the timeout). The error names the first of
        the failed processes in start order, with its stderr tail. An exception from a handler or
        callback is re-raised as it is.
        """
        failed: list[_Running] = []
        while self._failure is None:
            self._drain_calls(0.05)
            failed = [r for r in self._running if r.popen.poll() not in (None, 0)]
            if failed:
                self.kill_all()
                break
            if all(r.popen.poll() is not None for r in self._running) and not any(t.is_alive() for t in self._threads):
                break
            if time.monotonic() > self._deadline:
                names = ", ".join(r.spec.name for r in self._running if r.popen.poll() is None)
                self.kill_all()
                tail = tail_text(self._running[0].tail) if self._running else ""
                raise self._error(
                    f"timed out after {self._timeout:.0f} s ({names})",
                    path=self._path,
                    stderr_tail=tail,
                )
        if self._failure is None and not failed:
            self._drain_calls(0)
        if self._failure is not None:
            self.kill_all()
            raise self._failure
        if failed:
            for thread in self._threads:  # let the pumps collect the last words of the failed tool
                thread.join(timeout=2)
            culprit = failed[0]
            tool = _tool_name(culprit.spec.argv)
            raise self._error(
                f"{culprit.spec.name}: {tool} failed with exit status {culprit.popen.returncode}",
                path=self._path,
                stderr_tail=tail_text(culprit.tail),
            )

    def returncodes(self) -> Mapping[str, int | None]:
        return {r.spec.name: r.popen.returncode for r in self._running}
