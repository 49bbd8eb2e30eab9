"""Issue 15: descriptions from the perf suite, the quantity each family is
compared on, scaling charts, the first screen's per-backend summary and
comparison.json, all read off the same analysed data."""

import json
import unittest

import support  # noqa: F401
from actorspec_report import charts, comparison, descriptions, gbench, matrix, model, overview, perf, spec
from actorspec_report import reference as vs_ref

BACKENDS = ["thread", "tbb", "fiber"]


def _desc(**fields):
    doc = {"operation": "op", "unit": "ns per op", "sizes": "n", "quantity": "", "per_second": "", "tails": "-",
           "x_axis": ""}
    doc.update(fields)
    return json.dumps(doc)


def _run(context=None, **series):
    """series: name (with __ for /) -> list of reps, each a time or (time, {counter: value})."""
    rows = []
    for name, reps in series.items():
        for r in reps:
            t, counters = (r if isinstance(r, tuple) else (r, {}))
            rows.append(dict({"name": name.replace("__", "/"), "run_type": "iteration", "real_time": t,
                              "time_unit": "ns"}, **counters))
    return gbench.parse({"context": context or {}, "benchmarks": rows})


def _fams(run):
    return perf.analyse(run, BACKENDS, descriptions.from_context(run.context))


def _seq(base, n=9, step=1.0):
    return [base + step * i for i in range(n)]


class Descriptions(unittest.TestCase):
    def test_longest_whole_element_prefix_wins(self):
        d = descriptions.from_context({"actorspec_family:ring": _desc(unit="ns per hop"),
                                       "actorspec_family:ring/scaling": _desc(x_axis="workers"),
                                       "actorspec_family:broken": "{not json", "other": "x"})
        self.assertEqual(sorted(d), ["ring", "ring/scaling"])
        self.assertEqual(descriptions.lookup(d, "ring/R:10").key, "ring")
        self.assertEqual(descriptions.lookup(d, "ring/scaling/R:100/workers:2").key, "ring/scaling")
        self.assertIsNone(descriptions.lookup(d, "ringer/R:10"))

    def test_tails_dash_means_none(self):
        d = descriptions.from_context({"actorspec_family:a": _desc(tails="-"), "actorspec_family:b": _desc(tails="")})
        self.assertIsNone(d["a"].tails)
        self.assertEqual(d["b"].tails, "")


class Order(unittest.TestCase):
    def test_families_follow_the_registration_order_of_descriptions(self):
        def d(order):
            return json.dumps({"operation": "op", "unit": "u", "sizes": "", "order": order})
        ctx = {"actorspec_family:ring": d(1), "actorspec_family:ring/scaling": d(2), "actorspec_family:spawn": d(0)}
        # Rows as one process per family and backend leaves them: shuffled.
        run = _run(ctx, **{"ring__scaling__workers:1__tbb": [1, 2, 3], "ring__R:10__tbb": [1, 2, 3],
                           "other__tbb": [1, 2, 3], "spawn__tbb": [1, 2, 3]})
        self.assertEqual([f.name for f in _fams(run)], ["spawn", "ring", "ring/scaling", "other"])


class Quantity(unittest.TestCase):
    def test_memory_is_ranked_on_bytes_not_time(self):
        # thread is faster, fiber is smaller: the memory family must crown fiber.
        ctx = {"actorspec_family:memory": _desc(quantity="bytes_per_process")}
        run = _run(ctx, memory__thread=[(t, {"bytes_per_process": 9000.0 + t}) for t in _seq(100)],
                   memory__fiber=[(t, {"bytes_per_process": 1000.0 + t}) for t in _seq(500)])
        (fam,) = _fams(run)
        self.assertEqual(fam.quantity, "bytes_per_process")
        self.assertEqual(fam.cases[0].fastest(), "fiber")
        spec_ = charts.describe(fam.charts[0], fam, BACKENDS, charts.Style(BACKENDS))
        self.assertEqual(spec_["kind"], "dot")
        self.assertIn("KiB", spec_["unit"])

    def test_counter_missing_somewhere_falls_back_to_time(self):
        ctx = {"actorspec_family:memory": _desc(quantity="bytes_per_process")}
        run = _run(ctx, memory__thread=[(t, {"bytes_per_process": 1.0}) for t in _seq(100)], memory__fiber=_seq(500))
        (fam,) = _fams(run)
        self.assertEqual(fam.quantity, "")
        self.assertEqual(fam.cases[0].fastest(), "thread")

    def test_rate_axis_is_higher_better_and_keeps_intervals_ordered(self):
        ctx = {"actorspec_family:fan_in": _desc(per_second="messages")}
        (fam,) = _fams(_run(ctx, fan_in__thread=_seq(100, step=3), fan_in__fiber=_seq(50, step=2)))
        c = charts.describe(fam.charts[0], fam, BACKENDS, charts.Style(BACKENDS))
        self.assertEqual(c["better"], "higher")
        self.assertIn("messages/s", c["unit"])
        for s in c["series"]:
            for p in s["points"]:
                if p:
                    self.assertLessEqual(p["lo"], p["y"])
                    self.assertLessEqual(p["y"], p["hi"])
        fiber = next(s for s in c["series"] if s["backend"] == "fiber")["points"][0]
        thread = next(s for s in c["series"] if s["backend"] == "thread")["points"][0]
        self.assertGreater(fiber["y"], thread["y"])   # faster = more messages per second

    def test_no_chart_is_a_bar_chart(self):
        run = gbench.load(support.fixture("perf.json"))
        for fam in _fams(run):
            for c in fam.charts:
                self.assertIn(c.kind, ("dot", "sweep", "scaling", "tails"))


class Sweep(unittest.TestCase):
    def test_a_zero_on_the_swept_axis_gives_even_steps_not_a_broken_log_axis(self):
        (fam,) = _fams(_run(None, **{f"sel__D:{d}__tbb": _seq(10 + d) for d in (0, 10, 100)}))
        (chart,) = fam.charts
        c = charts.describe(chart, fam, BACKENDS, charts.Style(BACKENDS))
        self.assertEqual(c["xSteps"], ["0", "10", "100"])
        self.assertEqual([p["x"] for p in c["series"][0]["points"]], [0, 1, 2])
        self.assertIn("not to scale", c["xTitle"])
        (fam,) = _fams(_run(None, **{f"ring__R:{r}__tbb": _seq(r) for r in (10, 100)}))
        self.assertIsNone(charts.describe(fam.charts[0], fam, BACKENDS, charts.Style(BACKENDS))["xSteps"])


class Scaling(unittest.TestCase):
    def setUp(self):
        ctx = {"actorspec_family:ring/scaling": _desc(x_axis="workers", per_second="hops")}
        series = {"ring__scaling__R:100__one_thread_per_process__thread": _seq(900)}
        for w in (1, 2, 4):
            series[f"ring__scaling__R:100__workers:{w}__tbb"] = _seq(100 * w)
            series[f"ring__scaling__R:100__workers:{w}__fiber"] = _seq(80 * w)
        (self.fam,) = _fams(_run(ctx, **series))

    def test_one_scaling_chart_with_workers_on_x_and_thread_flat(self):
        self.assertTrue(self.fam.scaling)
        (chart,) = self.fam.charts
        self.assertEqual((chart.kind, chart.sweep_param), ("scaling", "workers"))
        c = charts.describe(chart, self.fam, BACKENDS, charts.Style(BACKENDS))
        by = {s["backend"]: s for s in c["series"]}
        self.assertEqual([p["x"] for p in by["tbb"]["points"]], [1.0, 2.0, 4.0])
        flat = by["thread (one OS thread per process)"]
        self.assertTrue(flat["flat"])
        self.assertEqual([p["x"] for p in flat["points"]], [1.0, 2.0, 4.0])
        self.assertEqual(len({p["y"] for p in flat["points"]}), 1)

    def test_scaling_stays_out_of_the_summary(self):
        sts = overview.standings([self.fam], BACKENDS)
        self.assertEqual([sts[b].compared for b in BACKENDS], [0, 0, 0])


class Summary(unittest.TestCase):
    def setUp(self):
        ctx = {"actorspec_family:a": _desc(), "actorspec_family:b": _desc()}
        series = {
            # a/k:1: fiber clearly fastest; a/k:2: thread and fiber tie, tbb slower.
            "a__k:1__thread": _seq(300), "a__k:1__tbb": _seq(200), "a__k:1__fiber": _seq(100),
            "a__k:2__thread": [100, 300, 50, 220, 90, 400, 120, 60, 250],
            "a__k:2__fiber": [110, 280, 70, 200, 95, 380, 130, 65, 240],
            "a__k:2__tbb": _seq(5000),
            # b: only thread and fiber; fiber errors out.
            "b__thread": _seq(10),
        }
        rows = []
        for name, reps in series.items():
            rows += [{"name": name.replace("__", "/"), "run_type": "iteration", "real_time": t, "time_unit": "ns"}
                     for t in reps]
        rows.append({"name": "b/fiber", "run_type": "iteration", "error_occurred": True, "error_message": "boom"})
        self.run = gbench.parse({"context": ctx, "benchmarks": rows})
        self.fams = _fams(self.run)

    def test_counts_come_from_the_cases_verdicts(self):
        sts = overview.standings(self.fams, BACKENDS)
        self.assertEqual(sts["fiber"].counts, {"win": 1, "tie": 1, "loss": 0, "unknown": 1})
        self.assertEqual(sts["thread"].counts, {"win": 0, "tie": 1, "loss": 1, "unknown": 0})
        self.assertEqual(sts["tbb"].counts, {"win": 0, "tie": 0, "loss": 2, "unknown": 0})
        # b has one timed backend: nothing to compare, so thread's b is not counted.
        self.assertAlmostEqual(sts["fiber"].geomean, (1.0 * 130 / 120) ** 0.5)   # k:2 medians 130 vs 120
        self.assertGreater(sts["tbb"].geomean, 2)

    def test_reference_ratios_when_flagged(self):
        sts = overview.standings(self.fams, BACKENDS, reference="fiber",
                                 vs_reference=vs_ref.against(self.fams, "fiber"))
        self.assertEqual(len(sts["tbb"].ref_ratios), 2)
        self.assertEqual(sts["fiber"].ref_ratios, [])
        self.assertGreater(sts["tbb"].ref_geomean, 1)

    def test_comparison_json_matches_the_summary(self):
        conf = matrix.build(spec.Spec(), [], BACKENDS)
        report = model.Report(facts=model.meta.gather(self.run.context, None), backends=BACKENDS, spec=spec.Spec(),
                              spec_loaded=False, matrix=conf, perf_run=self.run, families=self.fams, changes=None,
                              baseline_label="")
        doc = json.loads(comparison.to_json(report))
        self.assertEqual(doc["backends"]["fiber"]["won"], 1)
        self.assertEqual(doc["backends"]["tbb"]["lost"], 2)
        k1 = next(b for b in doc["benchmarks"] if b["name"] == "a/k:1")
        self.assertEqual(k1["fastest"], "fiber")
        self.assertEqual(k1["backends"]["tbb"]["verdict"], "loss")
        self.assertLess(k1["backends"]["fiber"]["ci95"][0], k1["backends"]["fiber"]["ci95"][1])
        b = next(b for b in doc["benchmarks"] if b["name"] == "b")
        self.assertEqual(b["backends"]["fiber"]["verdict"], "unknown")
        self.assertEqual(b["backends"]["fiber"]["error"], "boom")

    def _report(self, reference=None):
        conf = matrix.build(spec.Spec(), [], BACKENDS)
        facts = model.meta.gather(dict(self.run.context, **({"actorspec_reference_backend": reference}
                                                              if reference else {})), None)
        return model.Report(facts=facts, backends=BACKENDS, spec=spec.Spec(), spec_loaded=False, matrix=conf,
                            perf_run=self.run, families=self.fams, changes=None, baseline_label="",
                            vs_reference=vs_ref.against(self.fams, reference or "beam"))

    def test_first_screen_names_the_reference_when_the_data_flags_one(self):
        from actorspec_report import render
        page = render.to_html(self._report("fiber"), support.STUB_CHARTJS)
        self.assertIn('id="overview"', page)
        self.assertLess(page.index('id="overview"'), page.index('id="facts"'))
        self.assertIn("vs fiber:", page)
        self.assertIn("the reference: ratios below are to it", page)
        doc = json.loads(comparison.to_json(self._report("fiber")))
        self.assertEqual(doc["reference_backend"], "fiber")
        self.assertGreater(doc["backends"]["tbb"]["geomean_ratio_to_reference"], 1)
        # One computation: the per-backend tally is the per-benchmark verdicts
        # reference.py made, which the card line shows.
        per_bench = [bm["backends"]["tbb"]["verdict_vs_reference"] for bm in doc["benchmarks"]
                     if "verdict_vs_reference" in bm["backends"].get("tbb", {})]
        self.assertTrue(per_bench)
        self.assertEqual(sum(doc["backends"]["tbb"]["vs_reference"].values()), len(per_bench))
        self.assertEqual(doc["backends"]["tbb"]["vs_reference"]["unknown"], per_bench.count("unknown"))
        self.assertIsNone(doc["backends"]["fiber"]["vs_reference"])
        self.assertIn('class="unknown"', page.split('id="overview"')[1].split("</section>")[0])
        plain = render.to_html(self._report(), support.STUB_CHARTJS)
        self.assertNotIn("vs fiber:", plain)
        # A flag naming no column is no reference.
        self.assertIsNone(self._report("beam").reference)


if __name__ == "__main__":
    unittest.main()
