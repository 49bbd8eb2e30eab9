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

    def test_three_against_three_can_never_be_significant(self):
        # Issue 9, case 4: a 2.6x slowdown with 3 vs 3 repetitions was called
        # "no significant change"; the smallest p 3 vs 3 allows is 0.1.
        (c,) = compare.compare(run(a__thread=[1.0, 1.1, 1.2]), run(a__thread=[2.6, 2.7, 2.8]))
        self.assertEqual(c.verdict, compare.TOO_FEW)
        self.assertAlmostEqual(c.pvalue, 0.1)
        self.assertIn("0.1", c.note)
        self.assertTrue(c.low_power)

    def test_enough_repetitions_for_one_are_too_few_for_many(self):
        # 5 vs 5 reaches p = 0.0079 at best: enough for one benchmark, not
        # once Holm divides alpha among 10.
        one = compare.compare(run(a__t=[1, 2, 3, 4, 5]), run(a__t=[10, 11, 12, 13, 14]))
        self.assertEqual(one[0].verdict, compare.REGRESSION)
        names = {f"b{i}__t": [1, 2, 3, 4, 5] for i in range(10)}
        slow = {f"b{i}__t": [10, 11, 12, 13, 14] for i in range(10)}
        many = compare.compare(run(**names), run(**slow))
        self.assertEqual({c.verdict for c in many}, {compare.TOO_FEW})

    def test_small_significant_change_is_not_a_regression(self):
        # Issue 9, case 4: +1.6% between identical builds failed the gate.
        old = [100.0 + 0.01 * i for i in range(9)]
        new = [101.6 + 0.01 * i for i in range(9)]
        (c,) = compare.compare(run(a__t=old), run(a__t=new))
        self.assertLess(c.p_adjusted, 0.05)
        self.assertEqual(c.verdict, compare.NO_CHANGE)
        self.assertIn("minimum change", c.note)
        (c,) = compare.compare(run(a__t=old), run(a__t=new), min_change=0.01)
        self.assertEqual(c.verdict, compare.REGRESSION)

    def test_holm_correction_over_all_benchmarks(self):
        # One benchmark alone is significant at p ~ 0.016; among 20 it is not.
        old, new = [100, 102, 104, 106, 108, 110, 112], [107, 109, 111, 113, 115, 117, 119]
        (c,) = compare.compare(run(a__t=old), run(a__t=new))
        self.assertEqual(c.verdict, compare.REGRESSION)
        same = {f"b{i}__t": [100 + i + 0.1 * k for k in range(9)] for i in range(19)}
        base, cur = run(a__t=old, **same), run(a__t=new, **same)
        a = next(c for c in compare.compare(base, cur) if c.key == "a/t")
        self.assertEqual(a.verdict, compare.NO_CHANGE)
        self.assertGreater(a.p_adjusted, 0.05)

    def test_every_median_and_ratio_has_an_interval(self):
        old = [100.0 + i for i in range(9)]
        new = [120.0 + i for i in range(9)]
        (c,) = compare.compare(run(a__tbb=old), run(a__tbb=new))
        self.assertLessEqual(c.old_ci[0], c.old_median)
        self.assertGreaterEqual(c.old_ci[1], c.old_median)
        self.assertLessEqual(c.new_ci[0], c.new_median)
        self.assertGreater(c.ratio_ci[0], 1.0)
        self.assertLessEqual(c.ratio_ci[0], c.ratio)
        self.assertGreaterEqual(c.ratio_ci[1], c.ratio)
        # Seeded: the same data gives the same interval.
        (d,) = compare.compare(run(a__tbb=old), run(a__tbb=new))
        self.assertEqual(c.ratio_ci, d.ratio_ci)

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
