"""scripts/run's command line: what users may ask for, and a clear error
(exit 2, nothing run) for anything that cannot be honoured."""

from __future__ import annotations

import argparse
import os

from . import exitcodes

DESCRIPTION = """\
Build actorspec (release), run the conformance suite on every backend and
the perf suite, and write an HTML report with a console summary.

Every backend runs in its own process with a timeout; the perf suite runs one
process per benchmark family and backend. A binary that crashes, hangs or
writes no results is a failure in the console, in the report and in
conformance.xml. Results of earlier runs in --out are deleted first, never
read.
"""

EPILOG = """\
outputs (in --out):
  index.html                the report (summary per backend, conformance matrix, perf charts, baseline comparison)
  comparison.json           per benchmark: medians, 95% intervals, ratios, verdicts (the report's own numbers)
  first-screen.png          the report's first screen (1400x900), when Chromium is installed
  conformance.xml           JUnit XML for CI test tabs (junit-10.xsd); a crashed backend is an <error> testcase
  conformance.json          every backend's GoogleTest JSON merged
  conformance-BACKEND.json  one backend's GoogleTest JSON
  perf.json                 every benchmark's repetitions (Google Benchmark JSON; a later --baseline)
  perf-BACKEND-FAMILY.json  one perf process's output
  meta.json                 run facts and the outcome of every suite
  mutants.json              with --mutants: the kill table (mutant -> killed / SURVIVED -> tests)

""" + exitcodes.HELP + """
environment:
  ACTORSPEC_TIMEOUT_SCALE   multiplies every timeout (as for the tests; e.g. 5 under sanitizers)

outside backends:
  --conformance-bin/--perf-bin add a runtime built elsewhere (README.md, "Test
  your own runtime"): its backends are the names its tests and benchmarks end
  with. Its conformance tests run one per process (scripts/lib/gtest_isolated.py),
  so a test it hangs or crashes on is that test's failed verdict. Its failed
  tests are results: they do not make the exit status 1. So is a benchmark
  of it that ends with an error (the runtime cannot run that program, e.g.
  CAF and guide/worker_pool's names): the report shows the error, and it
  does not make the exit status 4; its perf binary crashing, hanging or
  writing nothing does. scripts/run builds the CAF adapter (adapters/caf)
  and adds it this way unless --no-caf.

examples:
  scripts/run --quick                          smoke run (minutes)
  scripts/run --out base                       full run, kept as a baseline
  scripts/run --baseline base/perf.json --fail-on-regression
"""


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def _positive_float(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not x > 0 or x == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return x


def _fraction(text: str) -> float:
    t = text.strip()
    pct = t.endswith("%")
    try:
        x = float(t[:-1] if pct else t)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a percentage like 5%, got {text!r}") from None
    x = x / 100.0 if pct or x >= 1 else x
    if not 0 <= x < 10:
        raise argparse.ArgumentTypeError(f"must be a percentage between 0% and 1000%, got {text!r}")
    return x


def _backend_list(text: str) -> list:
    names = [b.strip() for b in text.split(",")]
    if not text.strip() or any(not b for b in names):
        raise argparse.ArgumentTypeError(f"expected a comma list of backend names, got {text!r}")
    dup = sorted({b for b in names if names.count(b) > 1})
    if dup:
        raise argparse.ArgumentTypeError(f"backend named twice: {', '.join(dup)}")
    return names


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="scripts/run", description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="small sizes and 3 repetitions: a smoke run (no regression verdicts possible)")
    p.add_argument("--backends", type=_backend_list, metavar="A,B",
                   help="only these backends (default: every registered backend)")
    p.add_argument("--filter", metavar="REGEX",
                   help="only benchmarks whose name matches (Google Benchmark's filter, POSIX extended regex)")
    p.add_argument("--repetitions", type=_positive_int, metavar="N",
                   help="perf repetitions per benchmark (default 9; 3 with --quick)")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="output directory (default build/report); this run's files in it are replaced")
    p.add_argument("--baseline", metavar="PERF_JSON",
                   help="an earlier run's perf.json to compare against; must be readable and comparable")
    p.add_argument("--fail-on-regression", action="store_true",
                   help="with --baseline: exit 3 when a benchmark regressed")
    p.add_argument("--min-change", type=_fraction, default=0.05, metavar="PCT",
                   help="smallest change of a median that counts as a regression or improvement (default 5%%)")
    p.add_argument("--force-compare", action="store_true",
                   help="compare with a baseline that differs in mode, machine, build, backends or sizes; "
                        "every affected row is marked")
    p.add_argument("--conformance-timeout", type=_positive_float, metavar="SECONDS",
                   help="per backend (default 900, times ACTORSPEC_TIMEOUT_SCALE)")
    p.add_argument("--perf-timeout", type=_positive_float, metavar="SECONDS",
                   help="per benchmark family and backend (default 600, times ACTORSPEC_TIMEOUT_SCALE)")
    p.add_argument("--no-beam", action="store_true",
                   help="do not run the spec's scenarios and the perf families on Erlang/OTP, the reference column "
                        "(the report's beam column then says 'not run' and why)")
    p.add_argument("--mutants", action="store_true",
                   help="also run the conformance suite on every mutant runtime (conformance/mutants) and add the "
                        "kill table to the report; a surviving mutant makes the exit status 1")
    p.add_argument("--no-screenshot", action="store_true",
                   help="do not save first-screen.png (the report's first screen, taken with headless Chromium)")
    p.add_argument("--conformance-bin", dest="outside_conformance_bins", action="append", default=[],
                   metavar="PATH",
                   help="an outside backend's conformance binary (made with actorspec_add_conformance), run "
                        "beside the built-in backends, one process per test; repeatable")
    p.add_argument("--perf-bin", dest="outside_perf_bins", action="append", default=[], metavar="PATH",
                   help="an outside backend's perf binary (made with actorspec_add_perf); repeatable")
    p.add_argument("--no-caf", action="store_true",
                   help="do not build and include the CAF adapter (adapters/caf), an outside backend "
                        "scripts/run includes by default")
    p.add_argument("--build-dir", metavar="DIR", help=argparse.SUPPRESS)
    p.add_argument("--builtin-conformance-bin", dest="conformance_bin", metavar="PATH",
                   help="the built-in backends' conformance binary (default: BUILD/conformance/"
                        "actorspec_conformance_tests)")
    p.add_argument("--builtin-perf-bin", dest="perf_bin", metavar="PATH",
                   help="the built-in backends' perf binary (default: BUILD/perf/actorspec_perf)")
    return p


class UsageError(Exception):
    """Reported as 'scripts/run: ...' with exit status BAD_USAGE."""


def parse(argv, root: str):
    p = parser()
    args = p.parse_args(argv)   # exits 2 with a usage message on bad values
    build = args.build_dir or os.path.join(root, "build", "release")
    args.conformance_bin = args.conformance_bin or os.path.join(build, "conformance", "actorspec_conformance_tests")
    args.perf_bin = args.perf_bin or os.path.join(build, "perf", "actorspec_perf")
    args.build_dir = build
    args.out = args.out or os.path.join(root, "build", "report")
    if args.fail_on_regression and not args.baseline:
        raise UsageError("--fail-on-regression needs --baseline (a perf.json of an earlier run)")
    if args.force_compare and not args.baseline:
        raise UsageError("--force-compare needs --baseline")
    for what, path in (("conformance binary", args.conformance_bin), ("perf binary", args.perf_bin)):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            raise UsageError(f"no {what} at {path} (build first, or pass --builtin-{what.split()[0]}-bin)")
    for flag, paths in (("--conformance-bin", args.outside_conformance_bins), ("--perf-bin", args.outside_perf_bins)):
        for path in paths:
            if not (os.path.isfile(path) and os.access(path, os.X_OK)):
                raise UsageError(f"{flag} {path}: no such executable file")
    return args
