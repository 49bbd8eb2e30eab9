"""Comparing a run against a baseline run, benchmark by benchmark: the
regression gate.

A benchmark regressed (or improved) only when both hold:
  * significance: a two-sided Mann-Whitney U test of the repetitions (exact
    null distribution when there are no ties, see stats.gate_u_test), its p
    adjusted by Holm's method over every benchmark compared in this run, is
    below alpha (0.05). Holm, not Benjamini-Hochberg: the gate fails a whole
    run on any single flag, so what must stay below alpha is the chance of
    one false flag per run (the family-wise error), and Holm bounds it under
    any dependence between benchmarks that share a machine;
  * size: the medians differ by at least min_change (default 5%): a real
    but tiny shift is not worth a red build.
Where either run's repetitions of a benchmark ran on a loaded machine
(load.py: the median repetition started with more runnable tasks than
CPUs) the verdict is "unknown (machine loaded)": its wall clock measures
the load. Runs without the load counters are compared as before.
Where the repetitions are too few for the corrected test ever to reach alpha
(the smallest p their sizes allow is above alpha / m), the verdict is "too
few repetitions", never "no significant change".

Every median carries a bootstrap 95% interval and so does the ratio
new/old (stats.median_ci, stats.ratio_ci).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from . import comparable, stats
from . import load as load_mod
from .gbench import Benchmark, PerfRun

REGRESSION = "regression"
IMPROVEMENT = "improvement"
NO_CHANGE = "no significant change"
TOO_FEW = "too few repetitions"
NOT_COMPARABLE = "not comparable"
NEW = "new (not in baseline)"
GONE = "only in baseline"
NO_DATA = "no data"
LOADED = "unknown (machine loaded)"

DEFAULT_MIN_CHANGE = 0.05


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
    p_adjusted: Optional[float] = None
    old_ci: Optional[Tuple[float, float]] = None
    new_ci: Optional[Tuple[float, float]] = None
    ratio_ci: Optional[Tuple[float, float]] = None
    note: str = ""                                      # why the verdict, in a few words
    warnings: List[str] = field(default_factory=list)   # --force-compare: what differs

    @property
    def low_power(self) -> bool:
        """Fewer repetitions than compare.py recommends for the U test."""
        return min(self.n_old, self.n_new) < stats.OPTIMAL_REPETITIONS

    @property
    def ratio(self) -> Optional[float]:
        if self.old_median and self.new_median is not None:
            return self.new_median / self.old_median
        return None


def _centre(b: Benchmark) -> Optional[float]:
    if b.times_ns:
        return stats.median(b.times_ns)
    return b.aggregates.get("median", b.aggregates.get("mean"))


def _pair(old: Benchmark, new: Benchmark, intervals: bool) -> Change:
    old_m, new_m = _centre(old), _centre(new)
    c = Change(key=new.name.key, case=new.name.case, backend=new.name.backend, old_median=old_m, new_median=new_m,
               n_old=len(old.times_ns), n_new=len(new.times_ns), change_pct=None, pvalue=None, verdict=NO_DATA)
    if old_m is None or new_m is None:
        return c
    c.change_pct = stats.percent_change(old_m, new_m)
    if not intervals:
        return c
    c.old_ci = stats.median_ci(old.times_ns, old.name.key)
    c.new_ci = stats.median_ci(new.times_ns, new.name.key)
    c.ratio_ci = stats.ratio_ci(old.times_ns, new.times_ns, new.name.key)
    return c


def compare(baseline: PerfRun, current: PerfRun, alpha: float = stats.ALPHA,
            min_change: float = DEFAULT_MIN_CHANGE, force: bool = False, intervals: bool = True) -> List[Change]:
    """Every benchmark of the current run, then those only the baseline has.

    Rows whose sizes differ (comparable.row_mismatches) get NOT_COMPARABLE,
    unless force, when they are compared and carry the differences as
    warnings.
    """
    old_by_key = baseline.by_key()
    old_cpus, new_cpus = load_mod.cpus_of(baseline.context), load_mod.cpus_of(current.context)
    out: List[Change] = []
    tested: List[Change] = []
    for new in current.benchmarks:
        old = old_by_key.get(new.name.key)
        if old is None:
            out.append(Change(new.name.key, new.name.case, new.name.backend, None, _centre(new),
                              0, len(new.times_ns), None, None, NEW,
                              new_ci=stats.median_ci(new.times_ns, new.name.key)))
            continue
        c = _pair(old, new, intervals)
        out.append(c)
        differ = comparable.row_mismatches(old, new)
        if differ and not force:
            c.verdict, c.note = NOT_COMPARABLE, "; ".join(differ)
            continue
        c.warnings = differ
        if c.old_median is None or c.new_median is None:
            continue
        if not old.times_ns or not new.times_ns:
            c.verdict, c.note = TOO_FEW, "only aggregates, no per-repetition times to test"
            continue
        loads = [("baseline", load_mod.of(old.counters, old_cpus)), ("this run", load_mod.of(new.counters, new_cpus))]
        loaded = [f"{side}: {ld.why}" for side, ld in loads if ld.loaded]
        if loaded:
            c.verdict, c.note = LOADED, "; ".join(loaded)
            continue
        tested.append(c)
        c.pvalue = stats.gate_u_test(old.times_ns, new.times_ns).pvalue

    m = len(tested)
    adjusted = stats.holm([c.pvalue for c in tested]) if tested else []
    for c, p_adj in zip(tested, adjusted):
        c.p_adjusted = p_adj
        floor = stats.smallest_possible_p(c.n_old, c.n_new)
        if floor > alpha / m:
            c.verdict = TOO_FEW
            c.note = (f"{c.n_old} vs {c.n_new} repetitions: the smallest p they allow ({floor:.2g}) is above "
                      f"alpha/{m} = {alpha / m:.2g}, so no change could be shown")
        elif p_adj >= alpha:
            c.verdict, c.note = NO_CHANGE, f"not significant after Holm's correction over {m} (p adj {p_adj:.2g})"
        elif abs(c.change_pct) < 100.0 * min_change:
            c.verdict = NO_CHANGE
            c.note = f"significant but smaller than the minimum change of {100 * min_change:g}%"
        else:
            c.verdict = REGRESSION if c.new_median > c.old_median else IMPROVEMENT
            c.note = f"p adj {p_adj:.2g} over {m} benchmarks; change beyond {100 * min_change:g}%"

    current_keys = {b.name.key for b in current.benchmarks}
    for old in baseline.benchmarks:
        if old.name.key not in current_keys:
            out.append(Change(old.name.key, old.name.case, old.name.backend, _centre(old), None,
                              len(old.times_ns), 0, None, None, GONE,
                              old_ci=stats.median_ci(old.times_ns, old.name.key)))
    return out
