"""The perf suite, one process per (backend, benchmark family).

Why one process each: a benchmark must not pay for what the one before it
left behind (the thread backend's exiting threads, a pool's sleeping
workers, a fragmented heap), and a crash or hang costs one family on one
backend, not the whole suite: what finished is still reported. Inside a
process Google Benchmark still interleaves the repetitions of the family's
sizes at random, so slow drift spreads over all of them.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from typing import Dict, List, Tuple

from . import proc, suites

# One family on one backend, all repetitions; scaled by ACTORSPEC_TIMEOUT_SCALE.
DEFAULT_TIMEOUT_S = 600.0

_ERE_SPECIAL = set(".[]()*+?{}|^$\\")


def ere_escape(text: str) -> str:
    """Escapes text for a POSIX extended regex (Google Benchmark's filter in
    Debian's build); Python's re.escape adds escapes ERE leaves undefined."""
    return "".join("\\" + c if c in _ERE_SPECIAL else c for c in text)


class FilterError(ValueError):
    """The perf binary rejected the filter, or it matches nothing."""


@dataclass
class PerfSource:
    """One family on one backend: a command writing Google Benchmark JSON."""
    backend: str
    family: str
    argv: List[str]
    results: str
    timeout_s: float
    benchmarks: List[str]


def split_name(name: str) -> Tuple[str, str]:
    """(family, backend) of a listed name like ring/R:100/fiber/iterations:9/manual_time."""
    parts = [p for p in name.split("/") if not (p.startswith("iterations:") or p in ("manual_time", "real_time")
                                                  or p.startswith("repeats:") or p.startswith("min_time:"))]
    return parts[0], parts[-1]


def list_benchmarks(binary: str, backends: List[str], quick: bool, user_filter: str | None) -> List[str]:
    argv = [binary, f"--backends={','.join(backends)}"] + (["--quick"] if quick else [])
    if user_filter is not None:
        argv.append(f"--benchmark_filter={user_filter}")
    p = subprocess.run(argv + ["--benchmark_list_tests=true"], capture_output=True, text=True, errors="replace",
                       timeout=120 * proc.timeout_scale())
    names = p.stdout.split()
    if p.returncode != 0:
        why = (p.stderr.strip() or p.stdout.strip() or f"exit status {p.returncode}").splitlines()[-1]
        raise FilterError(f"the perf binary rejected --filter {user_filter!r}: {why}")
    if not names:
        raise FilterError(f"--filter {user_filter!r} matches no benchmark" if user_filter is not None
                          else "the perf binary lists no benchmark")
    return names


def plan(binary: str, names: List[str], quick: bool, repetitions: int, out_dir: str,
         timeout_s: float) -> List[PerfSource]:
    groups: Dict[Tuple[str, str], List[str]] = {}
    for n in names:
        groups.setdefault(split_name(n)[::-1], []).append(n)
    out = []
    for (backend, family), members in groups.items():
        results = os.path.join(out_dir, f"perf-{backend}-{family}.json")
        regex = "^(" + "|".join(ere_escape(m) for m in members) + ")$"
        argv = [binary, f"--backends={backend}"] + (["--quick"] if quick else []) + [
            f"--benchmark_filter={regex}", f"--benchmark_repetitions={repetitions}",
            "--benchmark_enable_random_interleaving=true", "--benchmark_display_aggregates_only=true",
            f"--benchmark_out={results}", "--benchmark_out_format=json", "--benchmark_color=false"]
        out.append(PerfSource(backend, family, argv, results, timeout_s, members))
    return out


def _load(path: str):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError, RecursionError):
        return None
    return doc if isinstance(doc, dict) and isinstance(doc.get("benchmarks"), list) else None


# Warnings every process prints alike (Google Benchmark's "Library was built
# as DEBUG", CPU scaling) are shown once per run, not once per process.
_warned = set()


def run(source: PerfSource, on_median) -> suites.SourceOutcome:
    if os.path.exists(source.results):
        os.unlink(source.results)
    lines: List[str] = []

    def on_line(line: str) -> None:
        name = line.split(" ", 1)[0]
        if name.endswith("_median"):
            on_median(name[:-len("_median")], " ".join(line.split()[1:3]))
        elif "ERROR" in line or "error" in line or "WARNING" in line:
            text = line.rstrip()
            lines.append(text)
            if "WARNING" in text and text in _warned:
                return
            _warned.add(text)
            if "Library was built as DEBUG" in text:
                # Debian's libbenchmark says this on every run. With manual
                # timing the library's code is outside the measured region.
                text = ("note: Google Benchmark's library reports a DEBUG build; every benchmark here is "
                        "timed manually around the work only, so the library's code is not measured")
            print("  " + text, flush=True)

    ex = proc.run_streaming(source.argv, source.timeout_s, on_line)
    o = suites.SourceOutcome("perf", source.backend, f"perf/{source.family}/{source.backend}", suites.OK,
                             command=list(source.argv))
    doc = _load(source.results)
    if not ex.ok:
        o.status = suites.TIMED_OUT if ex.timed_out else suites.CRASHED
        o.detail = ex.describe()
        return o
    if doc is None or not doc["benchmarks"]:
        o.status = suites.NO_RESULTS
        o.detail = f"{ex.describe()} without writing results for {len(source.benchmarks)} benchmark(s)"
        return o
    o.results = source.results
    errors = [b for b in doc["benchmarks"] if isinstance(b, dict) and (b.get("error_occurred") or b.get("skipped"))]
    if errors:
        o.status = suites.FAILED
        o.detail = f"{len({b.get('run_name', b.get('name')) for b in errors})} benchmark(s) reported an error: " + \
            str(errors[0].get("error_message") or errors[0].get("skip_message") or "")
    return o


def merge(outcomes: List[suites.SourceOutcome], out_path: str) -> bool:
    """perf.json: this run's results in one Google Benchmark JSON (usable as
    a later --baseline). False when no source wrote anything."""
    merged = None
    for o in outcomes:
        if not o.results:
            continue
        doc = _load(o.results)
        if doc is None:
            continue
        if merged is None:
            merged = {"context": dict(doc.get("context", {})), "benchmarks": []}
        else:
            # Each process ran one backend; the merged file speaks for all.
            for key in ("actorspec_backends", "actorspec_workers"):
                have = [x for x in str(merged["context"].get(key, "")).split(",") if x]
                for x in str(doc.get("context", {}).get(key, "")).split(","):
                    if x and x not in have:
                        have.append(x)
                merged["context"][key] = ",".join(have)
        merged["benchmarks"].extend(doc["benchmarks"])
    if merged is None:
        return False
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(merged, f, indent=1)
    return True
