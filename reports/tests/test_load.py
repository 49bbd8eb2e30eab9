"""Verdicts on a loaded machine (load.py): a benchmark whose median
repetition started with more runnable tasks than CPUs gets "unknown" for
every wall-clock verdict; a quiet one keeps exactly today's verdict; one
without the counters (the BEAM's rows, older binaries) is judged as before."""

import contextlib
import io
import json
import os
import tempfile
import unittest

import support  # noqa: F401  (import path)

from actorspec_report import cli, compare, comparison, gbench, load, model, overview, perf, reference, summary, targets

CPUS = 2
QUIET_RUNNABLE = [1, 2, 1, 2, 1, 1, 2]         # never more than the 2 CPUs
LOADED_RUNNABLE = [12, 9, 3, 11, 1, 10, 8]     # median 9 > 2
CPU_NS = [40, 41, 39, 40, 42, 40, 41]


def _rows(name, times, runnable):
    out = []
    for i, t in enumerate(times):
        row = {"name": name, "run_type": "iteration", "real_time": t, "time_unit": "ns", "iterations": 100}
        if runnable is not None:
            row.update(runnable_at_start=runnable[i % len(runnable)], preemptions=3.0, cpu_ns_per_op=CPU_NS[i % 7])
        out.append(row)
    return out


def _doc(series, cpus=CPUS):
    """series: name -> (times, runnable per repetition or None for no counters)."""
    rows = []
    for name, (times, runnable) in series.items():
        rows += _rows(name, times, runnable)
    ctx = {"num_cpus": cpus} if cpus else {}
    return {"context": ctx, "benchmarks": rows}


def _families(series, cpus=CPUS):
    run = gbench.parse(_doc(series, cpus))
    return perf.analyse(run, run.backends()), run.backends()


FAST = [50, 51, 52, 50, 51, 52, 50]
SLOW = [400, 410, 420, 400, 410, 420, 400]


class Rule(unittest.TestCase):
    def test_median_runnable_above_the_cpus_is_loaded(self):
        ld = load.of({"runnable_at_start": LOADED_RUNNABLE, "cpu_ns_per_op": CPU_NS}, CPUS)
        self.assertTrue(ld.loaded)
        self.assertEqual((ld.runnable, ld.loaded_repetitions, ld.repetitions), (9, 6, 7))
        self.assertIn("9 runnable tasks on 2 CPUs", ld.why)
        self.assertEqual(ld.cpu_ns_per_op, 40)

    def test_as_many_runnable_as_cpus_is_quiet(self):
        ld = load.of({"runnable_at_start": [2, 2, 2, 3, 1]}, CPUS)
        self.assertEqual((ld.state, ld.why), (load.QUIET, ""))

    def test_the_benchmarks_own_runnable_threads_are_not_load(self):
        # 3 runnable on 2 CPUs, but 2 of them are this process (reader + a
        # spinning worker): the machine has one other task, so it is quiet.
        self.assertEqual(load.of({"runnable_at_start": [3] * 5, "own_runnable_at_start": [2] * 5}, CPUS).state,
                         load.QUIET)
        ld = load.of({"runnable_at_start": [5] * 5, "own_runnable_at_start": [2] * 5}, CPUS)
        self.assertEqual((ld.state, ld.runnable), (load.LOADED, 4))

    def test_a_few_loaded_repetitions_do_not_make_the_median_loaded(self):
        self.assertEqual(load.of({"runnable_at_start": [12, 11, 1, 2, 1, 2, 1]}, CPUS).state, load.QUIET)

    def test_no_counter_or_no_cpu_count_is_not_recorded(self):
        self.assertEqual(load.of({}, CPUS).state, load.NOT_RECORDED)
        self.assertEqual(load.of({"runnable_at_start": LOADED_RUNNABLE}, None).state, load.NOT_RECORDED)
        self.assertEqual(load.cpus_of({"num_cpus": 2}), 2)
        self.assertEqual(load.cpus_of({"actorspec_cores": "4"}), 4)
        self.assertIsNone(load.cpus_of({"num_cpus": "?"}))

    def test_bytes_keep_no_load(self):
        rows = [{"name": "memory/fiber", "run_type": "iteration", "real_time": 5, "time_unit": "ns",
                 "bytes_per_process": 4000 + i, "runnable_at_start": 12} for i in range(5)]
        from actorspec_report.descriptions import Description
        run = gbench.parse({"context": {"num_cpus": 2}, "benchmarks": rows})
        (fam,) = perf.analyse(run, ["fiber"], {"memory": Description(key="memory", operation="", unit="", sizes="", quantity="bytes_per_process")})
        self.assertEqual(fam.quantity, "bytes_per_process")
        self.assertEqual(fam.cases[0].entries["fiber"].load.state, load.NOT_RECORDED)


class Targets(unittest.TestCase):
    def _judge(self, line, series, cpus=CPUS):
        fams, backends = _families(series, cpus)
        return targets.judge(targets.parse(line), fams, backends)[0]

    def test_loaded_is_unknown_with_the_load_as_reason(self):
        for line, times in (("ring\tbest\tmedian <= 100\tx", SLOW), ("ring\tbest\tmedian <= 1000\tx", SLOW),
                            ("ring\tbest\tspread <= 0.01\tx", [100, 300, 90, 105, 95, 100, 100])):
            j = self._judge(line, {"ring/fiber": (times, LOADED_RUNNABLE)})
            self.assertEqual(j.verdict, targets.UNKNOWN, line)
            self.assertIn("machine loaded", j.backends[0].why)
            self.assertTrue(j.backends[0].load.loaded)

    def test_quiet_keeps_met_and_missed(self):
        for line, want in (("ring\tbest\tmedian <= 100\tx", targets.MISSED),
                           ("ring\tbest\tmedian <= 1000\tx", targets.MET)):
            quiet = self._judge(line, {"ring/fiber": (SLOW, QUIET_RUNNABLE)})
            bare = self._judge(line, {"ring/fiber": (SLOW, None)})
            self.assertEqual((quiet.verdict, bare.verdict), (want, want), line)
            self.assertEqual(quiet.backends[0].why, "")

    def test_missing_counters_are_judged_as_before(self):
        j = self._judge("ring\tbest\tmedian <= 100\tx", {"ring/fiber": (SLOW, None)})
        self.assertEqual((j.verdict, j.backends[0].load.state), (targets.MISSED, load.NOT_RECORDED))
        # No CPU count in the context: the counters cannot be read either.
        j = self._judge("ring\tbest\tmedian <= 100\tx", {"ring/fiber": (SLOW, LOADED_RUNNABLE)}, cpus=None)
        self.assertEqual(j.verdict, targets.MISSED)

    def test_best_is_met_by_a_quiet_backend_beside_a_loaded_one(self):
        j = self._judge("ring\tbest\tmedian <= 100\tx",
                        {"ring/a": (FAST, QUIET_RUNNABLE), "ring/b": (SLOW, LOADED_RUNNABLE)})
        self.assertEqual(j.verdict, targets.MET)
        self.assertEqual({v.backend: v.verdict for v in j.backends}, {"a": "met", "b": "unknown"})


class Backends(unittest.TestCase):
    def test_a_loaded_loser_has_no_standing_and_nobody_is_fastest(self):
        fams, _ = _families({"x/a": (FAST, QUIET_RUNNABLE), "x/b": (SLOW, LOADED_RUNNABLE)})
        case = fams[0].cases[0]
        self.assertEqual((case.leader, case.unknown, case.fastest()), ("a", ["b"], None))
        self.assertEqual(overview.verdict(case, "b"), overview.UNKNOWN)

    def test_a_loaded_leader_makes_every_standing_unknown(self):
        fams, _ = _families({"x/a": (FAST, LOADED_RUNNABLE), "x/b": (SLOW, QUIET_RUNNABLE)})
        case = fams[0].cases[0]
        self.assertEqual(sorted(case.unknown), ["a", "b"])
        self.assertEqual({overview.verdict(case, b) for b in "ab"}, {overview.UNKNOWN})

    def test_quiet_and_unrecorded_keep_the_fastest(self):
        for runnable in (QUIET_RUNNABLE, None):
            fams, _ = _families({"x/a": (FAST, runnable), "x/b": (SLOW, runnable)})
            self.assertEqual(fams[0].cases[0].fastest(), "a")
            self.assertEqual(overview.verdict(fams[0].cases[0], "b"), overview.LOSS)


class AgainstTheBeam(unittest.TestCase):
    def test_loaded_backend_against_the_beam_is_unknown(self):
        fams, _ = _families({"x/fiber": (SLOW, LOADED_RUNNABLE), "x/beam": (FAST, None)})
        (r,) = reference.against(fams)
        self.assertEqual(r.verdict, reference.UNKNOWN)
        self.assertIn("fiber: machine loaded", r.why)
        self.assertAlmostEqual(r.ratio, 410 / 51)       # the ratio is still shown

    def test_quiet_backend_against_a_beam_without_counters_is_judged(self):
        fams, _ = _families({"x/fiber": (SLOW, QUIET_RUNNABLE), "x/beam": (FAST, None)})
        (r,) = reference.against(fams)
        self.assertEqual(r.verdict, reference.LOSES)


class Baseline(unittest.TestCase):
    def test_a_loaded_run_is_no_regression(self):
        old = gbench.parse(_doc({"x/fiber": (FAST * 2, QUIET_RUNNABLE)}))
        loaded = gbench.parse(_doc({"x/fiber": (SLOW * 2, LOADED_RUNNABLE)}))
        quiet = gbench.parse(_doc({"x/fiber": (SLOW * 2, QUIET_RUNNABLE)}))
        (c,) = compare.compare(old, loaded)
        self.assertEqual(c.verdict, compare.LOADED)
        self.assertIn("this run: machine loaded", c.note)
        (c,) = compare.compare(old, quiet)
        self.assertEqual(c.verdict, compare.REGRESSION)


class Outputs(unittest.TestCase):
    def _report(self, d):
        path = os.path.join(d, "perf.json")
        with open(path, "w") as f:
            json.dump(_doc({"ring/fiber": (SLOW, LOADED_RUNNABLE), "ring/tbb": (FAST, QUIET_RUNNABLE),
                            "ring/beam": (FAST, None)}), f)
        tsv = os.path.join(d, "targets.tsv")
        with open(tsv, "w") as f:
            f.write("case\twho\tbound\twhy\nring\tfiber\tmedian <= 100\tx\n")
        return model.build(model.Inputs(perf=[path], targets=tsv))

    def test_comparison_json_carries_the_load(self):
        with tempfile.TemporaryDirectory() as d:
            doc = json.loads(comparison.to_json(self._report(d)))
        (b,) = doc["benchmarks"]
        fiber, tbb, beam = (b["backends"][k] for k in ("fiber", "tbb", "beam"))
        self.assertEqual((fiber["load"]["state"], fiber["load"]["runnable_at_start_median"]), ("loaded", 9))
        self.assertEqual(fiber["load"]["cpu_ns_per_op_median"], 40)
        self.assertIn("machine loaded", fiber["why"])
        self.assertEqual(fiber["verdict"], "unknown")
        self.assertEqual((tbb["load"]["state"], beam["load"]["state"]), ("quiet", "not recorded"))
        self.assertIn("runnable tasks than CPUs", doc["method"]["load"])
        (t,) = doc["targets"]
        self.assertEqual(t["verdict"], "unknown")
        self.assertEqual(t["backends"]["fiber"]["load"]["state"], "loaded")

    def test_console_shows_cpu_per_op_and_flags_loaded_rows(self):
        with tempfile.TemporaryDirectory() as d:
            text = summary.render(self._report(d))
        row = next(line for line in text.splitlines() if line.strip().startswith("ring"))
        self.assertIn("cpu 40.0 ns", row)
        self.assertEqual(row.count("LOADED"), 1)
        self.assertIn("LOADED: 1 row(s) ran oversubscribed", text)
        self.assertIn("WARNING: 1 of 3 benchmark rows ran on a loaded machine", text)
        target = next(line for line in text.splitlines() if "median <= 100" in line)
        self.assertIn("UNKNOWN", target)
        self.assertIn("machine loaded", target)

    def test_html_flags_the_loaded_row_and_shows_cpu(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "perf.json")
            with open(path, "w") as f:
                json.dump(_doc({"ring/fiber": (SLOW, LOADED_RUNNABLE), "ring/tbb": (FAST, QUIET_RUNNABLE)}), f)
            chartjs = os.path.join(d, "chart.js")
            with open(chartjs, "w") as f:
                f.write(support.STUB_CHARTJS)
            out = os.path.join(d, "index.html")
            with contextlib.redirect_stdout(io.StringIO()):
                rc = cli.main(["--perf", path, "--out", out, "--chartjs", chartjs])
            self.assertEqual(rc, 0)
            with open(out, encoding="utf-8") as f:
                page = f.read()
        self.assertEqual(page.count('<span class="tag loaded">loaded</span>'), 1)
        self.assertIn('data-load="quiet"', page)
        self.assertIn("CPU per op", page)
        self.assertIn("standing unknown: machine loaded", page)


if __name__ == "__main__":
    unittest.main()
