"""Command line: inputs in, one HTML file (and a text summary) out.

Exit status: 0 report written; 1 report written but an input was missing or
unreadable and --strict was given; 3 report written and --fail-on-regression
found a regression; 4 report written but --baseline could not be read or is
not comparable with the run (without --force-compare), so no regression
verdict exists; 2 nothing written (bad usage, no Chart.js, cannot write the
output).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from typing import List, Optional

from . import compare, comparison, model, mutants, render, summary

DEFAULT_CHARTJS = "/usr/share/javascript/chart.js/chart.min.js"
CHARTJS_PACKAGE = "libjs-chart.js"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="make_report.py",
        description="Build actorspec's self-contained HTML report from Google Benchmark "
                    "and GoogleTest JSON output and spec/SPEC.md.")
    p.add_argument("--perf", action="append", default=[], metavar="JSON",
                   help="Google Benchmark JSON (--benchmark_out); repeat to merge several files")
    p.add_argument("--conformance", action="append", default=[], metavar="JSON",
                   help="GoogleTest JSON (--gtest_output=json:FILE); repeat, e.g. one per backend")
    p.add_argument("--spec", metavar="MD", help="spec/SPEC.md, for the rule list and rule text")
    p.add_argument("--baseline", action="append", default=[], metavar="JSON",
                   help="an earlier Google Benchmark JSON to compare against (repeatable)")
    p.add_argument("--meta", metavar="JSON", help="meta.json from the run script (header facts)")
    p.add_argument("--mutants", metavar="JSON", help="kill table from conformance/mutants/run_mutants.py")
    p.add_argument("--targets", metavar="TSV", help="the perf suite's targets (perf/targets.tsv), judged on this run")
    p.add_argument("--out", metavar="HTML", help="where to write the report (e.g. DIR/index.html)")
    p.add_argument("--comparison", metavar="JSON",
                   help="also write the verdicts per benchmark as JSON (medians, intervals, ratios, verdicts)")
    p.add_argument("--chartjs", default=DEFAULT_CHARTJS, metavar="PATH",
                   help=f"Chart.js 3 UMD build to inline (default: {DEFAULT_CHARTJS}, "
                        f"from Debian's {CHARTJS_PACKAGE})")
    p.add_argument("--summary", dest="summary", action="store_true", default=True,
                   help="print the text summary to stdout (default)")
    p.add_argument("--no-summary", dest="summary", action="store_false",
                   help="do not print the text summary")
    p.add_argument("--fail-on-regression", action="store_true",
                   help="exit 3 when a benchmark regressed against --baseline")
    p.add_argument("--min-change", type=float, default=compare.DEFAULT_MIN_CHANGE, metavar="FRACTION",
                   help="smallest change of a median that is a regression or improvement (default 0.05)")
    p.add_argument("--force-compare", action="store_true",
                   help="compare with a baseline from a different mode/machine/build/sizes, marking every row")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when an input was missing or unreadable (the report is still written)")
    return p


def _read_chartjs(path: str) -> str:
    if not os.path.isfile(path):
        raise SystemExit(
            f"make_report: Chart.js not found at {path}.\n"
            f"  Install it with: apt-get install {CHARTJS_PACKAGE}\n"
            f"  (or pass --chartjs PATH to a Chart.js 3 UMD build such as chart.min.js)")
    with open(path, encoding="utf-8") as f:
        return f.read()


def _write_atomically(path: str, text: str) -> None:
    # A half-written report must never replace a good one in an artifact dir.
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if not (args.perf or args.conformance or args.spec):
        _parser().error("give at least one of --perf, --conformance, --spec")
    if not args.out and not args.summary and not args.comparison:
        _parser().error("nothing to do: give --out, or drop --no-summary")

    chartjs = None
    if args.out:
        try:
            chartjs = _read_chartjs(args.chartjs)
        except SystemExit as e:
            print(e, file=sys.stderr)
            return 2

    if not 0 <= args.min_change < 10:
        _parser().error(f"--min-change must be a fraction between 0 and 10, got {args.min_change}")
    report = model.build(model.Inputs(perf=args.perf, conformance=args.conformance, spec=args.spec,
                                      baseline=args.baseline, meta=args.meta, min_change=args.min_change,
                                      force_compare=args.force_compare, targets=args.targets))
    mutant_doc = None
    if args.mutants:
        try:
            mutant_doc = mutants.load(args.mutants)
        except mutants.MutantInputError as e:
            report.problems.append(str(e))
    for problem in report.problems:
        print(f"make_report: warning: {problem}", file=sys.stderr)

    if args.out:
        try:
            html_text = render.to_html(report, chartjs, mutant_doc)
            _write_atomically(args.out, html_text)
        except (OSError, ValueError) as e:
            print(f"make_report: cannot write {args.out}: {e}", file=sys.stderr)
            return 2
    if args.comparison:
        try:
            _write_atomically(args.comparison, comparison.to_json(report))
        except (OSError, ValueError) as e:
            print(f"make_report: cannot write {args.comparison}: {e}", file=sys.stderr)
            return 2
    if args.summary:
        sys.stdout.write(summary.render(report))
        if mutant_doc:
            sys.stdout.write(mutants.summary_line(mutant_doc) + "\n")
        if args.out:
            sys.stdout.write(f"report: {os.path.abspath(args.out)}\n")
        sys.stdout.flush()
    if args.baseline and (report.baseline_error or report.refused):
        why = report.baseline_error or "not comparable: " + "; ".join(
            report.mismatches or [f"{c.key}: {c.note}" for c in report.changes or []
                                  if c.verdict == compare.NOT_COMPARABLE][:5])
        print(f"make_report: error: no comparison with the baseline ({why}); "
              f"--force-compare compares anyway", file=sys.stderr)
        return 4
    if args.fail_on_regression and report.changes:
        regressed = [c for c in report.changes if c.verdict == compare.REGRESSION]
        if regressed:
            print(f"make_report: {len(regressed)} regression(s) against the baseline", file=sys.stderr)
            return 3
    return 1 if (args.strict and report.problems) else 0
