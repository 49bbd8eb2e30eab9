"""Every C++ backend against the reference column, the BEAM.

For each benchmark (a case: family plus arguments) that a backend and the
reference both ran, the ratio of medians (backend / reference: below 1 the
backend is faster) and a verdict from the same test the baseline comparison
uses (stats.gate_u_test), a two-sided Mann-Whitney U over the repetitions
at alpha 0.05, and a bootstrap 95% interval of the ratio:
`beats` (significantly faster), `loses` (significantly slower), `ties` (no
significant difference), or `unknown` (an error, no data, or too few
repetitions for the test to reach significance at all: 3 against 3, the
quick mode, cannot go below p = 0.1; never guessed as a tie; or either side
ran on a loaded machine, see load.py: its wall clock measures the load).
The BEAM's rows carry no load counters; they are compared as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from . import stats
from .perf import Case, Family, Measured

REFERENCE = "beam"
BEATS, TIES, LOSES, UNKNOWN = "beats", "ties", "loses", "unknown"
VERDICTS = (BEATS, TIES, LOSES, UNKNOWN)


@dataclass
class VsReference:
    case: str
    backend: str
    ratio: Optional[float]      # backend median / reference median
    pvalue: Optional[float]
    verdict: str
    why: str = ""               # for unknown: what was missing
    ratio_ci: Optional[Tuple[float, float]] = None   # bootstrap 95% interval of the ratio


def _usable(m: Optional[Measured]) -> Optional[str]:
    """Why a measurement cannot be compared, or None when it can."""
    if m is None:
        return "not run"
    if m.bench.error:
        return f"error: {m.bench.error}"
    if not m.summary:
        return "no data"
    if len(m.values) < stats.MIN_REPETITIONS:
        return f"{len(m.values)} repetitions (at least {stats.MIN_REPETITIONS} needed)"
    return None


def compare_case(case: Case, backend: str, reference: str = REFERENCE,
                 alpha: float = stats.ALPHA) -> VsReference:
    mine, ref = case.entries.get(backend), case.entries.get(reference)
    ratio = None
    if mine and ref and mine.summary and ref.summary and ref.summary.median > 0 and not (mine.bench.error or ref.bench.error):
        ratio = mine.summary.median / ref.summary.median
    for side, m in ((backend, mine), (reference, ref)):
        why = _usable(m)
        if why:
            return VsReference(case.name, backend, ratio, None, UNKNOWN, f"{side}: {why}")
    for side, m in ((backend, mine), (reference, ref)):
        if m.load.loaded:
            return VsReference(case.name, backend, ratio, None, UNKNOWN, f"{side}: {m.load.why}")
    # The family's quantity per repetition (bytes for memory, lateness for
    # timers, real time otherwise): the values the medians are of.
    n1, n2 = len(mine.values), len(ref.values)
    ci = stats.ratio_ci(ref.values, mine.values, f"{case.name}/{backend}/vs-{reference}", resamples=1000)
    smallest = stats.smallest_possible_p(n1, n2)
    if smallest >= alpha:
        return VsReference(case.name, backend, ratio, None, UNKNOWN,
                           f"{n1} against {n2} repetitions cannot reach p < {alpha} (smallest p {smallest:.3f})", ci)
    p = stats.gate_u_test(mine.values, ref.values).pvalue
    if p >= alpha or mine.summary.median == ref.summary.median:
        verdict = TIES
    else:
        verdict = BEATS if mine.summary.median < ref.summary.median else LOSES
    return VsReference(case.name, backend, ratio, p, verdict, ratio_ci=ci)


def against(families: Sequence[Family], reference: str = REFERENCE) -> List[VsReference]:
    """One comparison per case and per backend other than the reference, for
    cases the reference ran (or tried to run)."""
    out: List[VsReference] = []
    for fam in families:
        for case in fam.cases:
            if reference not in case.entries:
                continue
            for backend in case.entries:
                if backend != reference:
                    out.append(compare_case(case, backend, reference))
    return out


def tally(rows: Sequence[VsReference]) -> Dict[str, Dict[str, int]]:
    """backend -> verdict -> number of benchmarks, every verdict present."""
    out: Dict[str, Dict[str, int]] = {}
    for r in rows:
        counts = out.setdefault(r.backend, {v: 0 for v in VERDICTS})
        counts[r.verdict] += 1
    return out
