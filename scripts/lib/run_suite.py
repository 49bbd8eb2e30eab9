#!/usr/bin/python3
"""scripts/run after the build: conformance per backend, perf per family and
backend, report, summary, exit status. See `scripts/run --help`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "reports"))

from actorspec_run import args as run_args  # noqa: E402
from actorspec_run import conformance, exitcodes, facts, junit, outputs, perf, proc, suites  # noqa: E402
from actorspec_report import browser, comparable, gbench  # noqa: E402
import beam_step  # noqa: E402  the reference column: the same suites on Erlang/OTP
import outside_backends  # noqa: E402

# Backends that, when they ran, are the reference the others are measured
# against ("vs BEAM"); flagged in meta.json as reference_backend.
REFERENCE_BACKENDS = (beam_step.BACKEND,)

GTEST_ISOLATED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gtest_isolated.py")

# make_report.py's exit statuses (reports/actorspec_report/cli.py).
REPORT_REGRESSION = 3
REPORT_BASELINE_REFUSED = 4


class Steps:
    """Numbered progress lines: [i/n] what."""

    def __init__(self, total):
        self.total, self.i = total, 0

    def next(self, what):
        self.i += 1
        on, off = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("", "")
        print(f"{on}[{self.i}/{self.total}] {what}{off}", flush=True)


def usage_error(message: str) -> int:
    print(f"scripts/run: error: {message}", file=sys.stderr)
    return exitcodes.BAD_USAGE


def check_baseline(path: str, quick: bool, backends, build_type: str) -> list:
    """Refuses, before anything runs, a baseline that cannot be read or that
    was measured differently from what this run will measure."""
    try:
        base = gbench.load(path)
    except gbench.PerfInputError as e:
        raise run_args.UsageError(f"--baseline: {e}") from None
    here = {"actorspec_mode": "quick" if quick else "full", "actorspec_cpu_model": facts.cpu_model(),
            "actorspec_cores": str(os.cpu_count()), "actorspec_backends": ",".join(backends)}
    if build_type != "unknown":
        here["actorspec_build_type"] = build_type
    problems = comparable.run_mismatches(base.context, here)
    if "actorspec_backends" not in base.context:
        theirs = sorted({b.name.backend for b in base.benchmarks})
        if sorted(backends) != theirs:
            problems.append(f"backends: baseline {','.join(theirs)}, this run {','.join(sorted(backends))}")
    return problems


def conformance_sources(args, backends, scale, outside=None):
    """Where each backend's conformance results come from: one source per
    backend. Another kind of backend (an external binary, an Erlang node)
    adds its own ConformanceSource here: any command that writes GoogleTest
    JSON to its `results` path gets the same timeout, crash detection,
    JUnit and report treatment.

    An outside backend (`outside`: backend -> its --conformance-bin) runs
    through gtest_isolated.py, one process per test: a test that hangs or
    crashes the runtime under test is that test's failed verdict."""
    timeout = (args.conformance_timeout or conformance.DEFAULT_TIMEOUT_S) * scale
    sources = []
    for b in backends:
        if outside and b in outside:
            results = os.path.join(args.out, f"conformance-{b}.json")
            sources.append(conformance.ConformanceSource(
                b, [sys.executable, GTEST_ISOLATED, outside[b], "--out", results, "--filter", f"*/{b}"],
                results, timeout))
        else:
            sources.append(conformance.gtest_source(args.conformance_bin, b, args.out, timeout))
    if beam_step.why_not(args.build_dir, args.no_beam) is None:
        sources.append(beam_step.conformance_source(args.build_dir, args.out, timeout))
    return sources


def perf_sources(args, names, repetitions, scale, binary=None):
    """Where the perf results come from: one source per (family, backend)
    of the perf binary (`binary`: an outside one; default the built-in
    one); an extra backend adds PerfSources writing Google Benchmark JSON
    (see conformance_sources, beam_perf_sources)."""
    return perf.plan(binary or args.perf_bin, names, args.quick, repetitions, args.out,
                     (args.perf_timeout or perf.DEFAULT_TIMEOUT_S) * scale)


def beam_perf_sources(args, repetitions, scale):
    """The perf families on Erlang/OTP (none when the BEAM does not run)."""
    if beam_step.why_not(args.build_dir, args.no_beam) is not None:
        return []
    timeout = (args.perf_timeout or perf.DEFAULT_TIMEOUT_S) * scale
    return beam_step.perf_sources(args.build_dir, args.out, args.quick, repetitions, args.filter, timeout)


def run_mutants(args):
    """The suite on every mutant runtime, fail-fast: (exit status, kill table path)."""
    table = os.path.join(args.out, "mutants.json")
    binary = os.path.join(args.build_dir, "conformance", "mutants", "actorspec_mutant_tests")
    if not os.access(binary, os.X_OK):
        print(f"FAILED: --mutants: no mutant binary at {binary}", flush=True)
        return 2, table
    print("mutants: the conformance suite on every mutant runtime", flush=True)
    cmd = [sys.executable, os.path.join(ROOT, "conformance", "mutants", "run_mutants.py"),
           "--binary", binary, "--json", table, "--fail-fast", "-j", "2"]
    return subprocess.run(cmd).returncode, table


def main(argv) -> int:
    started = time.monotonic()
    try:
        args = run_args.parse(argv, ROOT)
        outputs.prepare(args.out)
    except (run_args.UsageError, outputs.OutputError) as e:
        return usage_error(str(e))

    scale = proc.timeout_scale()
    try:
        known = conformance.registered_backends(args.conformance_bin)
    except Exception as e:  # noqa: BLE001 - any failure to list is a broken binary
        print(f"scripts/run: the conformance binary cannot list its tests: {e}", file=sys.stderr)
        return exitcodes.SUITE_BROKEN
    try:
        # "beam" is the reference column's name even when --no-beam leaves it out.
        reserved = set(known) | {beam_step.BACKEND}
        outside_conf, outside_perf = outside_backends.discover(args.outside_conformance_bins,
                                                               args.outside_perf_bins, reserved)
    except outside_backends.OutsideError as e:
        return usage_error(str(e))
    outside = sorted(set(outside_conf) | set(outside_perf))
    backends = args.backends or known + outside
    unknown = [b for b in backends if b not in known and b not in outside]
    if unknown:
        return usage_error(f"unknown backend(s) {', '.join(unknown)}; built in: {', '.join(known)}; outside: "
                           f"{', '.join(outside) or 'none (see --conformance-bin and --perf-bin)'}")
    builtin = [b for b in backends if b in known]

    build_type = facts.build_type(args.build_dir)
    if args.baseline:
        try:
            mismatches = check_baseline(args.baseline, args.quick, backends, build_type)
        except run_args.UsageError as e:
            return usage_error(str(e))
        if mismatches and not args.force_compare:
            return usage_error("the baseline is not comparable with this run:\n  " + "\n  ".join(mismatches)
                               + "\n(run with the baseline's settings, or pass --force-compare to compare anyway)")
        for m in mismatches:
            print(f"WARNING: --force-compare: {m}", flush=True)

    repetitions = args.repetitions or (3 if args.quick else 9)
    names, planned_perf = [], []
    perf_binaries = [(args.perf_bin, builtin)]
    for binary in sorted(set(outside_perf.values())):
        perf_binaries.append((binary, [b for b in backends if outside_perf.get(b) == binary]))
    for binary, bs in perf_binaries:
        if not bs:
            continue
        try:
            listed = perf.list_benchmarks(binary, bs, args.quick, args.filter)
        except perf.FilterError as e:
            return usage_error(str(e) if binary == args.perf_bin else f"--perf-bin {binary}: {e}")
        names += listed
        planned_perf += perf_sources(args, listed, repetitions, scale, binary)

    planned_perf += beam_perf_sources(args, repetitions, scale)

    def outside_result(o):
        """An outside backend's benchmark that reported an error: its runtime
        ran and said it cannot run that program, a result like its failed
        tests (a crash, a hang or no results is still a broken suite)."""
        return o.kind == "perf" and o.status == suites.FAILED and o.backend in outside_perf

    planned_conformance = conformance_sources(args, [b for b in backends if b in known or b in outside_conf],
                                              scale, outside_conf)
    beam_why = beam_step.why_not(args.build_dir, args.no_beam)
    steps = Steps(len(planned_conformance) + 2 + (1 if beam_why else 0))
    outcomes = []
    for source in planned_conformance:
        b = source.backend
        steps.next(f"conformance: {b}" + (f" (outside: {outside_conf[b]}, one process per test)"
                                          if b in outside_conf else ""))
        o = conformance.run(source)
        if o.broken:
            print(f"  FAILED: the {b} conformance suite {o.status}: {o.detail}", flush=True)
        else:
            print(f"  {o.detail}" + (" (an outside backend: its failures are results, not a failed run)"
                                     if b in outside_conf and o.status == suites.FAILED else ""), flush=True)
        outcomes.append(o)
    if beam_why:
        # The reference column is never silently missing: it says why.
        steps.next(f"conformance: {beam_step.BACKEND}")
        print(f"  {beam_why}", flush=True)
        outcomes.append(beam_step.not_run_outcome(args.out, beam_why))
    conf = [o for o in outcomes if o.kind == "conformance"]
    junit.merge_gtest_json(conf, os.path.join(args.out, "conformance.json"))
    junit.write(conf, os.path.join(args.out, "conformance.xml"))

    steps.next("perf" + (" (quick)" if args.quick else ""))
    print(f"  {len(names)} benchmarks x {repetitions} repetitions, one process per family and backend "
          f"({len(planned_perf)} processes)", flush=True)
    if not beam_why:
        print("  and the same families on Erlang/OTP: +S 1 for the one-worker row, the default schedulers otherwise",
              flush=True)
    done = [0]

    def on_median(name, value):
        if name.endswith("/" + beam_step.BACKEND):
            print(f"  [beam] {name:<48} median {value}", flush=True)
            return
        done[0] += 1
        print(f"  [{done[0]}/{len(names)}] {name:<48} median {value}", flush=True)

    for s in planned_perf:
        o = perf.run(s, on_median)
        if o.status != suites.OK:
            print(f"  FAILED: perf {s.family} on {s.backend} {o.status}: {o.detail}"
                  + (" (an outside backend: its benchmark errors are results, not a broken suite)"
                     if outside_result(o) else ""), flush=True)
        outcomes.append(o)
    perf_outcomes = [o for o in outcomes if o.kind == "perf" and o.backend != beam_step.BACKEND]
    perf_json = os.path.join(args.out, "perf.json")
    have_perf = perf.merge(perf_outcomes, perf_json)
    if have_perf:
        with open(perf_json, encoding="utf-8") as f:
            doc = json.load(f)
        # The backends asked for, not only those whose processes finished:
        # a crash is reported as a crash, not as a different experiment.
        doc["context"].update({"actorspec_cpu_model": facts.cpu_model(), "actorspec_cores": str(os.cpu_count()),
                               "actorspec_backends": ",".join(backends),
                               "actorspec_repetitions": str(repetitions)})
        with open(perf_json, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)
    beam_perf = [o for o in outcomes if o.kind == "perf" and o.backend == beam_step.BACKEND and o.results]
    have_perf = beam_step.fold_perf(perf_json, beam_perf) or have_perf

    steps.next("report")
    meta = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "git_commit": facts.git_commit(ROOT),
        "cpu_model": facts.cpu_model(),
        "cores": os.cpu_count(),
        "compiler": facts.compiler(args.build_dir),
        "build_type": build_type,
        "versions": {name: facts.dpkg_version(pkg) for name, pkg in facts.VERSIONED_PACKAGES.items()},
        "mode": "quick" if args.quick else "full",
        "backends": ",".join(backends),
        "repetitions": repetitions,
        "wall_time_s": round(time.monotonic() - started, 1),
        "suites": [o.to_json() for o in outcomes],
        "beam": beam_why or beam_step.describe(perf_json),
    }
    # A BEAM that did not run (its "not run" outcome) is no reference.
    ran = {o.backend for o in outcomes if not (o.backend == beam_step.BACKEND and beam_why)}
    reference = next((b for b in REFERENCE_BACKENDS if b in ran), None)
    if reference:
        meta["reference_backend"] = reference
    meta_path = os.path.join(args.out, "meta.json")
    with open(meta_path, "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1)
    index_html = os.path.join(args.out, "index.html")
    report = [sys.executable, os.path.join(ROOT, "reports", "make_report.py"), "--out", index_html,
              "--comparison", os.path.join(args.out, "comparison.json"), "--spec", os.path.join(ROOT, "spec", "SPEC.md"),
              "--targets", os.path.join(ROOT, "perf", "targets.tsv"), "--meta", meta_path, "--min-change", str(args.min_change)]
    report += [a for o in conf if o.results for a in ("--conformance", o.results)]
    if have_perf:
        report += ["--perf", perf_json]
    if args.baseline:
        report += ["--baseline", args.baseline] + (["--force-compare"] if args.force_compare else [])
        if args.fail_on_regression:
            report += ["--fail-on-regression"]
    mutants_rc = None
    if args.mutants:
        mutants_rc, mutants_json = run_mutants(args)
        if os.path.isfile(mutants_json):
            report += ["--mutants", mutants_json]
    report_rc = subprocess.run(report).returncode
    if os.path.isfile(index_html) and not args.no_screenshot:
        png = os.path.join(args.out, "first-screen.png")
        why_not = browser.screenshot(index_html, png, timeout=120 * scale)
        print(f"first screen: {png}" if why_not is None else f"first screen: no screenshot ({why_not})", flush=True)

    codes = []
    broken = [o for o in outcomes
              if o.broken or (o.kind == "perf" and o.status == suites.FAILED and not outside_result(o))]
    if broken:
        print(f"FAILED: {len(broken)} suite(s) crashed, timed out, wrote no results or reported errors:")
        for o in broken:
            print(f"  {o.name}: {o.status}: {o.detail}")
        codes.append(exitcodes.SUITE_BROKEN)
    if any(o.status == suites.FAILED and o.backend not in outside_conf for o in conf):
        print("FAILED: conformance tests failed (see above and the report)")
        codes.append(exitcodes.CONFORMANCE_FAILED)
    if mutants_rc == 1:
        print("FAILED: a mutant runtime survived the conformance suite (see the report's Mutants section)")
        codes.append(exitcodes.CONFORMANCE_FAILED)
    elif mutants_rc not in (None, 0):
        print(f"FAILED: the mutant run gave no verdict (exit {mutants_rc}: its controls failed or it crashed)")
        codes.append(exitcodes.SUITE_BROKEN)
    if report_rc == REPORT_REGRESSION:
        codes.append(exitcodes.REGRESSION)
    elif report_rc == REPORT_BASELINE_REFUSED:
        codes.append(exitcodes.BAD_USAGE)
    elif report_rc != 0:
        print(f"FAILED: the report generator exited with {report_rc}")
        codes.append(exitcodes.REPORT_FAILED)
    print(f"wall time: {time.monotonic() - started:.0f} s")
    rc = exitcodes.worst(codes)
    print(f"exit status {rc}" + ("" if rc == 0 else " (scripts/run --help lists what each status means)"))
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
