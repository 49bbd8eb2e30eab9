"""Comparing a run against a baseline run, benchmark by benchmark.

The change is the change of the median real time; whether it is real is
decided, as Google Benchmark's tools/compare.py does, by a two-sided
Mann-Whitney U test over the repetitions at alpha 0.05.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from . import stats
from .gbench import Benchmark, PerfRun

REGRESSION = "regression"
IMPROVEMENT = "improvement"
NO_CHANGE = "no significant change"
TOO_FEW = "too few repetitions"
NEW = "new (not in baseline)"
GONE = "only in baseline"
NO_DATA = "no data"


@dataclass
class Change:
    key: str
    case: str
    backend: str
    old_median: Optional[float]
    new_median: Optional[float]
    n_old: int
    n_new: int
    change_pct: Optional[float]
    pvalue: Optional[float]
    verdict: str

    @property
    def low_power(self) -> bool:
        """Fewer repetitions than compare.py recommends for the U test."""
        return min(self.n_old, self.n_new) < stats.OPTIMAL_REPETITIONS


def _centre(b: Benchmark) -> Optional[float]:
    if b.times_ns:
        return stats.median(b.times_ns)
    return b.aggregates.get("median", b.aggregates.get("mean"))


def compare_one(old: Benchmark, new: Benchmark, alpha: float = stats.ALPHA) -> Change:
    old_m, new_m = _centre(old), _centre(new)
    n_old, n_new = len(old.times_ns), len(new.times_ns)
    base = dict(key=new.name.key, case=new.name.case, backend=new.name.backend,
                old_median=old_m, new_median=new_m, n_old=n_old, n_new=n_new)
    if old_m is None or new_m is None:
        return Change(change_pct=None, pvalue=None, verdict=NO_DATA, **base)
    pct = stats.percent_change(old_m, new_m)
    if min(n_old, n_new) < stats.MIN_REPETITIONS:
        return Change(change_pct=pct, pvalue=None, verdict=TOO_FEW, **base)
    p = stats.mann_whitney_u(old.times_ns, new.times_ns).pvalue
    if p >= alpha or new_m == old_m:
        verdict = NO_CHANGE
    else:
        verdict = REGRESSION if new_m > old_m else IMPROVEMENT
    return Change(change_pct=pct, pvalue=p, verdict=verdict, **base)


def compare(baseline: PerfRun, current: PerfRun, alpha: float = stats.ALPHA) -> List[Change]:
    """Every benchmark of the current run, then those only the baseline has."""
    old_by_key = baseline.by_key()
    out: List[Change] = []
    for new in current.benchmarks:
        old = old_by_key.get(new.name.key)
        if old is None:
            m = _centre(new)
            out.append(Change(new.name.key, new.name.case, new.name.backend, None, m,
                              0, len(new.times_ns), None, None, NEW))
        else:
            out.append(compare_one(old, new, alpha))
    current_keys = {b.name.key for b in current.benchmarks}
    for old in baseline.benchmarks:
        if old.name.key not in current_keys:
            out.append(Change(old.name.key, old.name.case, old.name.backend, _centre(old), None,
                              len(old.times_ns), 0, None, None, GONE))
    return out
