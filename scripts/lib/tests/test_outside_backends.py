"""gtest_isolated.py and outside_backends.py against fake_gtest.py, whose
tests pass, fail, hang and crash."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import gtest_isolated  # noqa: E402
import outside_backends  # noqa: E402

FAKE = os.path.join(HERE, "fake_gtest.py")
FAKE_PERF = os.path.join(HERE, "fakes", "fake_perf")


class GtestIsolated(unittest.TestCase):
    def test_every_test_gets_a_verdict_hangs_and_crashes_included(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "r.json")
            s = gtest_isolated.run_isolated(FAKE, out, jobs=4, timeout=3)
            self.assertEqual(s["tests"], 4)
            self.assertEqual(s["failures"], 3)
            self.assertEqual(s["hung"], ["Conformance/Fake.hangs/mine"])
            self.assertEqual(s["crashed"], ["Conformance/Fake.crashes/mine"])
            with open(out) as f:
                doc = json.load(f)
            cases = {t["name"]: t for suite in doc["testsuites"] for t in suite["testsuite"]}
            self.assertNotIn("failures", cases["passes/mine"])
            self.assertIn("Expected: 1 == 2", cases["fails/mine"]["failures"][0]["failure"])
            self.assertTrue(cases["hangs/mine"]["failures"][0]["failure"].startswith("hung:"))
            self.assertIn("signal 11", cases["crashes/mine"]["failures"][0]["failure"])

    def test_a_missing_binary_is_a_runner_error(self):
        with self.assertRaises(gtest_isolated.RunnerError):
            gtest_isolated.list_tests("/nonexistent/binary")


class OutsideBackends(unittest.TestCase):
    def test_backends_come_from_test_names(self):
        self.assertEqual(outside_backends.conformance_backends(FAKE), ["mine"])

    def test_perf_backend_is_the_name_before_google_benchmarks_suffixes(self):
        self.assertEqual(outside_backends.perf_backend_of("ring/R:10/caf/iterations:2000/manual_time"), "caf")
        self.assertEqual(outside_backends.perf_backend_of("spawn/latency/caf"), "caf")
        self.assertIsNone(outside_backends.perf_backend_of("manual_time"))

    def test_missing_or_non_executable_binary_is_a_clear_error(self):
        with self.assertRaisesRegex(outside_backends.OutsideError, "no such file"):
            outside_backends.conformance_backends("/nonexistent/caf_conformance")
        with tempfile.NamedTemporaryFile(suffix=".bin") as f:
            with self.assertRaisesRegex(outside_backends.OutsideError, "not executable"):
                outside_backends.perf_backends(f.name)

    def test_a_binary_that_is_not_a_suite_is_a_clear_error(self):
        with self.assertRaisesRegex(outside_backends.OutsideError, "--conformance-bin /bin/false"):
            outside_backends.conformance_backends("/bin/false")

    def test_a_built_in_name_is_refused(self):
        with self.assertRaisesRegex(outside_backends.OutsideError, "name of a built-in backend or the BEAM reference"):
            outside_backends.discover([FAKE], [], builtin={"mine"})

    def test_perf_files_merge_with_their_backends(self):
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for i, (backends, name) in enumerate((("thread,tbb", "ping/thread"), ("caf", "ping/caf"))):
                p = os.path.join(tmp, f"{i}.json")
                with open(p, "w") as f:
                    json.dump({"context": {"actorspec_backends": backends, "actorspec_workers": backends},
                               "benchmarks": [{"name": name}]}, f)
                paths.append(p)
            out = os.path.join(tmp, "perf.json")
            self.assertTrue(outside_backends.merge_perf(paths, out))
            with open(out) as f:
                doc = json.load(f)
            self.assertEqual([b["name"] for b in doc["benchmarks"]], ["ping/thread", "ping/caf"])
            self.assertEqual(doc["context"]["actorspec_backends"], "thread,tbb,caf")


class RunSuiteWithAnOutsideBackend(unittest.TestCase):
    """scripts/run's driver with the fake built-in binaries of test_run_suite
    and fake_gtest.py as an outside backend's --conformance-bin."""

    def run_suite(self, *args, **fake_env):
        tmp = tempfile.mkdtemp(prefix="run-suite-outside-")
        self.addCleanup(shutil.rmtree, tmp, True)
        out = os.path.join(tmp, "out")
        fakes = os.path.join(HERE, "fakes")
        env = {k: v for k, v in os.environ.items() if not k.startswith("FAKE_")}
        # Hung tests are killed after 20 s times the scale: 2 s here.
        env.update(PYTHONDONTWRITEBYTECODE="1", ACTORSPEC_TIMEOUT_SCALE="0.1", **fake_env)
        cmd = [sys.executable, os.path.join(os.path.dirname(HERE), "run_suite.py"),
               "--builtin-conformance-bin", os.path.join(fakes, "fake_conformance"),
               "--builtin-perf-bin", os.path.join(fakes, "fake_perf"),
               "--build-dir", tmp, "--out", out, "--repetitions", "3"] + list(args)
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        return p, out

    def test_outside_verdicts_join_the_report_and_do_not_fail_the_run(self):
        p, out = self.run_suite("--conformance-bin", FAKE)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("conformance: mine (outside:", p.stdout)
        self.assertIn("3 of 4 tests failed (an outside backend: its failures are results", p.stdout)
        with open(os.path.join(out, "conformance-mine.json")) as f:
            cases = {t["name"]: t for s in json.load(f)["testsuites"] for t in s["testsuite"]}
        self.assertEqual(cases["hangs/mine"]["actorspec_outcome"], "hung")
        self.assertEqual(cases["crashes/mine"]["actorspec_outcome"], "crashed")
        with open(os.path.join(out, "conformance.xml")) as f:
            xml = f.read()
        self.assertIn("hangs/mine", xml)
        with open(os.path.join(out, "meta.json")) as f:
            self.assertIn("mine", json.load(f)["backends"])

    def test_an_outside_benchmark_error_is_a_result_and_a_builtin_one_breaks_the_run(self):
        # What CAF does on guide/worker_pool: the benchmark ends with an
        # error saying why the runtime cannot run the program.
        p, out = self.run_suite("--perf-bin", FAKE_PERF, FAKE_PERF_BACKENDS="mine", FAKE_PERF_ERROR="mine")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("perf ping_pong on mine failed", p.stdout)
        self.assertIn("its benchmark errors are results, not a broken suite", p.stdout)
        with open(os.path.join(out, "perf.json")) as f:
            rows = [b for b in json.load(f)["benchmarks"] if "/mine/" in b["name"]]
        self.assertTrue(rows)
        self.assertTrue(all(b.get("error_occurred") for b in rows))
        # The same error from a built-in backend is this project's bug.
        p, _ = self.run_suite("--perf-bin", FAKE_PERF, FAKE_PERF_BACKENDS="mine", FAKE_PERF_ERROR="thread")
        self.assertEqual(p.returncode, 4, p.stdout + p.stderr)
        self.assertIn("reported an error", p.stdout)

    def test_an_outside_perf_binary_that_hangs_still_breaks_the_run(self):
        p, _ = self.run_suite("--perf-bin", FAKE_PERF, "--perf-timeout", "20", FAKE_PERF_BACKENDS="mine",
                              FAKE_PERF_HANG="mine")
        self.assertEqual(p.returncode, 4, p.stdout + p.stderr)
        self.assertIn("perf/ping_pong/mine", p.stdout)

    def test_unknown_backend_and_unusable_binaries_are_usage_errors(self):
        p, _ = self.run_suite("--backends", "nope")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown backend(s) nope", p.stderr)
        p, _ = self.run_suite("--conformance-bin", "/nonexistent/caf_conformance")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--conformance-bin /nonexistent/caf_conformance", p.stderr)
        self.assertNotIn("Traceback", p.stderr)
        p, _ = self.run_suite("--conformance-bin", "/bin/false")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--conformance-bin /bin/false", p.stderr)
        self.assertNotIn("Traceback", p.stderr)

    def test_an_outside_backend_may_not_take_the_beams_name(self):
        p, _ = self.run_suite("--conformance-bin", FAKE, "--no-beam", FAKE_GTEST_BACKEND="beam")
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("its backend 'beam' has the name of a built-in backend or the BEAM reference", p.stderr)


if __name__ == "__main__":
    unittest.main()
