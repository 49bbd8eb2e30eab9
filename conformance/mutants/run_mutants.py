#!/usr/bin/env python3
"""Runs the conformance suite on every mutant runtime and writes the kill table.

Each mutant (conformance/mutants/mutants.cpp) is a runtime wrong in one
realistic way; the suite must fail on each. For every mutant this runs
actorspec_mutant_tests with ACTORSPEC_BACKENDS=mutant:<name> (only that
instantiation) and records:
  killed    some test failed, the binary crashed, or it hung past the
            timeout (a hang is a visible failure, never a pass)
  SURVIVED  every test passed: the suite misses this fault
with the tests that caught it. The controls (the binary's own fiber and
thread backends on the same mutant-built core, no fault on) run first and
must pass; if they do not, no verdict is trustworthy and the exit status
says so (2).

  run_mutants.py --binary B [--json out.json] [--fail-fast] [--only NAME...] [-j N]
  run_mutants.py --list-names --source mutants.cpp
Exit: 0 every mutant killed, 1 some SURVIVED, 2 controls failed.
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts" / "lib"))
from actorspec_run.proc import run_captured  # noqa: E402  (kills a timed-out run's death-test children too)
MUTANT_ENTRY = re.compile(r'^\s*\{"([a-z0-9_]+)", Fault::', re.M)
# "[  FAILED  ] Conformance/Suite.Test/param, where GetParam() = ... (3 ms)"
FAILED_LINE = re.compile(r"^\[  FAILED  \] (\S+/[^\s,]+)(?:, where .*)? \(\d+ ms\)$", re.M)
RUN_LINE = re.compile(r"^\[ RUN      \] (\S+)", re.M)


def mutant_names(source):
    return MUTANT_ENTRY.findall(Path(source).read_text())


def short(test):
    """Conformance/Suite.RULE_N_name/param -> Suite.RULE_N_name"""
    test = test.split("/", 1)[1] if test.startswith("Conformance/") else test
    return test.rsplit("/", 1)[0]


def run_suite(binary, backends, fail_fast, timeout):
    env = dict(os.environ, ACTORSPEC_BACKENDS=backends)
    cmd = [binary, "--gtest_color=no"] + (["--gtest_fail_fast"] if fail_fast else [])
    start = time.monotonic()
    out, end = run_captured(cmd, timeout, env=env)
    rc, hung = end.returncode, end.timed_out
    failed = sorted({short(t) for t in FAILED_LINE.findall(out)})
    running = RUN_LINE.findall(out)
    last = short(running[-1]) if running else None
    ran = len(running)
    return {"rc": rc, "hung": hung, "failed": failed, "last": last, "ran": ran,
            "seconds": round(time.monotonic() - start, 1), "failure_output": failure_output(out)}


def failure_output(out, limit=4000):
    """What each failed (or last, unfinished) test printed, from its
    [ RUN ] line to its [ FAILED ] line: the reason, which the end of a
    long run's output usually is not."""
    blocks = re.split(r"(?m)^(?=\[ RUN      \] )", out)
    bad = [b for b in blocks if b.startswith("[ RUN") and "[       OK ]" not in b and "[  SKIPPED ]" not in b]
    text = "".join(bad) or out[-2000:]
    return text if len(text) <= limit else text[:limit] + f"\n... ({len(text) - limit} more characters)\n"


def verdict(name, r):
    entry = {"mutant": name, "tests_run": r["ran"], "seconds": r["seconds"]}
    if r["hung"]:
        entry.update(verdict="killed", how=f"hung (timed out) in {r['last']}",
                     tests=r["failed"] + ([r["last"]] if r["last"] and r["last"] not in r["failed"] else []))
    elif r["failed"]:
        entry.update(verdict="killed", how="tests failed", tests=r["failed"])
    elif r["rc"] != 0:
        entry.update(verdict="killed", how=f"crashed (exit {r['rc']}) in {r['last']}",
                     tests=[r["last"]] if r["last"] else [])
    else:
        entry.update(verdict="SURVIVED", how="every test passed", tests=[])
    return entry


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--source", default=str(HERE / "mutants.cpp"))
    ap.add_argument("--list-names", action="store_true")
    ap.add_argument("--json", help="write the kill table here")
    ap.add_argument("--fail-fast", action="store_true", help="stop each run at its first failing test")
    ap.add_argument("--only", nargs="*", help="these mutants only")
    ap.add_argument("--control-only", action="store_true")
    ap.add_argument("--no-control", action="store_true")
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=180, help="seconds per mutant before it counts as hung")
    args = ap.parse_args()

    names = mutant_names(args.source)
    if args.list_names:
        print(";".join(names))
        return 0
    if not args.binary:
        ap.error("--binary is required")
    if args.only:
        unknown = set(args.only) - set(names)
        if unknown:
            ap.error(f"unknown mutants: {sorted(unknown)}")
        names = [n for n in names if n in args.only]

    control = None
    if not args.no_control:
        c = run_suite(args.binary, "fiber,thread", False, args.timeout * 2)
        passed = c["rc"] == 0 and not c["failed"] and not c["hung"]
        control = {"passed": passed, "tests_run": c["ran"], "failed": c["failed"], "seconds": c["seconds"]}
        if not passed:
            control["output"] = c["failure_output"]
        print(f"control (fiber, thread on the mutant-built core): "
              f"{'passed' if control['passed'] else 'FAILED'}, {c['ran']} tests, {c['seconds']} s")
        if not control["passed"]:
            print(c["failure_output"])
            print("the controls fail, so no mutant verdict can be trusted: every verdict is unknown")
            if args.json:
                Path(args.json).write_text(json.dumps({"control": control, "mutants": []}, indent=2))
            return 2
    if args.control_only:
        return 0

    def one(name):
        return verdict(name, run_suite(args.binary, f"mutant:{name}", args.fail_fast, args.timeout))

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(one, names))

    width = max(len(n) for n in names) if names else 10
    print(f"{'mutant':<{width}}  verdict   caught by")
    for r in results:
        caught = ", ".join(r["tests"][:4]) + (f" (+{len(r['tests']) - 4} more)" if len(r["tests"]) > 4 else "")
        extra = "" if r["how"] == "tests failed" else f" [{r['how']}]"
        print(f"{r['mutant']:<{width}}  {r['verdict']:<8}  {caught}{extra}")
    killed = sum(r["verdict"] == "killed" for r in results)
    print(f"{killed} of {len(results)} mutants killed" + ("" if killed == len(results) else
          f"; SURVIVED: {', '.join(r['mutant'] for r in results if r['verdict'] != 'killed')}"))
    if args.json:
        doc = {
            "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "mode": "fail-fast (first catching test only)" if args.fail_fast else "full suite",
            "control": control,
            "mutants": results,
        }
        Path(args.json).write_text(json.dumps(doc, indent=2) + "\n")
        print(f"kill table: {args.json}")
    return 0 if killed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
