"""Comparing against a baseline run."""

import unittest

import support
from actorspec_report import compare, gbench


def run(**series):
    rows = []
    for name, times in series.items():
        rows += [{"name": name.replace("__", "/"), "run_type": "iteration", "real_time": t, "time_unit": "ns"}
                 for t in times]
    return gbench.parse({"benchmarks": rows})


class FromFixtures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        changes = compare.compare(gbench.load(support.fixture("perf_baseline.json")),
                                  gbench.load(support.fixture("perf.json")))
        cls.by_key = {c.key: c for c in changes}

    def test_planted_regression_and_improvements(self):
        reg = self.by_key["ping_pong/same_worker/tbb"]
        self.assertEqual(reg.verdict, compare.REGRESSION)
        self.assertGreater(reg.change_pct, 20)
        self.assertLess(reg.pvalue, 0.001)
        for r in (10, 100, 1000):
            self.assertEqual(self.by_key[f"ring/R:{r}/fiber"].verdict, compare.IMPROVEMENT)

    def test_everything_else_unchanged(self):
        planted = {"ping_pong/same_worker/tbb", "ring/R:10/fiber", "ring/R:100/fiber", "ring/R:1000/fiber"}
        for key, c in self.by_key.items():
            if key not in planted and c.verdict not in (compare.NEW, compare.GONE):
                self.assertEqual(c.verdict, compare.NO_CHANGE, key)

    def test_new_and_gone(self):
        self.assertEqual(self.by_key["after_timeout/ms:1/thread"].verdict, compare.NEW)
        self.assertEqual(self.by_key["mailbox_grow/thread"].verdict, compare.GONE)


class Rules(unittest.TestCase):
    def test_too_few_repetitions(self):
        (c,) = compare.compare(run(a__thread=[1.0, 1.1]), run(a__thread=[2.0, 2.1]))
        self.assertEqual(c.verdict, compare.TOO_FEW)
        self.assertAlmostEqual(c.change_pct, 100 * (2.05 - 1.05) / 1.05)
        self.assertIsNone(c.pvalue)

    def test_three_repetitions_get_a_test_but_low_power(self):
        (c,) = compare.compare(run(a__thread=[1.0, 1.1, 1.2]), run(a__thread=[2.0, 2.1, 2.2]))
        self.assertEqual(c.verdict, compare.NO_CHANGE)   # exact p = 0.1 with 3 vs 3
        self.assertAlmostEqual(c.pvalue, 0.1)
        self.assertTrue(c.low_power)

    def test_significant_slowdown_is_a_regression(self):
        old = [100.0 + i for i in range(9)]
        new = [120.0 + i for i in range(9)]
        (c,) = compare.compare(run(a__tbb=old), run(a__tbb=new))
        self.assertEqual(c.verdict, compare.REGRESSION)
        self.assertFalse(c.low_power)
        (c,) = compare.compare(run(a__tbb=new), run(a__tbb=old))
        self.assertEqual(c.verdict, compare.IMPROVEMENT)

    def test_noise_is_no_change(self):
        old = [100.0, 103.0, 98.0, 101.0, 99.0, 102.0, 97.0, 104.0, 100.5]
        new = [101.0, 99.5, 102.5, 98.5, 100.0, 103.5, 97.5, 101.5, 99.0]
        (c,) = compare.compare(run(a__tbb=old), run(a__tbb=new))
        self.assertEqual(c.verdict, compare.NO_CHANGE)


if __name__ == "__main__":
    unittest.main()
