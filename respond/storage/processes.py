"""Running a child that may wait on the network (git fetch and push, and the ssh they start)
so that nothing is ever left behind.

The child starts in a session and process group of its own (``start_new_session``): it has no
controlling terminal, so nothing it starts can prompt on the user's terminal, and ending its
group ends everything it started (``git`` -> ``ssh`` -> ``git-upload-pack``...). When the
deadline passes, or respond itself is interrupted, the group gets ``SIGTERM`` (git removes its
own lock files then), and ``SIGKILL`` after :data:`GRACE` seconds if anything is still there.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

#: Seconds between the group's SIGTERM and its SIGKILL.
GRACE = 2.0


class TimedOut(Exception):
    """The child was still running at its deadline: its whole group was ended."""

    def __init__(self, output: bytes, stderr: bytes) -> None:
        super().__init__("timed out")
        self.output = output
        self.stderr = stderr


def run_in_group(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    input: bytes | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``argv`` to completion in its own session, its output captured. Past ``timeout``
    seconds the group is ended and :class:`TimedOut` raised; any exception on our side (an
    interrupt) ends the group too. ``FileNotFoundError`` when the program is missing."""
    proc = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        close_fds=True,
    )
    try:
        with _ended_by_signals():
            out, err = proc.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        out, err = end_group(proc)
        raise TimedOut(out, err) from None
    except BaseException:
        end_group(proc)
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def end_group(proc: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    """End ``proc``'s whole process group (TERM, then KILL after :data:`GRACE` s) and collect
    what it wrote."""
    _signal_group(proc.pid, signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=GRACE)
    except subprocess.TimeoutExpired:
        out, err = b"", b""
    _signal_group(proc.pid, signal.SIGKILL)
    try:
        more_out, more_err = proc.communicate(timeout=GRACE)
        out, err = out + (more_out or b""), err + (more_err or b"")
    except (subprocess.TimeoutExpired, ValueError, OSError):
        # a pipe held open by something outside the group: stop reading, never wait on it
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=GRACE)
    return out or b"", err or b""


@contextlib.contextmanager
def _ended_by_signals() -> Iterator[None]:
    """While a child runs, ``SIGTERM`` and ``SIGHUP`` (a service manager stopping respond, a
    closed terminal) end respond through an exception, so that the child's group is ended
    too: by default they would end respond at once and leave the group running."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = {
        sig: signal.signal(sig, stop)
        for sig in (signal.SIGTERM, signal.SIGHUP)
        if signal.getsignal(sig) is not signal.SIG_IGN  # (nohup: left ignored)
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


class Deadline:
    """A budget of seconds for all the waiting on one remote in a run: each network command
    gets what is left (:meth:`left`) and spends what it used (:meth:`spend`)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._left = seconds

    def left(self) -> float:
        return max(self._left, 0.0)

    def passed(self) -> bool:
        return self._left <= 0

    @contextlib.contextmanager
    def spending(self) -> Iterator[None]:
        start = time.monotonic()
        try:
            yield
        finally:
            self._left -= time.monotonic() - start
