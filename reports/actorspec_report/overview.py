"""The first screen: which backend for what, and how sure.

Per backend: conformance (rules passed), and performance as the geometric
mean of its ratios to the best median on each benchmark, with wins, ties and
losses counted from the verdicts perf.rank already made (a win only where
every other backend is significantly slower, a loss only where this one is
significantly slower than the leader); when the run flags a reference
backend such as the BEAM, the geometric mean of its ratios to the reference
and the beats/ties/loses/unknown tally, both read off reference.py's
comparisons (report.vs_reference). No second statistics path: everything
here is read off perf.Case, reference.VsReference and matrix.Matrix.

Scaling families (cases that vary the workers) answer another question and
are left out of these totals; they have their own charts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from .gtest import FAIL, NOT_RUN, PASS
from . import templates
from .matrix import Matrix
from .perf import Case, Family
from .reference import VERDICTS, VsReference

WIN, TIE, LOSS, UNKNOWN = "win", "tie", "loss", "unknown"


def verdict(case: Case, backend: str) -> Optional[str]:
    """This backend's standing on one case, or None when it did not run it
    or nobody else did (nothing to compare)."""
    m = case.entries.get(backend)
    if m is None:
        return None
    if m.bench.error or not m.summary or not m.values:
        return UNKNOWN
    if case.leader is None:
        return None
    if backend in case.unknown:
        return UNKNOWN      # one side ran on a loaded machine (load.py)
    if case.fastest() == backend:
        return WIN
    if backend in case.tied:
        return TIE
    return LOSS


def geomean(xs: Sequence[float]) -> Optional[float]:
    xs = [x for x in xs if x and x > 0]
    if not xs:
        return None
    return math.exp(math.fsum(math.log(x) for x in xs) / len(xs))


@dataclass
class Standing:
    """One backend over a set of cases."""
    backend: str
    counts: Dict[str, int] = field(default_factory=lambda: {WIN: 0, TIE: 0, LOSS: 0, UNKNOWN: 0})
    ratios: List[float] = field(default_factory=list)       # to the best median, per case
    ref_ratios: List[float] = field(default_factory=list)   # to the reference's median, per case
    ref_verdicts: Dict[str, int] = field(default_factory=lambda: {v: 0 for v in VERDICTS})
    noisy: int = 0

    @property
    def geomean(self) -> Optional[float]:
        return geomean(self.ratios)

    @property
    def ref_geomean(self) -> Optional[float]:
        return geomean(self.ref_ratios)

    @property
    def compared(self) -> int:
        return sum(self.counts.values())


def standings(families: Sequence[Family], backends: Sequence[str], reference: Optional[str] = None,
              vs_reference: Sequence[VsReference] = (), noisy_cv: float = 0.10) -> Dict[str, Standing]:
    """`vs_reference`: reference.against's comparisons to `reference` (the
    only place a ratio to the reference and its verdict are computed)."""
    out = {b: Standing(b) for b in backends}
    vs = {(r.case, r.backend): r for r in vs_reference} if reference else {}
    for fam in families:
        if fam.scaling:
            continue
        for case in fam.cases:
            for b, st in out.items():
                r = vs.get((case.name, b))
                if r is not None:
                    st.ref_verdicts[r.verdict] += 1
                    if r.ratio:
                        st.ref_ratios.append(r.ratio)
                v = verdict(case, b)
                if v is None:
                    continue
                st.counts[v] += 1
                m = case.entries[b]
                if v == UNKNOWN:
                    continue
                if m.ratio:
                    st.ratios.append(m.ratio)
                if m.summary.cv > noisy_cv:
                    st.noisy += 1
    return out


def family_standings(fam: Family, backends: Sequence[str]) -> Dict[str, Standing]:
    return standings([Family(fam.name, fam.cases, [], [], fam.description, fam.quantity)], backends)


# ------------------------------------------------------------------ HTML

def _ratio(x: Optional[float]) -> str:
    if x is None:
        return "–"
    if x != 1.0 and round(x, 2) == 1.0:
        return f"{x:.3f}×"   # a significant loss must not read as "1.00×"
    return f"{x:.2f}×" if x < 100 else f"{x:.0f}×"


def _card(b: str, m: Matrix, st: Standing, color: str) -> dict:
    t = m.totals().get(b, {PASS: 0, FAIL: 0, NOT_RUN: 0})
    failing = t[FAIL] or b in m.crashed
    return {"backend": b, "st": st, "color": color, "t": t, "crashed": b in m.crashed,
            "crash_reason": m.crashed.get(b, ""), "nothing_ran": m.nothing_ran_because(b) if b in m.backends else "",
            "conf_cls": "fail" if failing else ("pass" if t[PASS] else "notrun")}


def _best_for(fam: Family, fs: Dict[str, Standing]) -> dict:
    """Who to pick for this family, as far as the data says."""
    winners = {b: s.counts[WIN] for b, s in fs.items() if s.counts[WIN]}
    cases = sum(1 for c in fam.cases if c.leader is not None)
    if not cases:
        return {"kind": "nothing"}
    if not winners:
        tied = sorted({b for c in fam.cases if c.is_tie() for b in c.tied})
        return {"kind": "tie", "tied": tied} if tied else {"kind": "unknown"}
    return {"kind": "winners", "cases": cases, "winners": sorted(winners.items(), key=lambda kv: -kv[1])}


def _family_row(fam: Family, backends: Sequence[str], anchor: str) -> dict:
    fs = family_standings(fam, backends)
    cells = []
    for b in backends:
        st = fs[b]
        if not st.compared:
            cells.append(None)
            continue
        c = st.counts
        cells.append({"text": _ratio(st.geomean),
                      "cls": "best" if c[WIN] and not c[LOSS] else ("loss" if c[LOSS] and not (c[WIN] or c[TIE]) else ""),
                      "title": f"{c[WIN]} won, {c[TIE]} tied, {c[LOSS]} lost, {c[UNKNOWN]} unknown"})
    d = fam.description
    return {"name": fam.name, "anchor": anchor, "what": d.unit if d and d.unit else "",
            "pick": _best_for(fam, fs), "cells": cells}


def section(families: Sequence[Family], backends: Sequence[str], m: Matrix, reference: Optional[str],
            colors: Dict[str, str], anchors: Dict[str, str], mode: str,
            vs_reference: Sequence[VsReference] = ()) -> str:
    sts = standings(families, backends, reference, vs_reference)
    return templates.render(
        "overview.html", mode=mode, backends=backends, reference=reference, rules=len(m.rows),
        cards=[_card(b, m, sts[b], colors.get(b, "#666")) for b in backends],
        rows=[_family_row(f, backends, anchors.get(f.name, "performance")) for f in families if not f.scaling],
        scaling=[(f.name, anchors.get(f.name, "performance")) for f in families if f.scaling],
        ratio=_ratio, VERDICTS=VERDICTS, WIN=WIN, TIE=TIE, LOSS=LOSS, VERDICT_UNKNOWN=UNKNOWN)
