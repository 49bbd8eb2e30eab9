"""Every backend against the reference column (the BEAM)."""

import unittest

import support  # noqa: F401  (import path)

from actorspec_report import descriptions, gbench, perf, reference


def families(**series):
    rows = []
    for name, times in series.items():
        rows += [{"name": name.replace("__", "/"), "run_type": "iteration", "real_time": t, "time_unit": "ns"}
                 for t in times]
    run = gbench.parse({"benchmarks": rows})
    return perf.analyse(run, run.backends())


def by_backend(rows):
    return {r.backend: r for r in rows}


class Verdicts(unittest.TestCase):
    def test_faster_slower_and_tied(self):
        rows = by_backend(reference.against(families(
            ring__fast=[10, 11, 12, 10, 11], ring__slow=[40, 41, 42, 40, 43],
            ring__same=[20, 22, 21, 19, 23], ring__beam=[20, 21, 22, 20, 21])))
        self.assertEqual(rows["fast"].verdict, reference.BEATS)
        self.assertEqual(rows["slow"].verdict, reference.LOSES)
        self.assertEqual(rows["same"].verdict, reference.TIES)
        self.assertAlmostEqual(rows["fast"].ratio, 11 / 21)
        self.assertLess(rows["fast"].pvalue, 0.05)
        self.assertNotIn("beam", rows)

    def test_a_counter_family_is_compared_on_its_counter_not_on_time(self):
        # memory: fewer bytes per process than the BEAM, though slower to spawn.
        rows = []
        for backend, times, nbytes in (("small", [90, 91, 92, 90, 93], [100, 101, 100, 102, 100]),
                                       ("beam", [10, 11, 12, 10, 11], [300, 301, 302, 300, 303])):
            rows += [{"name": f"memory/{backend}", "run_type": "iteration", "real_time": t, "time_unit": "ns",
                      "bytes_per_process": n} for t, n in zip(times, nbytes)]
        run = gbench.parse({"benchmarks": rows})
        desc = {"memory": descriptions.Description("memory", "spawn and park", "bytes per process", "",
                                                   quantity="bytes_per_process")}
        r = by_backend(reference.against(perf.analyse(run, run.backends(), desc)))["small"]
        self.assertEqual(r.verdict, reference.BEATS)
        self.assertAlmostEqual(r.ratio, 100 / 301)
        self.assertLess(r.ratio_ci[1], 1)

    def test_too_few_repetitions_is_unknown_not_a_verdict(self):
        rows = by_backend(reference.against(families(ring__fast=[1, 1], ring__beam=[50, 51])))
        self.assertEqual(rows["fast"].verdict, reference.UNKNOWN)
        self.assertIn("repetitions", rows["fast"].why)
        self.assertAlmostEqual(rows["fast"].ratio, 1 / 50.5)

    def test_three_against_three_can_never_be_significant_so_it_is_unknown(self):
        rows = by_backend(reference.against(families(ring__fast=[1, 1, 1], ring__beam=[50, 51, 52])))
        self.assertEqual(rows["fast"].verdict, reference.UNKNOWN)
        self.assertIn("cannot reach", rows["fast"].why)
        self.assertIsNotNone(rows["fast"].ratio_ci)

    def test_a_case_the_reference_did_not_run_is_not_compared(self):
        self.assertEqual(reference.against(families(ring__fast=[1, 2, 3])), [])

    def test_an_error_is_unknown(self):
        run = gbench.parse({"benchmarks": [
            {"name": "ring/beam", "run_type": "iteration", "real_time": 5, "time_unit": "ns"}] * 3 + [
            {"name": "ring/thread", "run_type": "iteration", "error_occurred": True,
             "error_message": "boom", "real_time": 0, "time_unit": "ns"}]})
        rows = by_backend(reference.against(perf.analyse(run, run.backends())))
        self.assertEqual(rows["thread"].verdict, reference.UNKNOWN)
        self.assertIn("boom", rows["thread"].why)

    def test_tally_counts_every_verdict(self):
        rows = reference.against(families(
            a__x=[1, 1, 1, 1], a__beam=[5, 5, 6, 5], b__x=[9, 9, 9, 8], b__beam=[5, 5, 6, 5]))
        t = reference.tally(rows)
        self.assertEqual(t["x"], {reference.BEATS: 1, reference.TIES: 0, reference.LOSES: 1, reference.UNKNOWN: 0})


if __name__ == "__main__":
    unittest.main()


class Rendering(unittest.TestCase):
    def test_the_section_counts_per_backend(self):
        from actorspec_report import meta, sections
        rows = reference.against(families(
            a__x=[1, 1, 1, 1], a__beam=[5, 5, 6, 5], b__x=[9, 9, 9, 8], b__beam=[5, 5, 6, 5]))
        html = sections.against_reference(rows, meta.Facts(beam="Erlang/OTP 25; schedulers: 2"))
        self.assertIn('data-backend="x"', html)
        self.assertIn('<span class="beats">1</span>', html)
        self.assertIn('<span class="loses">1</span>', html)
        self.assertIn("Erlang/OTP 25", html)

    def test_a_missing_reference_says_why(self):
        from actorspec_report import meta, sections
        html = sections.against_reference([], meta.Facts(beam="not run: --no-beam was given"))
        self.assertIn("not run: --no-beam was given", html)

    def test_family_table_has_the_ratio_and_verdict(self):
        from actorspec_report import charts, sections
        fams = families(a__x=[1, 1, 1, 1], a__beam=[5, 5, 6, 5])
        rows = reference.against(fams)
        html = sections.performance(fams, charts.Style(["x", "beam"]), ["x", "beam"], vs_reference=rows)
        self.assertIn("vs BEAM", html)
        self.assertIn('data-verdict="beats"', html)
        self.assertIn("reference", html)
