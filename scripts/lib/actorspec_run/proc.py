"""Running one child binary: streamed output, a timeout, and an exit that is
described in words (a signal by name)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple

DEFAULT_TIMEOUT_SCALE_ENV = "ACTORSPEC_TIMEOUT_SCALE"


def timeout_scale() -> float:
    """The factor the test timeouts use too (sanitizer builds run slower)."""
    try:
        s = float(os.environ.get(DEFAULT_TIMEOUT_SCALE_ENV, "1"))
    except ValueError:
        return 1.0
    return s if s > 0 else 1.0


@dataclass
class Exit:
    returncode: Optional[int]    # None: killed by us after the timeout
    timed_out: bool
    timeout_s: float

    @property
    def ok(self) -> bool:
        return not self.timed_out and self.returncode == 0

    def describe(self) -> str:
        if self.timed_out:
            return f"timed out after {self.timeout_s:g} s and was killed"
        rc = self.returncode
        if rc is not None and rc < 0:
            try:
                name = signal.Signals(-rc).name
            except ValueError:
                name = "unknown signal"
            return f"killed by signal {-rc} ({name})"
        return f"exited with status {rc}"


def run_streaming(argv: List[str], timeout_s: float, on_line: Callable[[str], None],
                  env: Optional[dict] = None) -> Exit:
    """Runs argv with stdout+stderr merged, handing each line to on_line.

    The child gets its own process group so that a timeout kills it and
    anything it started; the reader thread ends when the pipe closes.
    """
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="replace", start_new_session=True, env=env)

    def pump():
        for line in proc.stdout:
            on_line(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    timed_out = False
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    # A grandchild may keep the pipe open; do not wait for it forever.
    reader.join(timeout=5)
    return Exit(returncode=None if timed_out else proc.returncode, timed_out=timed_out, timeout_s=timeout_s)


def run_captured(argv: List[str], timeout_s: float, env: Optional[dict] = None) -> Tuple[str, Exit]:
    """Runs argv to its end or its deadline; returns its merged output.

    Like run_streaming, the child leads its own process group and a timeout
    kills the whole group: a GoogleTest death test forks a child that would
    otherwise outlive its killed parent (and keep running a hung test).
    """
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="replace", start_new_session=True, env=env)
    try:
        out, _ = proc.communicate(timeout=timeout_s)
        return out, Exit(returncode=proc.returncode, timed_out=False, timeout_s=timeout_s)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, _ = proc.communicate()
        return out or "", Exit(returncode=None, timed_out=True, timeout_s=timeout_s)
