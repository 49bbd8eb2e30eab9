"""scripts/run's driver against fake binaries that crash, hang, write
nothing or fail on request (tests/fakes): the seven cases of issue 9 and
the exit codes. The report generator and xmllint run for real."""

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_SUITE = os.path.join(os.path.dirname(HERE), "run_suite.py")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
FAKE_CONFORMANCE = os.path.join(HERE, "fakes", "fake_conformance")
FAKE_PERF = os.path.join(HERE, "fakes", "fake_perf")
SCHEMA = os.path.join(ROOT, "reports", "tests", "junit-10.xsd")
FAKE_ENV = ("FAKE_BACKENDS", "FAKE_CRASH", "FAKE_ABORT", "FAKE_HANG", "FAKE_NO_RESULTS", "FAKE_FAIL",
            "FAKE_PERF_CRASH", "FAKE_PERF_HANG", "FAKE_PERF_SLOW", "FAKE_PERF_SIZE")


class Run:
    def __init__(self, rc, out, err, out_dir):
        self.rc, self.out, self.err, self.dir = rc, out, err, out_dir

    def read(self, name):
        with open(os.path.join(self.dir, name), encoding="utf-8") as f:
            return f.read()

    def json(self, name):
        return json.loads(self.read(name))

    def suite(self, name):
        return next(s for s in self.json("meta.json")["suites"] if s["name"] == name)


class RunSuiteCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="run-suite-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.out = os.path.join(self.tmp, "out")

    def run_suite(self, *args, out=None, screenshot=False, **env):
        full_env = {k: v for k, v in os.environ.items() if k not in FAKE_ENV}
        full_env.update(env)
        full_env["PYTHONDONTWRITEBYTECODE"] = "1"
        cmd = [sys.executable, RUN_SUITE,
               "--builtin-conformance-bin", FAKE_CONFORMANCE, "--builtin-perf-bin", FAKE_PERF,
               "--build-dir", self.tmp, "--out", out or self.out, "--repetitions", "3"] + list(args)
        if not screenshot:
            cmd.append("--no-screenshot")   # one Chromium per test would make this suite slow
        p = subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=300)
        return Run(p.returncode, p.stdout, p.stderr, out or self.out)

    def assert_valid_junit(self, run):
        p = subprocess.run(["xmllint", "--noout", "--schema", SCHEMA, os.path.join(run.dir, "conformance.xml")],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)


class EveryResultBelongsToThisRun(RunSuiteCase):
    def test_all_good_exits_0(self):
        r = self.run_suite()
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn("3/3 passed", r.out)
        self.assert_valid_junit(r)
        self.assertEqual(len(r.json("perf.json")["benchmarks"]), 3 * 2 * 3)

    def test_comparison_json_holds_the_reports_verdicts(self):
        r = self.run_suite()
        doc = r.json("comparison.json")
        self.assertEqual(doc["schema"], "actorspec-comparison/1")
        # beam: the reference column, here "not run" (no Erlang build in this
        # build dir) and so never flagged as the reference.
        self.assertEqual(sorted(doc["backends"]), ["beam", "fiber", "thread"])
        self.assertEqual(doc["backends"]["beam"]["rules_passed"], 0)
        self.assertIsNone(doc["reference_backend"])
        names = {b["name"] for b in doc["benchmarks"]}
        perf_names = {b["name"].split("/iterations")[0].rsplit("/", 1)[0] for b in r.json("perf.json")["benchmarks"]}
        self.assertEqual(names, perf_names)
        for b in doc["benchmarks"]:
            for backend, e in b["backends"].items():
                self.assertIn(e["verdict"], ("win", "tie", "loss", "unknown", "only backend"))
                if "median" in e:
                    self.assertLessEqual(e["ci95"][0], e["ci95"][1])

    @unittest.skipUnless(os.access("/usr/bin/chromium", os.X_OK), "needs Debian's chromium")
    def test_first_screen_screenshot_is_saved_and_named(self):
        r = self.run_suite(screenshot=True)
        png = os.path.join(self.out, "first-screen.png")
        self.assertIn(f"first screen: {png}", r.out)
        with open(png, "rb") as f:
            head = f.read(24)
        self.assertEqual(head[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual(struct.unpack(">II", head[16:24]), (1400, 900))

    def test_case1_stale_conformance_json_is_never_read(self):
        # A good run leaves conformance-fiber.json behind; the next run's
        # fiber binary crashes before writing its own.
        self.assertEqual(self.run_suite().rc, 0)
        self.assertTrue(os.path.exists(os.path.join(self.out, "conformance-fiber.json")))
        r = self.run_suite(FAKE_CRASH="fiber")
        self.assertEqual(r.rc, 4, r.out)
        self.assertIn("FAILED: the fiber conformance suite crashed: killed by signal 11 (SIGSEGV) while running "
                      "Links/Conformance.LNK_6_links_are_bidirectional/fiber", r.out)
        self.assertFalse(os.path.exists(os.path.join(self.out, "conformance-fiber.json")))
        xml = r.read("conformance.xml")
        self.assertIn('errors="1"', xml)
        self.assertNotIn("fiber/Links/Conformance", xml)   # no stale testcases
        self.assertRegex(r.out, r"Conformance: rules per backend.*\n(.*\n)*\s+fiber\s+0\s+\d+\s+0")

    def test_case1_stale_perf_json_is_never_read(self):
        self.assertEqual(self.run_suite().rc, 0)
        r = self.run_suite(FAKE_PERF_CRASH="fiber")
        self.assertEqual(r.rc, 4)
        perf = r.json("perf.json")
        backends = {b["name"].split("/iterations")[0].rsplit("/", 1)[1] for b in perf["benchmarks"]}
        self.assertEqual(backends, {"thread"})
        self.assertIn("FAILED: perf ping_pong on fiber crashed: killed by signal 11 (SIGSEGV)", r.out)

    def test_case2_crashed_backend_is_an_error_testcase_and_a_red_column(self):
        r = self.run_suite(FAKE_ABORT="thread")
        self.assertEqual(r.rc, 4)
        self.assert_valid_junit(r)
        xml = r.read("conformance.xml")
        self.assertRegex(xml, r'<testsuite name="thread/conformance" tests="1" failures="0" errors="1"')
        self.assertIn('<error message="the thread conformance suite crashed: killed by signal 6 (SIGABRT)" '
                      'type="crashed">', xml)
        page = r.read("index.html")
        cells = re.findall(r'data-backend="thread" data-status="([a-z ]+)"', page)
        self.assertTrue(cells)
        self.assertEqual(set(cells), {"fail"})
        self.assertTrue("crashed: killed by signal 6 (SIGABRT)" in page, "the crash is not in the report")

    def test_case2_hung_backend_is_killed_and_reported(self):
        r = self.run_suite("--conformance-timeout", "1", FAKE_HANG="fiber")
        self.assertEqual(r.rc, 4)
        self.assertIn("FAILED: the fiber conformance suite timed out: timed out after 1 s and was killed while "
                      "running Links/Conformance.LNK_6_links_are_bidirectional/fiber", r.out)
        self.assertIn('type="timed out"', r.read("conformance.xml"))
        self.assert_valid_junit(r)

    def test_timeouts_scale_like_the_tests(self):
        r = self.run_suite("--conformance-timeout", "1", FAKE_HANG="fiber", ACTORSPEC_TIMEOUT_SCALE="2")
        self.assertIn("timed out after 2 s", r.out)

    def test_backend_that_writes_no_results_is_a_failure(self):
        r = self.run_suite(FAKE_NO_RESULTS="fiber")
        self.assertEqual(r.rc, 4)
        self.assertEqual(r.suite("conformance/fiber")["status"], "no results")
        self.assertIn("exited with status 0 without writing conformance-fiber.json", r.out)

    def test_case3_crashed_perf_is_non_zero_and_finished_benchmarks_stay(self):
        r = self.run_suite(FAKE_PERF_CRASH="fiber")
        self.assertEqual(r.rc, 4)
        self.assertEqual(r.suite("perf/ring/fiber")["status"], "crashed")
        page = r.read("index.html")
        self.assertTrue("perf on fiber (perf/ping_pong/fiber) crashed: killed by signal 11 (SIGSEGV)" in page,
                        "the perf crash is not in the report")
        self.assertIn("ping_pong/thread", r.out)   # thread's results are still there

    def test_hung_perf_is_killed(self):
        r = self.run_suite("--perf-timeout", "1", FAKE_PERF_HANG="thread")
        self.assertEqual(r.rc, 4)
        self.assertIn("timed out after 1 s", r.out)

    def test_conformance_failure_exits_1_with_the_message_in_junit(self):
        r = self.run_suite(FAKE_FAIL="thread")
        self.assertEqual(r.rc, 1)
        xml = r.read("conformance.xml")
        self.assertIn('message="conformance/tests/links_test.cpp:42 Expected equality of these values:"', xml)
        self.assert_valid_junit(r)

    def test_junit_suite_names_are_unique_per_backend(self):
        r = self.run_suite()
        names = re.findall(r'<testsuite name="([^"]+)"', r.read("conformance.xml"))
        self.assertEqual(len(names), len(set(names)))
        self.assertIn("thread/Links/Conformance", names)
        self.assertIn("fiber/Links/Conformance", names)

    def test_crash_outranks_failure(self):
        r = self.run_suite(FAKE_FAIL="thread", FAKE_CRASH="fiber")
        self.assertEqual(r.rc, 4)


class BadInput(RunSuiteCase):
    """Case 6: every bad input is exit 2 with a sentence, before anything runs."""

    def bad(self, *args, expect, out=None):
        r = self.run_suite(*args, out=out)
        self.assertEqual(r.rc, 2, r.out + r.err)
        self.assertIn(expect, r.err)
        self.assertNotIn("Traceback", r.err)
        return r

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_baseline_missing_empty_truncated_garbage(self):
        for path, expect in ((os.path.join(self.tmp, "nope.json"), "cannot read"),
                             (self.write("empty.json", b""), "empty file"),
                             (self.write("cut.json", b'{"benchmarks": [{"name": "a/thread", "real_'), "truncated"),
                             (self.write("garbage.json", b"\x00\xff\xfe garbage"), "not a text file"),
                             (self.write("nested.json", b"[" * 100000), "nested too deeply"),
                             (self.write("nan.json", b'{"benchmarks": [{"name": "a/t", "real_time": NaN}]}'),
                              "no benchmark has a usable time (real_time of a repetition is nan"),
                             (self.write("none.json", b'{"benchmarks": []}'), "lists no benchmark")):
            with self.subTest(path=path):
                self.bad("--baseline", path, "--fail-on-regression", expect=expect)

    def test_repetitions(self):
        self.bad("--repetitions", "-3", expect="must be at least 1")
        self.bad("--repetitions", "0", expect="must be at least 1")
        self.bad("--repetitions", "many", expect="expected a whole number")

    def test_filter(self):
        self.bad("--filter", "[", expect="the perf binary rejected --filter '['")
        self.bad("--filter", "no_such_benchmark", expect="matches no benchmark")

    def test_backends(self):
        self.bad("--backends", "", expect="expected a comma list")
        self.bad("--backends", "thread,thread", expect="backend named twice: thread")
        self.bad("--backends", "thread,,fiber", expect="expected a comma list")
        self.bad("--backends", "erlang", expect="unknown backend(s) erlang")

    def test_unwritable_out(self):
        blocker = self.write("file", b"")
        self.bad(out=os.path.join(blocker, "sub"), expect="cannot write to --out")

    def test_fail_on_regression_needs_a_baseline(self):
        self.bad("--fail-on-regression", expect="--fail-on-regression needs --baseline")

    def test_help_is_for_users(self):
        p = subprocess.run([sys.executable, RUN_SUITE, "--help"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0)
        for text in ("exit status:", "  4  a suite is broken", "conformance.xml", "ACTORSPEC_TIMEOUT_SCALE"):
            self.assertIn(text, p.stdout)


class Baseline(RunSuiteCase):
    def baseline(self, *args, **env):
        base = os.path.join(self.tmp, "base")
        r = self.run_suite(*args, out=base, **env)
        self.assertEqual(r.rc, 0, r.out + r.err)
        return os.path.join(base, "perf.json")

    def test_case4_identical_builds_pass_the_gate(self):
        base = self.baseline("--repetitions", "9")
        r = self.run_suite("--repetitions", "9", "--baseline", base, "--fail-on-regression")
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertNotIn("REGRESSION", r.out)

    def test_case4_a_real_slowdown_fails_the_gate(self):
        base = self.baseline("--repetitions", "9")
        r = self.run_suite("--repetitions", "9", "--baseline", base, "--fail-on-regression", FAKE_PERF_SLOW="1.3")
        self.assertEqual(r.rc, 3, r.out + r.err)
        self.assertIn("REGRESSION", r.out)

    def test_case4_three_repetitions_say_too_few(self):
        base = self.baseline()
        r = self.run_suite("--baseline", base, "--fail-on-regression", FAKE_PERF_SLOW="2.6")
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn("too few repetitions: 6", r.out)

    def test_case5_quick_against_full_is_refused(self):
        base = self.baseline()
        r = self.run_suite("--quick", "--baseline", base)
        self.assertEqual(r.rc, 2)
        self.assertIn("mode: baseline full, this run quick", r.err)
        r = self.run_suite("--quick", "--baseline", base, "--force-compare")
        self.assertEqual(r.rc, 0, r.out + r.err)
        page = r.read("index.html")
        self.assertTrue("mode: baseline full, this run quick" in page, "no warning banner in the report")

    def test_case5_different_sizes_are_refused(self):
        base = self.baseline()
        r = self.run_suite("--baseline", base, FAKE_PERF_SIZE="1000")
        self.assertEqual(r.rc, 2, r.out + r.err)
        self.assertIn("iterations per repetition: baseline 100, this run 1000", r.err)

    def test_case5_different_backends_are_refused(self):
        base = self.baseline()
        r = self.run_suite("--backends", "thread", "--baseline", base)
        self.assertEqual(r.rc, 2)
        self.assertIn("backends: baseline fiber,thread, this run thread", r.err)


class TimedOutRunsLeaveNothing(unittest.TestCase):
    """A hung GoogleTest death test is a forked child; killing only its
    parent at the deadline left it running for good (seen with mutants)."""

    def test_the_whole_process_group_is_killed(self):
        sys.path.insert(0, os.path.dirname(HERE))
        from actorspec_run.proc import run_captured
        with tempfile.TemporaryDirectory() as tmp:
            pid_file = os.path.join(tmp, "child.pid")
            script = f"sleep 600 & echo $! > {pid_file}; wait"
            out, end = run_captured(["sh", "-c", script], timeout_s=1)
            self.assertTrue(end.timed_out)
            with open(pid_file) as f:
                child = int(f.read())
        try:
            os.kill(child, 0)
            alive = not os.path.exists(f"/proc/{child}") or open(f"/proc/{child}/stat").read().split()[2] != "Z"
        except ProcessLookupError:
            alive = False
        self.assertFalse(alive, f"the timed-out run's child {child} is still running")


if __name__ == "__main__":
    unittest.main()
