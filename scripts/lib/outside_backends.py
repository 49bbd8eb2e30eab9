"""Backends from outside this build, for scripts/run: the conformance and
perf binaries a runtime author makes with actorspec_add_conformance and
actorspec_add_perf (README.md, "Test your own runtime"), e.g. adapters/caf.

scripts/run --conformance-bin PATH --perf-bin PATH (each may be repeated)
runs them beside the built-in backends, into the same report and JUnit file.
A binary's backends are the names its tests and benchmarks end with
(`.../caf`). Its conformance tests run one per process (gtest_isolated): a
rule the runtime hangs or crashes on is a failed verdict, not a lost run.
Anything wrong with a binary itself (missing, not a suite, no backend, a
name clash) is an OutsideError with a message that says what to fix.
Standard library only.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

from gtest_isolated import RunnerError, list_tests, run_isolated


class OutsideError(Exception):
    """A binary given with --conformance-bin or --perf-bin cannot be used."""


def _check_executable(path: str, flag: str) -> str:
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise OutsideError(f"{flag} {path}: no such file")
    if not os.access(path, os.X_OK):
        raise OutsideError(f"{flag} {path}: not executable")
    return path


def conformance_backends(binary: str) -> list[str]:
    """The backends a conformance binary instantiates its suites for."""
    binary = _check_executable(binary, "--conformance-bin")
    try:
        names = list_tests(binary)
    except RunnerError as e:
        raise OutsideError(f"--conformance-bin {binary}: {e}") from e
    backends = sorted({n.rsplit("/", 1)[-1] for n in names if "/" in n})
    if not backends:
        raise OutsideError(f"--conformance-bin {binary}: holds no conformance test for any backend "
                           "(is it made with actorspec_add_conformance, and does it register a backend?)")
    return backends


def perf_backends(binary: str) -> list[str]:
    """The backends a perf binary benchmarks."""
    binary = _check_executable(binary, "--perf-bin")
    try:
        proc = subprocess.run([binary, "--quick", "--benchmark_list_tests=true"], capture_output=True, text=True,
                              timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise OutsideError(f"--perf-bin {binary}: cannot list its benchmarks: {e}") from e
    if proc.returncode != 0:
        raise OutsideError(f"--perf-bin {binary}: listing its benchmarks exited with {proc.returncode}: "
                           f"{proc.stderr.strip()[-300:]}")
    backends = sorted({b for b in (perf_backend_of(n) for n in proc.stdout.split()) if b})
    if not backends:
        raise OutsideError(f"--perf-bin {binary}: lists no benchmark for any backend "
                           "(is it made with actorspec_add_perf, and does it register a backend?)")
    return backends


# What Google Benchmark appends after a benchmark's own name.
_GBENCH_SUFFIX = re.compile(r"^(manual_time|real_time|process_time|(iterations|repeats|threads|min_time|"
                            r"min_warmup_time):.*)$")


def perf_backend_of(name: str) -> str | None:
    """The backend in `family/args/<backend>[/iterations:N][/manual_time]`."""
    parts = name.split("/")
    while parts and _GBENCH_SUFFIX.match(parts[-1]):
        parts.pop()
    return parts[-1] if len(parts) > 1 else None


def discover(conformance_bins, perf_bins, builtin):
    """{backend: binary} for conformance and for perf; a name that is also a
    built-in backend, or that two binaries claim, is an error."""
    found = ({}, {})
    for bins, table, probe in ((conformance_bins, found[0], conformance_backends),
                               (perf_bins, found[1], perf_backends)):
        for b in bins or []:
            for name in probe(b):
                if name in builtin:
                    raise OutsideError(f"{b}: its backend '{name}' has the name of a built-in backend or the BEAM reference")
                if name in table and table[name] != os.path.abspath(b):
                    raise OutsideError(f"backend '{name}' is in two binaries: {table[name]} and {b}")
                table[name] = os.path.abspath(b)
    return found


def run_conformance(binary: str, backend: str, out_json: str, progress=None) -> dict:
    """One backend's suite, a process per test; the summary of run_isolated."""
    try:
        return run_isolated(binary, out_json, gtest_filter=f"*/{backend}", progress=progress)
    except RunnerError as e:
        raise OutsideError(f"--conformance-bin {binary}: {e}") from e


def merge_perf(json_paths, out_json):
    """Google Benchmark JSON files of the same suite run by several binaries
    into one: the benchmarks side by side, the backends in the context
    joined, the rest of the context from the first file."""
    merged = None
    for path in json_paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if merged is None:
            merged = doc
            continue
        merged.setdefault("benchmarks", []).extend(doc.get("benchmarks", []))
        ctx, more = merged.setdefault("context", {}), doc.get("context", {})
        for key in ("actorspec_backends", "actorspec_workers"):
            parts = [p for p in (ctx.get(key, ""), more.get(key, "")) if p]
            ctx[key] = ",".join(parts)
    if merged is not None:
        with open(out_json, "w", encoding="utf-8") as f:
            json.dump(merged, f, indent=1)
    return merged is not None
