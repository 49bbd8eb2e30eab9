#!/usr/bin/env python3
"""The BEAM rows of the perf suite: runs actorspec_beam_perf on Erlang/OTP
and merges its Google Benchmark JSON with the C++ suite's.

  beam_perf.py run --ebin DIR --out beam.json [--quick] [--repetitions N] [--filter RE]
      two nodes: `erl +S 1` for the one-worker rows (ping_pong/same_worker),
      then `erl` with its default schedulers for every other row; one file.
  beam_perf.py check beam.json
      every family of perf/check_perf_json.py ran on the BEAM, no row erred,
      every time and required counter finite and positive (never a threshold).
  beam_perf.py merge --into perf.json beam.json
      appends the BEAM rows to a C++ perf.json and names `beam` in its context.

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


def merge(into, beam_path) -> int:
    with open(into, encoding="utf-8") as f:
        perf = json.load(f)
    with open(beam_path, encoding="utf-8") as f:
        beam = json.load(f)
    ctx, bctx = perf.setdefault("context", {}), beam.get("context", {})
    backends = [b for b in ctx.get("actorspec_backends", "").split(",") if b and b != "beam"]
    ctx["actorspec_backends"] = ",".join(backends + ["beam"])
    workers = [w for w in ctx.get("actorspec_workers", "").split(",") if w and not w.startswith("beam=")]
    ctx["actorspec_workers"] = ",".join(workers + [bctx.get("actorspec_workers", "beam=0")])
    for k, v in bctx.items():
        if k.startswith("actorspec_beam_"):
            ctx[k] = v
    ctx["actorspec_beam_timing"] = bctx.get("actorspec_timing", "")
    cpp = [b for b in perf.get("benchmarks", []) if not is_beam(b)]
    perf["benchmarks"] = cpp + [placed(b, cpp) for b in beam.get("benchmarks", [])]
    with open(into, "w", encoding="utf-8") as f:
        json.dump(perf, f, indent=1)
    return 0


def is_beam(row) -> bool:
    return row.get("run_name", row.get("name", "")).endswith("/beam")


def case_of(row) -> str:
    return row.get("run_name", row.get("name", "")).rsplit("/", 1)[0]


def placed(row, cpp_rows):
    """The BEAM row numbered beside the C++ rows of the same case (the report
    orders families by Google Benchmark's family_index), after them if none."""
    row = dict(row)
    same = [r.get("family_index", 0) for r in cpp_rows if case_of(r) == case_of(row)]
    last = max([r.get("family_index", 0) for r in cpp_rows] or [0])
    row["family_index"] = max(same) if same else last + 1 + row.get("family_index", 0)
    row["per_family_instance_index"] = 1 + max([r.get("per_family_instance_index", 0) for r in cpp_rows
                                                 if case_of(r) == case_of(row)] or [0])
    return row


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
    m = sub.add_parser("merge")
    m.add_argument("--into", required=True)
    m.add_argument("file")
    a = p.parse_args(argv)
    if a.cmd == "run":
        return run(a)
    if a.cmd == "check":
        return check(a.file)
    return merge(a.into, a.file)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
