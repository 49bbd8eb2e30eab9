"""The BEAM as result sources of scripts/run: the spec's scenarios
(conformance/beam/) and the perf families (perf/beam/) on Erlang/OTP, as
commands that write the same JSON formats as the C++ suites, so they get the
same timeouts, crash detection, JUnit and report treatment (see
actorspec_run.conformance and actorspec_run.perf).

When the BEAM does not run (--no-beam, no `erl`, or a build without the
compiled modules) its column is still there: every spec rule gets a skipped
`beam` test whose message says why, so the matrix shows "not run" with the
reason, never a silently missing column. Standard library only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from typing import List, Optional

from actorspec_run import suites
from actorspec_run.conformance import ConformanceSource
from actorspec_run.perf import PerfSource

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULES = os.path.join(ROOT, "conformance", "beam", "rules.tsv")
SPEC = os.path.join(ROOT, "spec", "SPEC.md")
BACKEND = "beam"
# The one-worker rows (ping_pong/same_worker) run in a node with one
# scheduler; every other row in a node with the default (one per core).
GROUPS = (("one_worker", ["+S", "1"]), ("default", []))


def conformance_ebin(build_dir: str) -> str:
    return os.path.join(build_dir, "conformance", "beam", "ebin")


def perf_ebin(build_dir: str) -> str:
    return os.path.join(build_dir, "perf", "beam", "ebin")


def why_not(build_dir: str, disabled: bool) -> Optional[str]:
    """None when the BEAM can run, else the reason it does not."""
    if disabled:
        return "not run: --no-beam was given"
    if not shutil.which("erl"):
        return "not run: Erlang/OTP is not installed (erl not found; Debian: erlang-base erlang-dev erlang-eunit)"
    for ebin, module in ((conformance_ebin(build_dir), "actorspec_beam_conformance"),
                         (perf_ebin(build_dir), "actorspec_beam_perf")):
        if not os.path.exists(os.path.join(ebin, module + ".beam")):
            return f"not run: {ebin} has no {module}.beam (was the build configured with ACTORSPEC_BEAM=OFF?)"
    return None


def conformance_source(build_dir: str, out_dir: str, timeout_s: float) -> ConformanceSource:
    results = os.path.join(out_dir, f"conformance-{BACKEND}.json")
    argv = [shutil.which("erl") or "erl", "-noshell", "-pa", conformance_ebin(build_dir),
            "-run", "actorspec_beam_conformance", "main", results, RULES, SPEC]
    return ConformanceSource(BACKEND, argv, results, timeout_s)


def not_run_outcome(out_dir: str, reason: str) -> suites.SourceOutcome:
    """GoogleTest-shaped JSON with one skipped beam test per spec rule, saying
    why; its outcome is not a failure, and every output shows the reason."""
    results = os.path.join(out_dir, f"conformance-{BACKEND}.json")
    with open(SPEC, encoding="utf-8") as f:
        ids = re.findall(r"^### ([A-Z]+-[0-9]+[a-z]?) ", f.read(), flags=re.M)
    tests = [{"name": f"{rule.replace('-', '_')}_beam/{BACKEND}", "value_param": f'"{BACKEND}"', "status": "RUN",
              "result": "SKIPPED", "time": "0s", "classname": BACKEND, "skipped": [{"message": reason}]}
             for rule in dict.fromkeys(ids)]
    doc = {"tests": len(tests), "failures": 0, "disabled": 0, "errors": 0, "name": "AllTests",
           "testsuites": [{"name": BACKEND, "tests": len(tests), "failures": 0, "disabled": 0, "errors": 0,
                           "testsuite": tests}]}
    with open(results, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    return suites.SourceOutcome("conformance", BACKEND, f"conformance/{BACKEND}", suites.OK, detail=reason,
                                results=results)


def perf_sources(build_dir: str, out_dir: str, quick: bool, repetitions: int, filter_re: Optional[str],
                 timeout_s: float) -> List[PerfSource]:
    """Two nodes: +S 1 for the one-worker rows, default schedulers for the rest."""
    out = []
    for group, flags in GROUPS:
        results = os.path.join(out_dir, f"perf-{BACKEND}-{group}.json")
        argv = [shutil.which("erl") or "erl", "-noshell", *flags, "-pa", perf_ebin(build_dir),
                "-run", "actorspec_beam_perf", "main", "quick" if quick else "full", group, results,
                str(repetitions)] + ([filter_re] if filter_re else [])
        out.append(PerfSource(BACKEND, f"{group} node", argv, results, timeout_s, []))
    return out


def _case(row) -> str:
    return row.get("run_name", row.get("name", "")).rsplit("/", 1)[0]


def _placed(row, cpp_rows):
    """A BEAM row numbered beside the C++ rows of its case (the report orders
    families by family_index), after all of them if no C++ row has it."""
    row = dict(row)
    same = [r.get("family_index", 0) for r in cpp_rows if _case(r) == _case(row)]
    last = max([r.get("family_index", 0) for r in cpp_rows] or [0])
    row["family_index"] = max(same) if same else last + 1 + row.get("family_index", 0)
    row["per_family_instance_index"] = 1 + max([r.get("per_family_instance_index", 0) for r in cpp_rows
                                                 if _case(r) == _case(row)] or [0])
    return row


def fold_perf(perf_json: str, outcomes: List[suites.SourceOutcome]) -> bool:
    """Adds the BEAM rows to perf.json (written from the C++ sources, or
    created here), with the BEAM's facts in its context. False when there
    is nothing at all to write."""
    docs = []
    for o in outcomes:
        try:
            with open(o.results, encoding="utf-8") as f:
                docs.append(json.load(f))
        except (OSError, ValueError, TypeError):
            continue
    if not docs:
        return os.path.exists(perf_json)
    if os.path.exists(perf_json):
        with open(perf_json, encoding="utf-8") as f:
            perf = json.load(f)
    else:
        perf = {"context": dict(docs[-1].get("context", {})), "benchmarks": []}
    ctx = perf.setdefault("context", {})
    cpp = [b for b in perf.get("benchmarks", []) if not b.get("run_name", b.get("name", "")).endswith("/" + BACKEND)]
    beam_rows = [_placed(b, cpp) for d in docs for b in d.get("benchmarks", [])]
    perf["benchmarks"] = cpp + beam_rows
    # actorspec_backends stays the C++ backends asked for: a baseline is
    # compared on those (a run with --no-beam stays comparable); the BEAM's
    # schedulers join the workers, compared only where both runs have them.
    workers = [x for x in str(ctx.get("actorspec_workers", "")).split(",") if x and not x.startswith(BACKEND + "=")]
    ctx["actorspec_workers"] = ",".join(workers + [str(docs[-1]["context"].get("actorspec_workers", BACKEND + "=0"))])
    last = docs[-1]["context"]
    for key in ("actorspec_beam_otp_release", "actorspec_beam_erts_version"):
        ctx[key] = last.get(key, "unknown")
    ctx["actorspec_beam_schedulers"] = "; ".join(
        f"{d['context'].get('actorspec_beam_group')} rows: {d['context'].get('actorspec_beam_schedulers')}"
        for d in docs)
    ctx["actorspec_beam_timing"] = last.get("actorspec_timing", "")
    with open(perf_json, "w", encoding="utf-8") as f:
        json.dump(perf, f, indent=1)
    return True


def describe(perf_json: str) -> str:
    """The header fact: which Erlang/OTP ran the BEAM rows, on how many schedulers."""
    try:
        with open(perf_json, encoding="utf-8") as f:
            ctx = json.load(f).get("context", {})
        return (f"Erlang/OTP {ctx['actorspec_beam_otp_release']} (erts {ctx['actorspec_beam_erts_version']}); "
                f"schedulers: {ctx['actorspec_beam_schedulers']}")
    except (OSError, ValueError, KeyError):
        return f"Erlang/OTP {otp_release()}; no BEAM perf rows (see the run's output)"


def otp_release() -> str:
    try:
        out = subprocess.run(["erl", "-noshell", "-eval",
                              'io:format("~s (erts ~s)", [erlang:system_info(otp_release), '
                              'erlang:system_info(version)]), halt().'],
                             capture_output=True, text=True, timeout=60).stdout.strip()
        return out or "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
