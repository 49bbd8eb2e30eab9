"""Issue 9's report-side cases: a crashed backend is red, "fastest" only
where the data says so, hostile input files give a sentence, not a
traceback."""

import contextlib
import io
import os
import tempfile
import unittest

import support
from actorspec_report import cli, gbench, gtest, matrix, perf, spec


def _run(**series):
    rows = []
    for name, times in series.items():
        rows += [{"name": name.replace("__", "/"), "run_type": "iteration", "real_time": t, "time_unit": "ns"}
                 for t in times]
    return gbench.parse({"benchmarks": rows})


def _case(**series):
    (fam,) = perf.analyse(_run(**series), ["thread", "tbb", "fiber"])
    return fam.cases[0]


class Fastest(unittest.TestCase):
    def test_case7_no_badge_inside_the_noise(self):
        # The example: CVs near 60%, p = 0.93: a tie, not a winner.
        c = _case(x__thread=[100, 300, 50, 220, 90, 400, 120, 60, 250],
                  x__tbb=[110, 280, 70, 200, 95, 380, 130, 65, 240])
        self.assertIsNone(c.fastest())
        self.assertTrue(c.is_tie())
        self.assertEqual(sorted(c.tied), ["tbb", "thread"])

    def test_clear_winner_is_fastest(self):
        c = _case(x__thread=[100 + i for i in range(9)], x__tbb=[150 + i for i in range(9)],
                  x__fiber=[300 + i for i in range(9)])
        self.assertEqual(c.fastest(), "thread")
        self.assertEqual(c.tied, ["thread"])
        self.assertGreater(c.entries["tbb"].ratio_ci[0], 1.0)

    def test_tie_lists_only_the_inseparable(self):
        c = _case(x__thread=[100, 104, 98, 102, 99, 103, 97, 101, 100],
                  x__tbb=[101, 99, 103, 98, 100, 102, 97, 104, 100.5],
                  x__fiber=[200 + i for i in range(9)])
        self.assertIsNone(c.fastest())
        self.assertEqual(sorted(c.tied), ["tbb", "thread"])

    def test_single_backend_is_not_fastest(self):
        c = _case(x__thread=[1, 2, 3])
        self.assertIsNone(c.fastest())

    def test_summary_marks_a_tie_not_a_star(self):
        out = io.StringIO()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "perf.json")
            with open(path, "w") as f:
                import json
                json.dump({"benchmarks": [{"name": f"x/{b}", "run_type": "iteration", "real_time": t, "time_unit": "ns"}
                                          for b, ts in (("thread", [100, 300, 50, 220]), ("tbb", [110, 280, 70, 200]))
                                          for t in ts]}, f)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                cli.main(["--perf", path])
        row = next(line for line in out.getvalue().splitlines() if line.strip().startswith("x "))
        self.assertNotIn("*", row)
        self.assertIn("=", row)


class CrashedBackend(unittest.TestCase):
    def test_case2_cells_of_a_crashed_backend_fail_with_the_reason(self):
        s = spec.parse("## Links\n\n### LNK-5 — kill\n\ntext\n")
        ok = gtest.TestResult("S", "LNK_5_x/thread", "LNK-5", "thread", gtest.PASS)
        m = matrix.build(s, [ok], ["thread", "fiber"], crashed={"fiber": "crashed: killed by signal 11 (SIGSEGV)"})
        cell = m.rows[0].cells["fiber"]
        self.assertEqual(cell.status, gtest.FAIL)
        self.assertIn("SIGSEGV", cell.note())
        self.assertEqual(m.totals()["fiber"][gtest.FAIL], 1)
        self.assertEqual(m.rows[0].cells["thread"].status, gtest.PASS)


class HostileFiles(unittest.TestCase):
    """Case 6: the report generator names what is wrong with an input."""

    def check(self, data: bytes, expect: str):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "in.json")
            with open(path, "wb") as f:
                f.write(data)
            err = io.StringIO()
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
                rc = cli.main(["--perf", path, "--conformance", path])
            self.assertEqual(rc, 0)
            self.assertIn(expect, err.getvalue())

    def test_deeply_nested(self):
        self.check(b"[" * 200000, "nested too deeply")

    def test_binary(self):
        self.check(bytes(range(256)) * 4, "not a text file")

    def test_nan_and_infinity(self):
        # A time that is not finite is named as such, not as bad JSON...
        self.check(b'{"benchmarks": [{"name": "a/t", "real_time": NaN}]}',
                   "no benchmark has a usable time (real_time of a repetition is nan, not a finite number)")
        self.check(b'{"benchmarks": [{"name": "a/t", "real_time": Infinity}]}', "real_time of a repetition is inf")
        # ...and GoogleTest JSON never holds one.
        self.check(b'{"testsuites": [{"name": "S", "time": NaN}]}', "NaN, which is not a JSON number")

    def test_nan_in_a_counter_aggregate_is_ignored(self):
        # Google Benchmark writes NaN for the CV of a counter that was 0 in
        # every repetition: the file is still good.
        rows = [{"name": "a/t", "run_type": "iteration", "real_time": 5.0, "time_unit": "ns", "zero": 0}] * 3
        rows.append({"name": "a/t_cv", "run_name": "a/t", "run_type": "aggregate", "aggregate_name": "cv",
                     "aggregate_unit": "percentage", "real_time": 0.0, "time_unit": "ns", "zero": float("nan")})
        import json
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "perf.json")
            with open(path, "w") as f:
                json.dump({"benchmarks": rows}, f)
            run = gbench.load(path)
        self.assertEqual(run.benchmarks[0].times_ns, [5.0, 5.0, 5.0])
        self.assertIsNone(run.benchmarks[0].error)

    def test_empty(self):
        self.check(b"", "empty file")

    def test_unusable_baseline_is_exit_4(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "base.json")
            with open(path, "wb") as f:
                f.write(b'{"benchmarks": [')
            err = io.StringIO()
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
                rc = cli.main(["--perf", support.fixture("perf.json"), "--baseline", path, "--fail-on-regression"])
            self.assertEqual(rc, 4)
            self.assertIn("no comparison with the baseline", err.getvalue())


if __name__ == "__main__":
    unittest.main()
