"""The BEAM steps of scripts/run: the spec's scenarios and the perf families
on Erlang/OTP (conformance/beam/, perf/beam/), so the report has its `beam`
column. Standard library only.

When the BEAM does not run (--no-beam, no `erl`, or the build has no
compiled modules) the column is still there: every spec rule gets a skipped
`beam` test whose message says why, so the matrix shows "not run" with the
reason, never a silently missing column.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from typing import Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULES = os.path.join(ROOT, "conformance", "beam", "rules.tsv")
SPEC = os.path.join(ROOT, "spec", "SPEC.md")
BEAM_PERF = os.path.join(ROOT, "perf", "beam", "beam_perf.py")


def conformance_ebin(build_dir: str) -> str:
    return os.path.join(build_dir, "conformance", "beam", "ebin")


def perf_ebin(build_dir: str) -> str:
    return os.path.join(build_dir, "perf", "beam", "ebin")


def why_not(build_dir: str, disabled: bool) -> Optional[str]:
    """None when the BEAM steps can run, else the reason they cannot."""
    if disabled:
        return "not run: --no-beam was given"
    if not shutil.which("erl"):
        return "not run: Erlang/OTP is not installed (erl not found; Debian: erlang-base erlang-dev erlang-eunit)"
    for ebin, module in ((conformance_ebin(build_dir), "actorspec_beam_conformance"),
                         (perf_ebin(build_dir), "actorspec_beam_perf")):
        if not os.path.exists(os.path.join(ebin, module + ".beam")):
            return f"not run: {ebin} has no {module}.beam (was the build configured with ACTORSPEC_BEAM=OFF?)"
    return None


def otp_release() -> str:
    try:
        out = subprocess.run(["erl", "-noshell", "-eval",
                              'io:format("~s (erts ~s)", [erlang:system_info(otp_release), '
                              'erlang:system_info(version)]), halt().'],
                             capture_output=True, text=True, timeout=60).stdout.strip()
        return out or "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def describe(beam_perf_json: str) -> str:
    """The header fact: which Erlang/OTP ran the BEAM rows, on how many schedulers."""
    try:
        with open(beam_perf_json, encoding="utf-8") as f:
            ctx = json.load(f).get("context", {})
        return (f"Erlang/OTP {ctx['actorspec_beam_otp_release']} (erts {ctx['actorspec_beam_erts_version']}); "
                f"schedulers: {ctx['actorspec_beam_schedulers']}")
    except (OSError, ValueError, KeyError):
        return f"Erlang/OTP {otp_release()}; the BEAM perf rows are missing (see the run's output)"


def run_conformance(build_dir: str, out_json: str) -> Tuple[int, str]:
    """Runs the BEAM tests; (exit status, the runner's summary line)."""
    cmd = ["erl", "-noshell", "-pa", conformance_ebin(build_dir), "-run", "actorspec_beam_conformance", "main",
           out_json, RULES, SPEC]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    lines = (proc.stdout + proc.stderr).splitlines()
    summary = next((l for l in lines if l.startswith("beam:")), "")
    for l in lines:
        if l.startswith("[  FAILED  ]"):
            print("  " + l, flush=True)
    if not summary:
        print("\n".join("  " + l for l in lines[-20:]), flush=True)
    return proc.returncode, summary


def write_not_run(out_json: str, reason: str) -> None:
    """GoogleTest-shaped JSON: one skipped beam test per spec rule, saying why."""
    with open(SPEC, encoding="utf-8") as f:
        ids = re.findall(r"^### ([A-Z]+-[0-9]+[a-z]?) ", f.read(), flags=re.M)
    tests = [{"name": f"{rule.replace('-', '_')}_beam/beam", "value_param": '"beam"', "status": "RUN",
              "result": "SKIPPED", "time": "0s", "classname": "beam", "skipped": [{"message": reason}]}
             for rule in dict.fromkeys(ids)]
    doc = {"tests": len(tests), "failures": 0, "disabled": 0, "errors": 0, "name": "AllTests",
           "testsuites": [{"name": "beam", "tests": len(tests), "failures": 0, "disabled": 0, "errors": 0,
                           "testsuite": tests}]}
    with open(out_json, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)


def run_perf(build_dir: str, quick: bool, repetitions: Optional[int], filter_re: Optional[str],
             beam_json: str, perf_json: str) -> int:
    """Runs the BEAM families (two nodes: +S 1, then default schedulers) and
    merges them into perf_json (created if the C++ suite wrote none)."""
    if os.path.exists(beam_json):
        os.remove(beam_json)   # never report an earlier run's rows
    cmd = [sys.executable, BEAM_PERF, "run", "--ebin", perf_ebin(build_dir), "--out", beam_json]
    cmd += ["--quick"] if quick else []
    cmd += [f"--repetitions={repetitions}"] if repetitions else []
    cmd += [f"--filter={filter_re}"] if filter_re else []
    rc = subprocess.run(cmd).returncode
    if not os.path.exists(beam_json):
        return rc or 1
    if not os.path.exists(perf_json):
        shutil.copyfile(beam_json, perf_json)
        return rc
    merged = subprocess.run([sys.executable, BEAM_PERF, "merge", "--into", perf_json, beam_json]).returncode
    return rc or merged
