#!/usr/bin/env python3
"""The BEAM rows of the perf suite on their own: runs actorspec_beam_perf on
Erlang/OTP into one Google Benchmark JSON file, and checks such a file.

  beam_perf.py run --ebin DIR --out beam.json [--quick] [--repetitions N] [--filter RE]
      two nodes: `erl +S 1` for the one-worker rows (ping_pong/same_worker),
      then `erl` with its default schedulers for every other row; one file.
  beam_perf.py check beam.json
      every family of perf/check_perf_json.py ran on the BEAM, no row erred,
      every time and required counter finite and positive (never a threshold).

scripts/run does not use this file: it runs the two nodes as result sources
of its own (scripts/lib/beam_step.py), with its timeouts and crash handling.

Standard library only. Exit status non-zero on any failure, with the reason.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import check_perf_json as cpp_check  # noqa: E402  the C++ suite's family list, kept in one place

GROUPS = (("one_worker", ["+S", "1"]), ("default", []))


def run(args) -> int:
    erl = shutil.which("erl")
    if not erl:
        print("beam perf: erl not found (install erlang-base)", file=sys.stderr)
        return 2
    mode = "quick" if args.quick else "full"
    reps = str(args.repetitions) if args.repetitions else "default"
    parts, rc = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for group, flags in GROUPS:
            out = os.path.join(tmp, f"{group}.json")
            cmd = [erl, "-noshell", *flags, "-pa", args.ebin, "-run", "actorspec_beam_perf", "main",
                   mode, group, out, reps] + ([args.filter] if args.filter else [])
            proc = subprocess.run(cmd)
            if not os.path.exists(out):
                print(f"beam perf: the {group} node exited with {proc.returncode} before writing results",
                      file=sys.stderr)
                return proc.returncode or 1
            rc = rc or proc.returncode
            with open(out, encoding="utf-8") as f:
                parts.append(json.load(f))
    merged = dict(parts[1])
    merged["context"] = dict(parts[1]["context"])
    merged["context"]["actorspec_beam_schedulers"] = (
        f"one_worker rows: +S {parts[0]['context']['actorspec_beam_schedulers']}; "
        f"other rows: default ({parts[1]['context']['actorspec_beam_schedulers']})")
    merged["benchmarks"] = parts[0]["benchmarks"] + parts[1]["benchmarks"]
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(merged, f, indent=1)
    return rc


def family_of(run_name):
    family, argset, backend = cpp_check.split_name(run_name)
    return family, argset, backend


def check(path) -> int:
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    errors, seen = [], {}
    for b in report.get("benchmarks", []):
        name = b.get("run_name", b.get("name", "?"))
        family, argset, backend = family_of(name)
        if backend != "beam":
            errors.append(f"{name}: not a beam row")
            continue
        if b.get("error_occurred"):
            errors.append(f"{name}: {b.get('error_message', 'error')}")
            continue
        if b.get("run_type") != "iteration":
            continue
        seen.setdefault(family, set()).update(argset)
        if not (cpp_check.finite(b.get("real_time")) and b["real_time"] > 0):
            errors.append(f"{name}: real_time {b.get('real_time')!r}")
        for c in cpp_check.REQUIRED_COUNTERS.get(family, []):
            if not (cpp_check.finite(b.get(c)) and b[c] > 0):
                errors.append(f"{name}: counter {c} is {b.get(c)!r}")
    for family in cpp_check.FAMILIES + cpp_check.POOLED_FAMILIES:
        if family not in seen:
            errors.append(f"family {family} did not run on the BEAM")
    for family, needed in cpp_check.REQUIRED_ARGS.items():
        missing = needed - seen.get(family, set())
        if missing:
            errors.append(f"{family}: no BEAM row for {sorted(missing)}")
    for e in errors:
        print(f"beam perf check: {e}", file=sys.stderr)
    if not errors:
        print(f"beam perf check: {path}: every family ran on the BEAM")
    return 1 if errors else 0


def main(argv) -> int:
    p = argparse.ArgumentParser(prog="beam_perf.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--ebin", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--quick", action="store_true")
    r.add_argument("--repetitions", type=int)
    r.add_argument("--filter")
    c = sub.add_parser("check")
    c.add_argument("file")
    a = p.parse_args(argv)
    if a.cmd == "run":
        return run(a)
    return check(a.file)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
