"""scripts/run's exit status: one code per kind of bad news.

When several apply, the most severe wins, in this order: BAD_USAGE (nothing
was run), SUITE_BROKEN (a result is missing, so nothing else is known for
sure), CONFORMANCE_FAILED, REGRESSION, REPORT_FAILED.
"""

OK = 0
CONFORMANCE_FAILED = 1   # a conformance test failed on some backend
BAD_USAGE = 2            # bad arguments or inputs; nothing (more) was run
REGRESSION = 3           # --fail-on-regression and a benchmark regressed
SUITE_BROKEN = 4         # a conformance or perf binary crashed, timed out or wrote no results
REPORT_FAILED = 5        # the runs finished but the HTML report could not be written

_SEVERITY = [BAD_USAGE, SUITE_BROKEN, CONFORMANCE_FAILED, REGRESSION, REPORT_FAILED]


def worst(codes):
    """The most severe of the given codes (OK when none is bad)."""
    bad = [c for c in codes if c != OK]
    return min(bad, key=_SEVERITY.index) if bad else OK


HELP = """\
exit status:
  0  every conformance test passed on every backend, every suite finished
     (and, with --fail-on-regression, no benchmark regressed)
  1  a conformance test failed
  2  bad usage: a bad option value, an unusable --baseline or --out, a
     --filter that Google Benchmark rejects or that matches nothing, or a
     baseline that cannot be compared with this run (see --force-compare)
  3  --fail-on-regression: a benchmark regressed against --baseline
  4  a suite is broken: a conformance or perf binary crashed, hung past its
     timeout or wrote no results (its signal or exit status is printed, and
     shown in the report and in conformance.xml)
  5  the suites ran but the HTML report could not be written
  When several apply: 2, then 4, 1, 3, 5.
"""
