"""Grouping benchmarks into families, sweeps and ratios."""

import unittest

import support
from actorspec_report import descriptions, gbench, perf


def bench(name, times):
    return {"benchmarks": [{"name": name, "run_type": "iteration", "real_time": t, "time_unit": "ns"} for t in times]}


class FromFixture(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        run = gbench.load(support.fixture("perf.json"))
        cls.families = perf.analyse(run, ["thread", "tbb", "fiber"], descriptions.from_context(run.context))
        cls.by_name = {f.name: f for f in cls.families}

    def test_family_order_is_registration_order(self):
        self.assertEqual([f.name for f in self.families][:6],
                         ["ping_pong", "ring", "fanin", "selective", "spawn_exit", "after_timeout"])

    def test_sweeps_are_detected(self):
        for fam, axis in (("ring", "R"), ("fanin", "k"), ("selective", "D")):
            (chart,) = self.by_name[fam].charts
            self.assertEqual((chart.kind, chart.sweep_param), ("sweep", axis))
            values = [c.params[axis] for c in chart.cases]
            self.assertEqual(values, sorted(values))

    def test_non_sweeps_are_dot_plots(self):
        self.assertEqual(self.by_name["ping_pong"].charts[0].kind, "dot")
        self.assertEqual(self.by_name["spawn_exit"].charts[0].kind, "dot")
        # A single value is no sweep.
        self.assertEqual(self.by_name["after_timeout"].charts[0].kind, "dot")

    def test_described_family_with_tails_gets_a_tail_chart(self):
        fam = self.by_name["ping_pong"]
        self.assertEqual(fam.description.unit, "ns per round trip")
        self.assertEqual([c.kind for c in fam.charts], ["dot", "tails"])
        self.assertIsNone(self.by_name["spawn_exit"].description)

    def test_ratio_to_fastest(self):
        case = self.by_name["ping_pong"].cases[0]
        self.assertEqual(case.fastest(), "fiber")
        self.assertEqual(case.entries["fiber"].ratio, 1.0)
        self.assertGreater(case.entries["thread"].ratio, 10)
        self.assertEqual(list(case.entries), ["thread", "tbb", "fiber"])

    def test_counters_are_medians(self):
        m = self.by_name["ping_pong"].cases[0].entries["fiber"]
        self.assertIn("p99_ns", m.counters)
        self.assertEqual(self.by_name["ping_pong"].counter_names, ["p50_ns", "p99_ns", "msgs_per_s"])


class Sweeps(unittest.TestCase):
    def test_fixed_arguments_split_sweep_charts(self):
        doc = {"benchmarks": []}
        for mode in ("lazy", "eager"):
            for n in (1, 10, 100):
                for b in ("thread", "fiber"):
                    doc["benchmarks"] += bench(f"grow/{mode}/n:{n}/{b}", [n * 10.0, n * 11.0])["benchmarks"]
        (fam,) = perf.analyse(gbench.parse(doc), ["thread", "fiber"])
        self.assertEqual([(c.kind, c.group, len(c.cases)) for c in fam.charts],
                         [("sweep", "lazy", 3), ("sweep", "eager", 3)])

    def test_aggregates_only_still_summarised(self):
        doc = {"benchmarks": [{"name": "a/thread_median", "run_name": "a/thread", "run_type": "aggregate",
                               "aggregate_name": "median", "real_time": 5.0, "time_unit": "ns"}]}
        (fam,) = perf.analyse(gbench.parse(doc), ["thread"])
        s = fam.cases[0].entries["thread"].summary
        self.assertEqual((s.n, s.median), (0, 5.0))


if __name__ == "__main__":
    unittest.main()
