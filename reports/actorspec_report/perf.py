"""Turning parsed benchmarks into what the report compares.

Backends compete on a *case* (a family plus its arguments, e.g.
`ring/R:1000`). A *family* is what one description from the perf suite
covers (`ring`, `spawn/throughput`, `ring/scaling`; without descriptions, the
first path element). It is drawn as a dot plot (median, its interval and the
repetitions per backend), as sweep charts when its cases vary a numeric
NAME:VALUE argument, as a scaling chart when its description says its cases
vary the workers, and with a tail chart (p50, p99, max) when it records tails.

What is compared is the family's *quantity*: the time per operation, or the
counter its description names (bytes per process for memory, lateness for
timers); lower is better either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from . import load as load_mod
from . import stats
from .descriptions import Description, lookup
from .gbench import Benchmark, PerfRun


@dataclass
class Measured:
    """One benchmark on one backend, summarised."""
    bench: Benchmark
    summary: Optional[stats.Summary]    # of `values`
    counters: Dict[str, float]          # median over repetitions
    values: List[float] = field(default_factory=list)   # the family's quantity, per repetition
    ratio: Optional[float] = None       # median / fastest median in the case
    median_ci: Optional[Tuple[float, float]] = None   # bootstrap 95% interval
    ratio_ci: Optional[Tuple[float, float]] = None    # of median / leader's median
    pvalue: Optional[float] = None      # U test against the case's leader
    # Whether its repetitions ran on an oversubscribed machine (load.py).
    load: load_mod.Load = field(default_factory=lambda: load_mod.Load(load_mod.NOT_RECORDED))

    @property
    def backend(self) -> str:
        return self.bench.name.backend


@dataclass
class Case:
    name: str
    family: str
    variant: str
    args: Tuple[str, ...]
    params: Dict[str, float]
    entries: Dict[str, Measured] = field(default_factory=dict)

    # The backend with the lowest median, and the backends the data cannot
    # tell apart from it (the leader included). "Fastest" is awarded only
    # when that list is the leader alone: every other backend is slower by
    # a U test at alpha 0.05 or by a ratio interval that excludes 1.
    leader: Optional[str] = None
    tied: List[str] = field(default_factory=list)
    # Backends whose standing against the leader the data cannot give because
    # one side ran on a loaded machine (load.py): neither faster, tied nor
    # slower. When the leader itself ran loaded, every backend is here.
    unknown: List[str] = field(default_factory=list)

    def fastest(self) -> Optional[str]:
        """The winner, or None when it is a tie, unknown (a loaded
        competitor might be as fast) or there is nothing to compare."""
        return (self.leader if self.leader and self.tied == [self.leader] and not self.unknown
                else None)

    def is_tie(self) -> bool:
        return len(self.tied) > 1


@dataclass
class ChartSpec:
    """One chart: a bar chart of a family, or one sweep line chart."""
    id: str
    family: str
    title: str
    kind: str                           # "dot", "sweep", "scaling" or "tails"
    cases: List[Case]
    sweep_param: Optional[str] = None
    group: str = ""                     # the fixed arguments of a sweep chart


@dataclass
class Family:
    name: str
    cases: List[Case]
    charts: List[ChartSpec]
    counter_names: List[str]
    description: Optional[Description] = None
    quantity: str = ""                  # "" = real time per operation (ns), else a counter name

    @property
    def scaling(self) -> bool:
        return bool(self.description and self.description.x_axis)


def summarize_benchmark(bench: Benchmark, quantity: str = "") -> Measured:
    counters = {k: stats.median(v) for k, v in bench.counters.items() if v}
    values = list(bench.counters.get(quantity, [])) if quantity else list(bench.times_ns)
    if values:
        return Measured(bench, stats.summarize(values), counters, values=values,
                        median_ci=stats.median_ci(values, bench.name.key + quantity, resamples=1000))
    if quantity:
        return Measured(bench, None, counters)
    # Only aggregates survive when a run used --benchmark_report_aggregates_only;
    # show them, with no spread, rather than nothing.
    agg = bench.aggregates
    centre = agg.get("median", agg.get("mean"))
    if centre is None:
        return Measured(bench, None, counters)
    summary = stats.Summary(n=0, median=centre, mean=agg.get("mean", centre),
                            minimum=agg.get("min", centre), maximum=agg.get("max", centre),
                            cv=agg.get("cv", 0.0))
    return Measured(bench, summary, counters)


def _sweep_axis(cases: Sequence[Case]) -> Optional[str]:
    """The numeric argument that every case has and that varies the most."""
    if len(cases) < 2:
        return None
    common = None
    for c in cases:
        names = set(c.params)
        common = names if common is None else common & names
    best, best_count = None, 1
    for name in (cases[0].params if common else {}):
        if name not in common:
            continue
        distinct = len({c.params[name] for c in cases})
        if distinct > best_count:
            best, best_count = name, distinct
    return best


def _slower_than(leader: Measured, other: Measured) -> bool:
    """Whether the data shows `other` slower than `leader` (see Case.tied)."""
    a, b = leader.values, other.values
    if not a or not b:
        return False
    other.pvalue = stats.gate_u_test(a, b).pvalue
    other.ratio_ci = stats.ratio_ci(a, b, other.bench.name.key + "/vs-leader", resamples=1000)
    return other.pvalue < stats.ALPHA or (other.ratio_ci is not None and other.ratio_ci[0] > 1.0)


def rank(case: Case) -> None:
    """Ratios to the lowest median, the leader and who ties with it."""
    timed = sorted(((m.summary.median, b) for b, m in case.entries.items() if m.summary and not m.bench.error))
    if not timed:
        return
    best_median, leader = timed[0]
    for m in case.entries.values():
        # A ratio of a zero or negative quantity means nothing.
        if m.summary and best_median > 0:
            m.ratio = m.summary.median / best_median
    if len(timed) < 2:
        return   # nothing to be fastest against
    case.leader = leader
    lead = case.entries[leader]
    # A loaded side's wall clock is the machine's: no standing either way.
    case.unknown = ([b for _, b in timed] if lead.load.loaded
                    else [b for _, b in timed[1:] if case.entries[b].load.loaded])
    case.tied = [leader] + [b for _, b in timed[1:]
                            if b not in case.unknown and not _slower_than(lead, case.entries[b])]


def _chart_id(n: int) -> str:
    return f"chart-{n}"


def _group_key(case_name: str, family: str, descriptions: Dict[str, Description]) -> str:
    d = lookup(descriptions, case_name)
    return d.key if d else family


def _quantity(d: Optional[Description], benches: Sequence[Benchmark]) -> str:
    """The description's counter when every timed benchmark has it, else time."""
    if not d or not d.quantity:
        return ""
    timed = [b for b in benches if b.times_ns]
    return d.quantity if timed and all(b.counters.get(d.quantity) for b in timed) else ""


def _has_tails(d: Optional[Description], cases: Sequence[Case]) -> bool:
    if d is None or d.tails is None:
        return False
    return any(d.tails + "p50_ns" in m.counters for c in cases for m in c.entries.values())


def analyse(run: PerfRun, backends: Sequence[str],
            descriptions: Optional[Dict[str, Description]] = None) -> List[Family]:
    """Group, summarise and rank; families keep the order of the input."""
    descriptions = descriptions or {}
    grouped: Dict[str, List[Benchmark]] = {}
    # Stable sort: benchmarks without a registration index keep input order.
    for bench in sorted(run.benchmarks, key=lambda b: b.order):
        grouped.setdefault(_group_key(bench.name.case, bench.name.family, descriptions), []).append(bench)

    # The perf binary's registration order where its descriptions give it:
    # perf.json's rows come shuffled from one process per family and
    # backend, so their own indices do not order families across processes.
    def registered(item):
        d = descriptions.get(item[0])
        return (0, d.order) if d is not None and d.order is not None else (1, 0)
    grouped = dict(sorted(grouped.items(), key=registered))   # stable: the rest keep input order

    order = {b: i for i, b in enumerate(backends)}
    cpus = load_mod.cpus_of(run.context)
    out: List[Family] = []
    chart_no = 0
    for fam_name, benches in grouped.items():
        desc = descriptions.get(fam_name)
        quantity = _quantity(desc, benches)
        cases_by_name: Dict[str, Case] = {}
        for bench in benches:
            n = bench.name
            case = cases_by_name.get(n.case)
            if case is None:
                case = Case(name=n.case, family=fam_name, variant=n.variant, args=n.args, params=n.params())
                cases_by_name[n.case] = case
            case.entries[n.backend] = summarize_benchmark(bench, quantity)
            # Only a time (real time, or a counter in ns such as timer lateness)
            # waits for a CPU; bytes per process do not, and keep no load.
            if not quantity or quantity.lower().endswith("_ns"):
                case.entries[n.backend].load = load_mod.of(bench.counters, cpus)
        cases = list(cases_by_name.values())
        for case in cases:
            case.entries = dict(sorted(case.entries.items(), key=lambda kv: order.get(kv[0], len(order))))
            rank(case)
        charts: List[ChartSpec] = []
        axis = None if (desc and desc.x_axis) else _sweep_axis(cases)
        if desc and desc.x_axis:
            chart_no += 1
            charts.append(ChartSpec(_chart_id(chart_no), fam_name, fam_name, "scaling", cases,
                                    sweep_param=desc.x_axis))
        elif axis:
            cases.sort(key=lambda c: c.params[axis])
            groups: Dict[Tuple[str, ...], List[Case]] = {}
            for c in cases:
                fixed = tuple(a for a in c.args if not a.startswith(axis + ":"))
                groups.setdefault(fixed, []).append(c)
            for fixed, members in groups.items():
                chart_no += 1
                label = "/".join(fixed)
                title = f"{fam_name} ({label})" if label else fam_name
                charts.append(ChartSpec(_chart_id(chart_no), fam_name, title, "sweep",
                                        members, sweep_param=axis, group=label))
        else:
            chart_no += 1
            charts.append(ChartSpec(_chart_id(chart_no), fam_name, fam_name, "dot", cases))
        # Tails of a scaling family would repeat the family's own tail chart
        # once per worker count; its question is the trend, not the tails.
        if _has_tails(desc, cases) and not (desc and desc.x_axis):
            chart_no += 1
            charts.append(ChartSpec(_chart_id(chart_no), fam_name, f"{fam_name}: tail latency", "tails", cases))
        counter_names: List[str] = []
        for c in cases:
            for m in c.entries.values():
                for k in m.counters:
                    if k not in counter_names:
                        counter_names.append(k)
        out.append(Family(fam_name, cases, charts, counter_names, description=desc, quantity=quantity))
    return out
