"""Descriptive statistics and the Mann-Whitney U test against published values."""

import itertools
import math
import unittest

import support  # noqa: F401  (sets the import path)
from actorspec_report import stats


class Descriptive(unittest.TestCase):
    def test_median_odd_even(self):
        self.assertEqual(stats.median([3, 1, 2]), 2)
        self.assertEqual(stats.median([4, 1, 3, 2]), 2.5)

    def test_stddev_is_sample_stddev_like_google_benchmark(self):
        # Sample (n-1) standard deviation of 2,4,4,4,5,5,7,9 is sqrt(32/7).
        self.assertAlmostEqual(stats.stddev([2, 4, 4, 4, 5, 5, 7, 9]), math.sqrt(32 / 7), places=12)

    def test_cv_is_a_fraction(self):
        xs = [2, 4, 4, 4, 5, 5, 7, 9]
        self.assertAlmostEqual(stats.cv(xs), math.sqrt(32 / 7) / 5.0, places=12)
        self.assertEqual(stats.cv([5.0]), 0.0)

    def test_summarize(self):
        s = stats.summarize([10.0, 12.0, 11.0])
        self.assertEqual((s.n, s.median, s.minimum, s.maximum), (3, 11.0, 10.0, 12.0))

    def test_percent_change_follows_compare_py(self):
        self.assertAlmostEqual(stats.percent_change(100, 110), 10.0)
        self.assertAlmostEqual(stats.percent_change(100, 50), -50.0)
        self.assertEqual(stats.percent_change(0, 0), 0.0)
        # compare.py's calculate_change: a zero base divides by the mean.
        self.assertAlmostEqual(stats.percent_change(0, 10), 200.0)

    def test_midranks_and_tie_groups(self):
        ranks, ties = stats.rank_with_ties([10, 20, 20, 30])
        self.assertEqual(ranks, [1.0, 2.5, 2.5, 4.0])
        self.assertEqual(sorted(ties), [1, 1, 2])


class MannWhitney(unittest.TestCase):
    def test_scipy_documented_example_exact(self):
        # scipy.stats.mannwhitneyu docstring (example from its reference [4]):
        # males = [19, 22, 16, 29, 24], females = [20, 11, 17, 12];
        # mannwhitneyu(males, females, method="exact") -> U1 = 17.0,
        # p = 0.1111111111111111.
        r = stats.mann_whitney_u([19, 22, 16, 29, 24], [20, 11, 17, 12])
        self.assertEqual(r.method, "exact")  # n <= 8 and no ties: scipy's 'auto' picks exact
        self.assertEqual(r.u1, 17.0)
        self.assertAlmostEqual(r.pvalue, 0.1111111111111111, places=15)

    def test_scipy_documented_example_asymptotic(self):
        # Same docstring: method="asymptotic" gives pnorm = 0.11134688653314041.
        r = stats.mann_whitney_u([19, 22, 16, 29, 24], [20, 11, 17, 12], method="asymptotic")
        self.assertAlmostEqual(r.pvalue, 0.11134688653314041, places=12)

    def test_nag_g08amc_example_with_ties(self):
        # NAG Library g08amc (nag_mann_whitney) example program: 16 vs 23
        # values with many ties; results: U = 86, normal statistic -2.8039,
        # approximate (one-)tail probability 0.0025. That statistic is the
        # tie-corrected, continuity-corrected z, so the two-sided p is twice
        # the tail.
        g1 = [13, 6, 12, 7, 12, 7, 10, 7, 10, 7, 16, 7, 10, 8, 9, 8]
        g2 = [17, 6, 10, 8, 15, 8, 15, 10, 15, 10, 14, 10, 14, 11, 14, 11, 13, 12, 13, 12, 13, 12, 12]
        r = stats.mann_whitney_u(g1, g2)
        self.assertEqual(r.method, "asymptotic")
        self.assertEqual(r.u1, 86.0)
        self.assertAlmostEqual(abs(r.z), 2.8039, places=4)
        self.assertAlmostEqual(r.pvalue / 2, 0.0025, places=4)

    def test_dolphindb_documented_example_with_ties(self):
        # DolphinDB mannWhitneyUTest docs: X = 5 1 4 3 5, Y = 2 4 7 -1 0 4,
        # continuity correction on: U = 11, two-sided p = 0.518023.
        r = stats.mann_whitney_u([5, 1, 4, 3, 5], [2, 4, 7, -1, 0, 4])
        self.assertEqual(min(r.u1, 5 * 6 - r.u1), 11.0)
        # They print 0.518023 where erfc gives 0.5180221: agree to 5 places.
        self.assertAlmostEqual(r.pvalue, 0.518023, places=5)

    def test_nine_vs_nine_fully_separated(self):
        # By hand: U = 81, mu = 40.5, sigma^2 = 9*9*19/12, z = (81-40.5-0.5)/sigma.
        z = 40.0 / math.sqrt(81 * 19 / 12)
        expected = math.erfc(z / math.sqrt(2))
        r = stats.mann_whitney_u(list(range(10, 19)), list(range(9)))
        self.assertAlmostEqual(r.pvalue, expected, places=14)
        self.assertLess(r.pvalue, 0.001)

    def test_exact_matches_brute_force_enumeration(self):
        # Independent check of the counting recurrence: enumerate every way
        # of choosing which pooled ranks belong to x.
        x, y = [1.1, 3.4, 5.0, 8.2], [2.0, 2.5, 4.1, 6.3, 7.7]
        n1, n = len(x), len(x) + len(y)
        u_obs = stats.mann_whitney_u(x, y).u1
        u_big = max(u_obs, n1 * (n - n1) - u_obs)
        count = total = 0
        for chosen in itertools.combinations(range(1, n + 1), n1):
            u = sum(chosen) - n1 * (n1 + 1) / 2
            total += 1
            if max(u, n1 * (n - n1) - u) >= u_big:
                count += 1
        self.assertAlmostEqual(stats.mann_whitney_u(x, y, method="exact").pvalue, min(1.0, count / total), places=12)

    def test_symmetric_in_its_arguments(self):
        x, y = [3.0, 4.5, 2.2, 8.0, 5.5, 6.1, 7.2, 1.0, 9.9], [4.0, 6.6, 7.7, 8.8, 10.1, 11.0, 5.0, 6.0, 12.0]
        self.assertAlmostEqual(stats.mann_whitney_u(x, y).pvalue, stats.mann_whitney_u(y, x).pvalue, places=14)

    def test_identical_values_give_no_evidence(self):
        self.assertEqual(stats.mann_whitney_u([5.0] * 9, [5.0] * 9).pvalue, 1.0)

    def test_refuses_bad_input(self):
        with self.assertRaises(ValueError):
            stats.mann_whitney_u([], [1.0])
        with self.assertRaises(ValueError):
            stats.mann_whitney_u([1.0, 1.0], [1.0, 2.0], method="exact")


if __name__ == "__main__":
    unittest.main()
