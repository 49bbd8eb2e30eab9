#!/usr/bin/env python3
"""The steps of scripts/run after the build: conformance per backend, perf,
report, summary. Standard library only."""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from datetime import datetime, timezone

import beam_step
from xml.sax.saxutils import escape, quoteattr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VERSIONED_PACKAGES = {
    "oneTBB": "libtbb-dev",
    "Boost": "libboost-fiber1.81-dev",
    "GoogleTest": "googletest",
    "GoogleBenchmark": "libbenchmark-dev",
}


def parse_args(argv):
    p = argparse.ArgumentParser(prog="scripts/run", description=__doc__)
    p.add_argument("--build-dir", default=os.path.join(ROOT, "build", "release"))
    p.add_argument("--quick", action="store_true", help="a few seconds per benchmark family (CI smoke)")
    p.add_argument("--backends", help="comma list (default: every registered backend)")
    p.add_argument("--filter", help="regex over benchmark names (family/args)")
    p.add_argument("--out", default=os.path.join(ROOT, "build", "report"), help="output directory")
    p.add_argument("--baseline", help="an earlier perf.json to compare against")
    p.add_argument("--fail-on-regression", action="store_true",
                   help="with --baseline: exit non-zero on a significant regression")
    p.add_argument("--repetitions", type=int, help="perf repetitions (default: 9, quick: 3)")
    p.add_argument("--no-beam", action="store_true",
                   help="do not run the spec's scenarios and the perf families on Erlang/OTP "
                        "(the report's beam column then says 'not run')")
    return p.parse_args(argv)


class Steps:
    """Numbered progress lines: [i/n] what."""

    def __init__(self, total):
        self.total, self.i = total, 0

    def next(self, what):
        self.i += 1
        print(f"\033[1m[{self.i}/{self.total}] {what}\033[0m", flush=True)


def registered_backends(conformance_bin):
    out = subprocess.run([conformance_bin, "--gtest_list_tests"], check=True, capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        if line.startswith("  "):
            names.add(line.split()[0].rsplit("/", 1)[-1])
    return sorted(names)


def run_conformance(binary, backend, out_json):
    """Runs one backend's instantiations, streaming a one-line progress."""
    cmd = [binary, f"--gtest_filter=*/{backend}", f"--gtest_output=json:{out_json}", "--gtest_brief=1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    failures = []
    for line in proc.stdout:
        if line.startswith("[  FAILED  ]") and "," in line:
            failures.append(line.strip())
        if sys.stdout.isatty():
            print(f"\r  {line.strip()[:100]:<100}", end="", flush=True)
    proc.wait()
    if sys.stdout.isatty():
        print("\r" + " " * 104 + "\r", end="")
    return proc.returncode, failures


def gtest_results(json_path):
    with open(json_path, encoding="utf-8") as f:
        data = json.load(f)
    cases = []
    for suite in data.get("testsuites", []):
        for t in suite.get("testsuite", []):
            cases.append((suite["name"], t))
    return data, cases


def write_junit(json_paths, xml_path):
    """One JUnit XML for CI systems, merged from GoogleTest's JSON files."""
    parts, tests, failures, skipped = [], 0, 0, 0
    for path in json_paths:
        data, cases = gtest_results(path)
        by_suite = {}
        for suite, t in cases:
            by_suite.setdefault(suite, []).append(t)
        for suite, ts in by_suite.items():
            body = []
            s_fail = s_skip = 0
            for t in ts:
                tests += 1
                attrs = f'name={quoteattr(t["name"])} classname={quoteattr(suite)} time={quoteattr(str(t.get("time", "0s")).rstrip("s"))}'
                inner = ""
                if t.get("failures"):
                    s_fail += 1
                    msg = "\n".join(f.get("failure", "") for f in t["failures"])
                    inner = f"<failure message={quoteattr(msg.splitlines()[0] if msg else 'failed')}>{escape(msg)}</failure>"
                elif t.get("result") == "SKIPPED" or t.get("status") == "NOTRUN":
                    s_skip += 1
                    inner = "<skipped/>"
                body.append(f"    <testcase {attrs}>{inner}</testcase>")
            failures += s_fail
            skipped += s_skip
            parts.append(f'  <testsuite name={quoteattr(suite)} tests="{len(ts)}" failures="{s_fail}" skipped="{s_skip}">\n'
                         + "\n".join(body) + "\n  </testsuite>")
    with open(xml_path, "w", encoding="utf-8") as f:
        f.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="{tests}" failures="{failures}" '
                f'skipped="{skipped}" name="actorspec conformance">\n' + "\n".join(parts) + "\n</testsuites>\n")


def merge_gtest_json(json_paths, out_path):
    merged = {"tests": 0, "failures": 0, "disabled": 0, "errors": 0, "name": "AllTests", "testsuites": []}
    for path in json_paths:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        for key in ("tests", "failures", "disabled", "errors"):
            merged[key] += data.get(key, 0)
        merged["testsuites"].extend(data.get("testsuites", []))
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(merged, f, indent=1)


def run_perf(binary, args, backends, out_json):
    """Runs the perf suite; progress is one line per finished benchmark (its
    median arrives once all its interleaved repetitions have run)."""
    reps = args.repetitions or (3 if args.quick else 9)
    # The binary selects backends itself; Google Benchmark's filter (POSIX
    # extended regex in Debian's build: no lookahead) is left to the user.
    base = [binary, f"--backends={','.join(backends)}"] + (["--quick"] if args.quick else [])
    if args.filter:
        base.append(f"--benchmark_filter={args.filter}")
    listed = subprocess.run(base + ["--benchmark_list_tests=true"],
                            check=True, capture_output=True, text=True).stdout.split()
    cmd = base + [f"--benchmark_repetitions={reps}",
                  "--benchmark_enable_random_interleaving=true", "--benchmark_display_aggregates_only=true",
                  f"--benchmark_out={out_json}", "--benchmark_out_format=json", "--benchmark_color=false"]
    print(f"  {len(listed)} benchmarks x {reps} repetitions, backends interleaved", flush=True)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    done = 0
    for line in proc.stdout:
        name = line.split(" ", 1)[0]
        if name.endswith("_median"):
            done += 1
            fields = line.split()
            print(f"  [{done}/{len(listed)}] {name[:-len('_median')]:<48} median {' '.join(fields[1:3])}", flush=True)
        elif "WARNING" in line or "ERROR" in line or "error" in line:
            print("  " + line.rstrip(), flush=True)
    proc.wait()
    return proc.returncode


def dpkg_version(pkg):
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True).stdout
        return out.strip() or "unknown"
    except OSError:
        return "unknown"


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def compiler(build_dir):
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt"), encoding="utf-8") as f:
            path = next((l.split("=", 1)[1].strip() for l in f if l.startswith("CMAKE_CXX_COMPILER:")), "c++")
        return subprocess.run([path, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError, StopIteration):
        return "unknown"


def main(argv):
    args = parse_args(argv)
    started = time.monotonic()
    conformance_bin = os.path.join(args.build_dir, "conformance", "actorspec_conformance_tests")
    perf_bin = os.path.join(args.build_dir, "perf", "actorspec_perf")
    os.makedirs(args.out, exist_ok=True)

    known = registered_backends(conformance_bin)
    backends = args.backends.split(",") if args.backends else known
    unknown = [b for b in backends if b not in known]
    if unknown:
        print(f"scripts/run: unknown backend(s) {', '.join(unknown)}; registered: {', '.join(known)}", file=sys.stderr)
        return 2

    beam_why = beam_step.why_not(args.build_dir, args.no_beam)
    steps = Steps(len(backends) + 3)
    json_paths, conformance_failed = [], False
    for b in backends:
        steps.next(f"conformance: {b}")
        path = os.path.join(args.out, f"conformance-{b}.json")
        rc, failures = run_conformance(conformance_bin, b, path)
        if not os.path.exists(path):
            print(f"  the conformance binary crashed (exit {rc}) before writing results", flush=True)
            conformance_failed = True
            continue
        data, _ = gtest_results(path)
        print(f"  {data['tests'] - data['failures']}/{data['tests']} passed", flush=True)
        for f in failures:
            print(f"  {f}", flush=True)
        conformance_failed |= rc != 0
        json_paths.append(path)
    # The reference column: the same scenarios on Erlang/OTP, or a column of
    # "not run" that says why.
    steps.next("conformance: beam (Erlang/OTP, the reference)")
    beam_json = os.path.join(args.out, "conformance-beam.json")
    if os.path.exists(beam_json):
        os.remove(beam_json)
    if beam_why is None:
        rc, line = beam_step.run_conformance(args.build_dir, beam_json)
        print(f"  {line or f'the BEAM runner exited with {rc} and no summary'}", flush=True)
        if not os.path.exists(beam_json):
            beam_why = f"not run: the BEAM conformance runner exited with {rc} before writing results"
            conformance_failed = True
        else:
            conformance_failed |= rc != 0
    if beam_why is not None:
        print(f"  {beam_why}", flush=True)
        beam_step.write_not_run(beam_json, beam_why)
    json_paths.append(beam_json)
    merge_gtest_json(json_paths, os.path.join(args.out, "conformance.json"))
    write_junit(json_paths, os.path.join(args.out, "conformance.xml"))

    steps.next("perf" + (" (quick)" if args.quick else ""))
    perf_json = os.path.join(args.out, "perf.json")
    perf_rc = run_perf(perf_bin, args, backends, perf_json)
    if perf_rc != 0:
        print(f"  the perf suite exited with {perf_rc}; its results are reported as they are", flush=True)
    if beam_why is None:
        print("  beam: the same families on Erlang/OTP (+S 1 for ping_pong/same_worker, default schedulers otherwise)",
              flush=True)
        beam_rc = beam_step.run_perf(args.build_dir, args.quick, args.repetitions, args.filter,
                                     os.path.join(args.out, "perf-beam.json"), perf_json)
        if beam_rc != 0:
            print(f"  the BEAM perf run exited with {beam_rc}; its results are reported as they are", flush=True)

    steps.next("report")
    meta = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "git_commit": git_commit(),
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "compiler": compiler(args.build_dir),
        "versions": {name: dpkg_version(pkg) for name, pkg in VERSIONED_PACKAGES.items()},
        "mode": "quick" if args.quick else "full",
        "backends": ",".join(backends),
        "wall_time_s": round(time.monotonic() - started, 1),
        "beam": beam_why or beam_step.describe(os.path.join(args.out, "perf-beam.json")),
    }
    meta_path = os.path.join(args.out, "meta.json")
    with open(meta_path, "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1)
    report = [sys.executable, os.path.join(ROOT, "reports", "make_report.py"), "--out",
              os.path.join(args.out, "index.html"), "--spec", os.path.join(ROOT, "spec", "SPEC.md"),
              "--meta", meta_path]
    report += [a for p in json_paths for a in ("--conformance", p)]
    if os.path.exists(perf_json):
        report += ["--perf", perf_json]
    if args.baseline:
        report += ["--baseline", args.baseline]
        if args.fail_on_regression:
            report += ["--fail-on-regression"]
    report_rc = subprocess.run(report).returncode

    print(f"wall time: {time.monotonic() - started:.0f} s")
    if conformance_failed:
        print("FAILED: conformance tests failed (see above and the report)")
        return 1
    if report_rc != 0:
        return report_rc
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
