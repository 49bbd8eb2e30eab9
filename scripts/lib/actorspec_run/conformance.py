"""Conformance per backend: each backend's tests in their own process, with a
timeout, and an outcome that never borrows another run's file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from typing import List, Optional

from . import proc, suites

# Generous for one backend's whole suite on a loaded 2-core machine; scaled
# like the tests' own timeouts (ACTORSPEC_TIMEOUT_SCALE).
DEFAULT_TIMEOUT_S = 900.0

_RUN = re.compile(r"^\[ RUN      \] (\S+)")
_END = re.compile(r"^\[ +(?:OK|FAILED|SKIPPED) +\] (\S+)")


@dataclass
class ConformanceSource:
    """One backend's conformance results: a command that writes GoogleTest
    JSON (--gtest_output=json format) to `results`."""
    backend: str
    argv: List[str]
    results: str
    timeout_s: float


def gtest_source(binary: str, backend: str, out_dir: str, timeout_s: float) -> ConformanceSource:
    results = os.path.join(out_dir, f"conformance-{backend}.json")
    return ConformanceSource(backend, [binary, f"--gtest_filter=*/{backend}", f"--gtest_output=json:{results}"],
                             results, timeout_s)


def registered_backends(binary: str) -> List[str]:
    """Backend names the binary instantiates its suites for."""
    out = subprocess.run([binary, "--gtest_list_tests"], check=True, capture_output=True, text=True,
                         timeout=60 * proc.timeout_scale()).stdout
    names = set()
    for line in out.splitlines():
        if line.startswith("  "):
            names.add(line.split()[0].rsplit("/", 1)[-1])
    return sorted(names)


def _load_results(path: str) -> Optional[dict]:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError, RecursionError):
        return None
    return doc if isinstance(doc, dict) and isinstance(doc.get("testsuites"), list) else None


def run(source: ConformanceSource, echo_failures=print) -> suites.SourceOutcome:
    """Runs the source and says what happened; the results file is removed
    first so that only this run's file can be read."""
    if os.path.exists(source.results):
        os.unlink(source.results)
    running: List[Optional[str]] = [None]
    failures: List[str] = []
    tty = sys.stdout.isatty()

    def on_line(line: str) -> None:
        m = _RUN.match(line)
        if m:
            running[0] = m.group(1)
        elif _END.match(line):
            running[0] = None
        if line.startswith("[  FAILED  ]") and "," in line:
            failures.append(line.strip())
        if tty:
            print(f"\r  {line.strip()[:100]:<100}", end="", flush=True)

    ex = proc.run_streaming(source.argv, source.timeout_s, on_line)
    if tty:
        print("\r" + " " * 104 + "\r", end="", flush=True)
    outcome = suites.SourceOutcome("conformance", source.backend, f"conformance/{source.backend}", suites.OK,
                                   command=list(source.argv))
    during = f" while running {running[0]}" if running[0] else ""
    doc = _load_results(source.results)
    if ex.timed_out or (ex.returncode is not None and ex.returncode < 0):
        outcome.status = suites.TIMED_OUT if ex.timed_out else suites.CRASHED
        outcome.detail = ex.describe() + during
        # A binary killed mid-run may have left a partial file: not ours to trust.
        return outcome
    if doc is None:
        outcome.status = suites.NO_RESULTS if ex.returncode == 0 else suites.CRASHED
        outcome.detail = f"{ex.describe()} without writing {os.path.basename(source.results)}{during}"
        return outcome
    tests = doc.get("tests", 0)
    if not isinstance(tests, int) or tests == 0:
        outcome.status = suites.NO_RESULTS
        outcome.detail = f"{ex.describe()}; its results list no test for backend {source.backend}"
        return outcome
    failed = doc.get("failures", 0)
    outcome.results = source.results
    if ex.returncode != 0 and not failed:
        outcome.status = suites.CRASHED
        outcome.detail = f"{ex.describe()} although its results show no failed test"
        return outcome
    if failed:
        outcome.status = suites.FAILED
        outcome.detail = f"{failed} of {tests} tests failed"
        for f in failures:
            echo_failures(f"  {f}")
    else:
        outcome.detail = f"{tests}/{tests} passed"
    return outcome
