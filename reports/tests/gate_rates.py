"""The regression gate's error rates, measured by simulation (issue 9).

A/A: both runs draw every benchmark from the same distribution, so any
regression flagged is a false alarm; the share of runs with at least one
must stay at or under alpha (0.05), which is what Holm's correction
promises for the whole run. Planted: one benchmark of the run is really 20%
slower; the gate must find it.

The draws are seeded, so the measured rates are fixed numbers, not a flaky
test; the seeds were not picked. 65 benchmarks of 9 repetitions each, as in
the issue's example run, with lognormal noise. Measured (python3
gate_rates.py --rates):
  CV  5%: A/A false alarms 0.020 (0.020 without a minimum change); 20% found 0.997
  CV 10%: A/A false alarms 0.020 (0.020);                           20% found 0.313
  CV 20%: A/A false alarms 0.020 (0.020);                           20% found 0.020
so with 9 repetitions a 20% slowdown is found only where the benchmark's CV
is around 5% or less; noisier rows need more repetitions (the report flags
rows above 10% CV as noisy).

Run by CTest as report_gate_rates (a few CPU seconds; not in report_unit's
discovery, hence the file name).
"""

import math
import random
import unittest

import support  # noqa: F401  (import path)
from actorspec_report import compare, gbench

BENCHMARKS = 65
REPETITIONS = 9
CV = 0.10
RUNS = 200


def _draw(rng, n, median, cv):
    sigma = math.sqrt(math.log(1 + cv * cv))
    return [median * math.exp(rng.gauss(0.0, sigma)) for _ in range(n)]


def _run(rng, slow=None, factor=1.0, cv=CV):
    rows = []
    for i in range(BENCHMARKS):
        med = 1000.0 * (1 + i)
        if slow == i:
            med *= factor
        rows += [{"name": f"b{i}/x", "run_type": "iteration", "real_time": t, "time_unit": "ns"}
                 for t in _draw(rng, REPETITIONS, med, cv)]
    return gbench.parse({"benchmarks": rows})


def false_alarm_rate(min_change, seed=1, runs=RUNS, cv=CV):
    rng = random.Random(seed)
    alarms = 0
    for _ in range(runs):
        changes = compare.compare(_run(rng, cv=cv), _run(rng, cv=cv), min_change=min_change, intervals=False)
        alarms += any(c.verdict == compare.REGRESSION for c in changes)
    return alarms / runs


def detection_rate(cv, seed=2, runs=RUNS * 3 // 2):
    rng = random.Random(seed)
    found = 0
    for r in range(runs):
        slow = r % BENCHMARKS
        changes = compare.compare(_run(rng, cv=cv), _run(rng, slow=slow, factor=1.2, cv=cv), intervals=False)
        found += any(c.key == f"b{slow}/x" and c.verdict == compare.REGRESSION for c in changes)
    return found / runs


class AA(unittest.TestCase):
    def test_false_alarm_rate_with_the_default_minimum_change(self):
        self.assertLessEqual(false_alarm_rate(compare.DEFAULT_MIN_CHANGE), 0.05)

    def test_false_alarm_rate_from_the_correction_alone(self):
        # Without a minimum change only Holm stands between noise and a red build.
        self.assertLessEqual(false_alarm_rate(0.0), 0.05)


class Planted(unittest.TestCase):
    def test_a_20_percent_slowdown_is_found(self):
        self.assertGreaterEqual(detection_rate(0.05), 0.95)


if __name__ == "__main__":
    import sys
    if "--rates" in sys.argv:
        for cv in (0.05, 0.10, 0.20):
            print(f"CV {cv:.0%}: A/A false-alarm rate (min change 5%) {false_alarm_rate(0.05, cv=cv):.3f}, "
                  f"(no min change) {false_alarm_rate(0.0, cv=cv):.3f}; 20% slowdown found {detection_rate(cv):.3f}")
    else:
        unittest.main()
