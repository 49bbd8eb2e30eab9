"""The command line: files in, report and summary out, clear failures."""

import contextlib
import io
import os
import tempfile
import unittest

import support
from actorspec_report import cli


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.chartjs = os.path.join(self.tmp.name, "chart.min.js")
        with open(self.chartjs, "w") as f:
            f.write(support.STUB_CHARTJS)
        self.out = os.path.join(self.tmp.name, "out", "index.html")

    def run_cli(self, *extra):
        args = ["--perf", support.fixture("perf.json"), "--spec", support.fixture("SPEC.md"),
                "--chartjs", self.chartjs, "--out", self.out]
        for c in support.CONFORMANCE:
            args += ["--conformance", c]
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            rc = cli.main(args + list(extra))
        return rc, stdout.getvalue(), stderr.getvalue()

    def test_writes_report_and_summary(self):
        rc, out, _ = self.run_cli("--baseline", support.fixture("perf_baseline.json"),
                                  "--meta", support.fixture("meta.json"))
        self.assertEqual(rc, 0)
        with open(self.out, encoding="utf-8") as f:
            page = f.read()
        self.assertTrue(page.startswith("<!DOCTYPE html>"))
        self.assertIn("window.Chart", page)
        lines = out.splitlines()
        self.assertTrue(lines[0].startswith("actorspec report  date 2024-05-14 09:12 UTC  commit 3f9c2e71b0a4"))
        self.assertIn("  backend  pass  fail  not run", lines)
        self.assertIn("  tbb        14     1        2", lines)
        self.assertIn("  FAILING: LNK-5 (tbb); LNK-6 (fiber)", lines)
        row = next(line for line in lines if line.strip().startswith("ping_pong/same_worker "))
        self.assertRegex(row, r"9\.72 us \(20\.61x\)\s+9\.72 us \(20\.61x\)\s+471 ns \(1\.00x\)\*$")
        self.assertTrue(any(line.startswith("  REGRESSION   ping_pong/same_worker/tbb") for line in lines))
        self.assertTrue(out.rstrip().endswith(os.path.abspath(self.out)))

    def test_no_summary(self):
        rc, out, _ = self.run_cli("--no-summary")
        self.assertEqual((rc, out), (0, ""))

    def test_missing_chartjs_names_the_package(self):
        rc, _, err = self.run_cli("--chartjs", "/nonexistent/chart.min.js")
        self.assertEqual(rc, 2)
        self.assertIn("apt-get install libjs-chart.js", err)
        self.assertFalse(os.path.exists(self.out))

    def test_missing_input_is_reported_not_fatal(self):
        rc, _, err = self.run_cli("--conformance", "/nonexistent/crashed.json")
        self.assertEqual(rc, 0)
        self.assertIn("crashed.json", err)
        with open(self.out, encoding="utf-8") as f:
            self.assertIn("crashed.json", f.read())
        rc, _, _ = self.run_cli("--conformance", "/nonexistent/crashed.json", "--strict")
        self.assertEqual(rc, 1)

    def test_needs_some_input(self):
        with contextlib.redirect_stderr(io.StringIO()), self.assertRaises(SystemExit):
            cli.main(["--out", self.out])


if __name__ == "__main__":
    unittest.main()
