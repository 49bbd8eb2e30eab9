"""Reading Google Benchmark JSON."""

import json
import os
import tempfile
import unittest

import support
from actorspec_report import gbench


class Names(unittest.TestCase):
    def check(self, raw, family, args, backend):
        n = gbench.parse_name(raw)
        self.assertEqual((n.family, n.args, n.backend), (family, tuple(args), backend), raw)

    def test_plain_and_with_arguments(self):
        self.check("spawn_exit/fiber", "spawn_exit", [], "fiber")
        self.check("ping_pong/same_worker/thread", "ping_pong", ["same_worker"], "thread")
        self.check("ring/R:1000/tbb", "ring", ["R:1000"], "tbb")

    def test_google_benchmark_suffixes_are_stripped(self):
        self.check("ring/R:1000/tbb/real_time", "ring", ["R:1000"], "tbb")
        self.check("fanin/k:8/fiber/manual_time", "fanin", ["k:8"], "fiber")
        self.check("selective/D:1000/thread/iterations:10/repeats:9/real_time", "selective", ["D:1000"], "thread")
        self.check("x/a/tbb/min_time:0.500/process_time", "x", ["a"], "tbb")
        self.check("x/a/tbb/min_time:0.5s/min_warmup_time:1s", "x", ["a"], "tbb")

    def test_threads_suffix_is_kept_as_an_argument(self):
        self.check("fanin/k:8/fiber/threads:2/real_time", "fanin", ["k:8", "threads:2"], "fiber")

    def test_name_without_backend(self):
        self.check("lonely", "lonely", [], "unknown")

    def test_numeric_name_value_arguments_are_parameters(self):
        n = gbench.parse_name("x/R:1000/k:2.5/mode:fast/tbb")
        self.assertEqual(n.params(), {"R": 1000.0, "k": 2.5})
        self.assertEqual(n.case, "x/R:1000/k:2.5/mode:fast")
        self.assertEqual(n.key, "x/R:1000/k:2.5/mode:fast/tbb")


class Parse(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.perf = gbench.load(support.fixture("perf.json"))
        cls.by_key = cls.perf.by_key()

    def test_every_benchmark_and_backend_found(self):
        self.assertEqual(set(self.perf.backends()), {"thread", "tbb", "fiber"})
        self.assertIn("ring/R:1000/tbb", self.by_key)
        self.assertIn("after_timeout/ms:1/fiber", self.by_key)  # /manual_time stripped

    def test_repetitions_and_aggregates_are_separated(self):
        b = self.by_key["ring/R:100/thread"]
        self.assertEqual(len(b.times_ns), 9)
        self.assertEqual(set(b.aggregates), {"mean", "median", "stddev", "cv"})
        self.assertLess(b.aggregates["cv"], 1.0)  # a fraction, not converted as a time

    def test_times_are_converted_to_nanoseconds(self):
        with open(support.fixture("perf.json")) as f:
            doc = json.load(f)
        row = next(r for r in doc["benchmarks"]
                   if r["name"] == "ring/R:100/thread/real_time" and r["run_type"] == "iteration")
        self.assertEqual(row["time_unit"], "us")
        self.assertIn(row["real_time"] * 1e3, self.by_key["ring/R:100/thread"].times_ns)
        median = self.by_key["ring/R:100/thread"].aggregates["median"]
        self.assertGreater(median, 1e5)  # hundreds of microseconds, in ns

    def test_user_counters_are_collected_per_repetition(self):
        b = self.by_key["ping_pong/same_worker/fiber"]
        self.assertEqual(set(b.counters), {"p50_ns", "p99_ns", "msgs_per_s"})
        self.assertEqual(len(b.counters["p99_ns"]), 9)
        self.assertNotIn("iterations", b.counters)

    def test_registration_order_survives_random_interleaving(self):
        self.assertLess(self.by_key["ping_pong/same_worker/thread"].order,
                        self.by_key["spawn_exit/thread"].order)

    def test_hostile_name_is_data(self):
        hostile = [b for b in self.perf.benchmarks if b.name.family.startswith("xss<img")]
        self.assertEqual(len(hostile), 1)
        self.assertEqual(hostile[0].name.backend, "thread")


class Odd(unittest.TestCase):
    def test_aggregates_only_run(self):
        doc = {"context": {}, "benchmarks": [
            {"name": "a/thread_median", "run_name": "a/thread", "run_type": "aggregate", "aggregate_name": "median",
             "real_time": 2.0, "time_unit": "us"},
            {"name": "a/thread_cv", "run_name": "a/thread", "run_type": "aggregate", "aggregate_name": "cv",
             "aggregate_unit": "percentage", "real_time": 0.05, "time_unit": "us"}]}
        b = gbench.parse(doc).benchmarks[0]
        self.assertEqual(b.times_ns, [])
        self.assertEqual(b.aggregates, {"median": 2000.0, "cv": 0.05})

    def test_aggregate_name_without_run_name(self):
        doc = {"benchmarks": [{"name": "a/tbb_mean", "run_type": "aggregate", "aggregate_name": "mean",
                               "real_time": 1.0, "time_unit": "ns"}]}
        self.assertEqual(gbench.parse(doc).benchmarks[0].name.key, "a/tbb")

    def test_error_rows(self):
        doc = {"benchmarks": [{"name": "a/fiber", "run_type": "iteration", "error_occurred": True,
                               "error_message": "deadlock detected", "real_time": 0, "time_unit": "ns"}]}
        self.assertEqual(gbench.parse(doc).benchmarks[0].error, "deadlock detected")

    def test_not_benchmark_json(self):
        with self.assertRaises(gbench.PerfInputError):
            gbench.parse({"testsuites": []})

    def test_missing_and_broken_files(self):
        with self.assertRaisesRegex(gbench.PerfInputError, "cannot read"):
            gbench.load("/nonexistent/perf.json")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "p.json")
            with open(path, "w") as f:
                f.write('{"benchmarks": [')
            with self.assertRaisesRegex(gbench.PerfInputError, "not valid JSON"):
                gbench.load(path)

    def test_merge_joins_repetitions(self):
        a = gbench.parse({"context": {"x": 1}, "benchmarks": [
            {"name": "a/thread", "run_type": "iteration", "real_time": 1.0, "time_unit": "ns"}]})
        b = gbench.parse({"context": {"x": 2}, "benchmarks": [
            {"name": "a/thread", "run_type": "iteration", "real_time": 2.0, "time_unit": "ns"},
            {"name": "b/tbb", "run_type": "iteration", "real_time": 3.0, "time_unit": "ns"}]})
        m = gbench.merge([a, b])
        self.assertEqual(m.context["x"], 1)
        self.assertEqual(m.by_key()["a/thread"].times_ns, [1.0, 2.0])
        self.assertEqual(len(m.benchmarks), 2)


if __name__ == "__main__":
    unittest.main()
