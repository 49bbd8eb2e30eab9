#!/usr/bin/env python3
"""Runs every test of a GoogleTest binary in a process of its own, with a
deadline, and writes one GoogleTest-format JSON with a verdict for each.

For runtimes that are not actorspec's own (e.g. adapters/caf): where their
semantics differ from the spec, a test may wait for a signal that never
comes, or crash. In one process that would end the run and lose every later
verdict; here it is the verdict of that test alone: a failure whose message
says "hung" or "crashed", so the report and JUnit show it like any failure.
A hung test is killed after the deadline (default 20 s times
$ACTORSPEC_TIMEOUT_SCALE, twice the suite's patience for an expected
message: only a test that waits forever takes that long).

As a program:
  gtest_isolated.py BINARY --out results.json [--filter F] [--jobs N] [--timeout S]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time

from actorspec_run.proc import run_captured


class RunnerError(Exception):
    """The binary could not be listed or run at all (not a test verdict)."""


def default_timeout() -> float:
    try:
        scale = float(os.environ.get("ACTORSPEC_TIMEOUT_SCALE", "1"))
    except ValueError:
        scale = 1.0
    return 20.0 * (scale if scale > 0 else 1.0)


def list_tests(binary: str, gtest_filter: str | None = None, env=None) -> list[str]:
    """Full names (Suite.Test) of the tests the binary holds."""
    cmd = [binary, "--gtest_list_tests"] + ([f"--gtest_filter={gtest_filter}"] if gtest_filter else [])
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise RunnerError(f"cannot list the tests of {binary}: {e}") from e
    if proc.returncode != 0:
        raise RunnerError(f"{binary} --gtest_list_tests exited with {proc.returncode}: {proc.stderr.strip()[-300:]}")
    names, suite = [], None
    for line in proc.stdout.splitlines():
        if not line.strip() or line.startswith("Running main()"):
            continue
        if not line.startswith(" "):
            suite = line.split("#")[0].strip()
        elif suite:
            names.append(suite + line.split("#")[0].strip())
    return names


def _synthetic(name: str, seconds: float, message: str, outcome: str) -> dict:
    return {"name": name.split(".", 1)[1], "status": "RUN", "result": "COMPLETED", "time": f"{seconds:.3f}s",
            "classname": name.split(".", 1)[0], "actorspec_outcome": outcome,
            "failures": [{"failure": message, "type": ""}]}


def run_one(binary: str, name: str, timeout: float, env=None) -> dict:
    """The GoogleTest JSON entry for one test, run alone."""
    with tempfile.TemporaryDirectory(prefix="gtest_isolated_") as tmp:
        out = os.path.join(tmp, "result.json")
        started = time.monotonic()
        output, end = run_captured([binary, f"--gtest_filter={name}", f"--gtest_output=json:{out}"],
                                   timeout, env=env)
        if end.timed_out:
            return _synthetic(name, time.monotonic() - started,
                              f"hung: no verdict within {timeout:.0f} s, the test process was killed", "hung")
        elapsed = time.monotonic() - started
        tail = "\n".join(output.splitlines()[-20:])
        if end.returncode < 0 or not os.path.exists(out):
            how = f"signal {-end.returncode}" if end.returncode < 0 else f"exit status {end.returncode}"
            return _synthetic(name, elapsed, f"crashed ({how}) before a verdict; last output:\n{tail}", "crashed")
        with open(out, encoding="utf-8") as f:
            data = json.load(f)
        for suite in data.get("testsuites", []):
            for t in suite.get("testsuite", []):
                if f"{suite['name']}.{t['name']}" == name:
                    return t
        return _synthetic(name, elapsed, f"the binary ran but reported no result for this test:\n{tail}",
                          "crashed")


def run_isolated(binary: str, out_json: str, gtest_filter: str | None = None, jobs: int | None = None,
                 timeout: float | None = None, env=None, progress=None) -> dict:
    """Runs each test alone (jobs at a time) and writes the merged JSON.
    Returns {"tests": n, "failures": n, "hung": [...], "crashed": [...]}."""
    names = list_tests(binary, gtest_filter, env)
    if not names:
        raise RunnerError(f"{binary} holds no test matching {gtest_filter or '*'}")
    timeout = timeout or default_timeout()
    jobs = jobs or os.cpu_count() or 2
    results: dict[str, dict] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_one, binary, n, timeout, env): n for n in names}
        for i, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            results[futures[fut]] = fut.result()
            if progress:
                progress(i, len(names), futures[fut], results[futures[fut]])

    suites: dict[str, list] = {}
    for n in names:  # the binary's order
        suites.setdefault(n.split(".", 1)[0], []).append(results[n])
    failed = [n for n in names if results[n].get("failures")]
    merged = {"tests": len(names), "failures": len(failed), "disabled": 0, "errors": 0, "name": "AllTests",
              "testsuites": [{"name": s, "tests": len(ts), "failures": sum(1 for t in ts if t.get("failures")),
                              "testsuite": ts} for s, ts in suites.items()]}
    with open(out_json, "w", encoding="utf-8") as f:
        json.dump(merged, f, indent=1)
    return {"tests": len(names), "failures": len(failed),
            "hung": [n for n in names if results[n].get("actorspec_outcome") == "hung"],
            "crashed": [n for n in names if results[n].get("actorspec_outcome") == "crashed"]}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--out", required=True, help="GoogleTest-format JSON to write")
    ap.add_argument("--filter", help="GoogleTest filter (default: every test)")
    ap.add_argument("--jobs", type=int, help="tests run at once (default: the number of CPUs)")
    ap.add_argument("--timeout", type=float, help="seconds before a test counts as hung")
    args = ap.parse_args(argv)
    def progress(i, n, name, result):
        verdict = result.get("actorspec_outcome") or ("failed" if result.get("failures") else "passed")
        print(f"[{i}/{n}] {name}: {verdict}", flush=True)

    try:
        s = run_isolated(args.binary, args.out, args.filter, args.jobs, args.timeout, progress=progress)
    except RunnerError as e:
        print(f"gtest_isolated: {e}", file=sys.stderr)
        return 2
    print(f"{s['tests']} tests, {s['tests'] - s['failures']} passed, {s['failures']} failed "
          f"({len(s['hung'])} hung, {len(s['crashed'])} crashed)")
    return 0 if s["failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
