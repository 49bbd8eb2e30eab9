"""The perf suite's targets (perf/targets.tsv) judged on a run."""

import os
import unittest

import support  # noqa: F401  (import path)

from actorspec_report import gbench, perf, targets

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def families(**series):
    rows = []
    for name, times in series.items():
        rows += [{"name": name.replace("__", "/").replace("_N_", "N:"), "run_type": "iteration",
                  "real_time": t, "time_unit": "ns"} for t in times]
    run = gbench.parse({"benchmarks": rows})
    return perf.analyse(run, run.backends()), run.backends()


def judge(line, **series):
    fams, backends = families(**series)
    return targets.judge(targets.parse(line), fams, backends)[0]


class Verdicts(unittest.TestCase):
    def test_best_is_met_when_one_backend_meets_it(self):
        j = judge("ring\tbest\tmedian <= 100\tx", ring__fast=[50, 51, 52, 50, 51, 52, 50],
                  ring__slow=[400, 410, 420, 400, 410, 420, 400], ring__beam=[60] * 7)
        self.assertEqual(j.verdict, targets.MET)
        self.assertEqual({v.backend: v.verdict for v in j.backends}, {"fast": "met", "slow": "missed"})
        self.assertEqual(j.references, {"beam": 60})

    def test_a_backend_without_the_benchmark_does_not_make_best_unknown(self):
        fams, backends = families(ring__a=[50, 51, 52, 50, 51], ring__b=[60, 61, 62, 60, 61],
                                  spawn__b=[1, 1, 1])
        j = targets.judge(targets.parse("ring\tbest\tmedian <= 10\tx"), fams, backends + ["c"])[0]
        self.assertEqual(j.verdict, targets.MISSED)
        self.assertEqual([v.backend for v in j.backends], ["a", "b"])

    def test_best_is_missed_only_when_every_backend_misses(self):
        j = judge("ring\tbest\tmedian <= 10\tx", ring__a=[50, 51, 52, 50, 51], ring__b=[60, 61, 62, 60, 61])
        self.assertEqual(j.verdict, targets.MISSED)

    def test_a_listed_backend_that_misses_misses_the_target(self):
        j = judge("ring\ta,b\tmedian <= 55\tx", ring__a=[50, 51, 52, 50, 51], ring__b=[60, 61, 62, 60, 61])
        self.assertEqual(j.verdict, targets.MISSED)

    def test_an_interval_holding_the_bound_is_unknown(self):
        j = judge("ring\tbest\tmedian <= 100\tx", ring__a=[60, 140, 95, 105, 70, 130, 99])
        self.assertEqual(j.verdict, targets.UNKNOWN)
        self.assertIn("holds the bound", j.backends[0].why)

    def test_too_few_repetitions_and_missing_benchmarks_are_unknown(self):
        self.assertEqual(judge("ring\tbest\tmedian <= 100\tx", ring__a=[1, 1]).verdict, targets.UNKNOWN)
        j = judge("spawn\tbest\tmedian <= 100\tx", ring__a=[1, 1, 1])
        self.assertEqual(j.verdict, targets.UNKNOWN)
        self.assertIsNone(j.case)
        j = judge("ring\tthread\tmedian <= 100\tx", ring__a=[1, 1, 1])
        self.assertEqual((j.verdict, j.backends[0].why), (targets.UNKNOWN, "not run"))

    def test_spread_is_read_off_the_repetitions(self):
        steady = judge("ring\tbest\tspread <= 0.2\tx", ring__a=[100, 110, 90, 105, 95])
        self.assertEqual(steady.verdict, targets.MET)
        self.assertAlmostEqual(steady.backends[0].spread, 0.1)
        wild = judge("ring\tbest\tspread <= 0.2\tx", ring__a=[100, 300, 90, 105, 95])
        self.assertEqual(wild.verdict, targets.MISSED)

    def test_a_size_pattern_matches_quick_and_full_sizes(self):
        j = judge("spawn/throughput/N:*\tbest\tmedian <= 700\tx",
                  spawn__throughput___N_200__fiber=[500, 510, 520])
        self.assertEqual(j.case, "spawn/throughput/N:200")


class File(unittest.TestCase):
    def test_the_suites_targets_file_parses(self):
        ts = targets.load(os.path.join(ROOT, "perf", "targets.tsv"))
        self.assertGreaterEqual(len(ts), 9)
        self.assertIn("spawn/throughput/N:*", [t.case for t in ts])

    def test_a_malformed_line_is_a_clear_error(self):
        with self.assertRaisesRegex(targets.TargetsError, "bound 'median < 5'"):
            targets.parse("ring\tbest\tmedian < 5\tx")
        with self.assertRaisesRegex(targets.TargetsError, "4 tab-separated columns"):
            targets.parse("ring best median <= 5")
        with self.assertRaisesRegex(targets.TargetsError, "cannot read"):
            targets.load("/nonexistent/targets.tsv")



class Page(unittest.TestCase):
    def test_the_report_shows_each_target_with_its_verdict(self):
        from actorspec_report import sections
        fams, backends = families(ring__fast=[50, 51, 52, 50, 51], ring__beam=[60, 61, 60, 62, 61])
        judged = targets.judge(targets.parse("ring\tbest\tmedian <= 100\t<b>why</b>"), fams, backends)
        page = str(sections.targets(judged))
        self.assertIn('data-target="ring" data-verdict="met"', page)
        self.assertIn("&lt;b&gt;why&lt;/b&gt;", page)
        self.assertNotIn("<b>why", page)


if __name__ == "__main__":
    unittest.main()
