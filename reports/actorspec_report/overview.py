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
from .html import attr, esc
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


def _wtl(st: Standing) -> str:
    c = st.counts
    unknown = f' · <span class="muted">{c[UNKNOWN]} unknown</span>' if c[UNKNOWN] else ""
    return (f'<span class="w" title="significantly fastest">{c[WIN]} won</span> · '
            f'<span class="t" title="not significantly different from the fastest">{c[TIE]} tied</span> · '
            f'<span class="l" title="significantly slower than the fastest">{c[LOSS]} lost</span>{unknown}')


def _card(b: str, m: Matrix, st: Standing, reference: Optional[str], color: str) -> str:
    totals = m.totals().get(b, {PASS: 0, FAIL: 0, NOT_RUN: 0})
    rules = len(m.rows)
    failing = totals[FAIL] or b in m.crashed
    conf_cls = "fail" if failing else ("pass" if totals[PASS] else "notrun")
    conf = (f'<div class="ov-conf {conf_cls}"><strong>{totals[PASS]}</strong>/{rules} rules pass'
            + (f' · <span class="fail">{totals[FAIL]} fail</span>' if totals[FAIL] else "")
            + (f' · {totals[NOT_RUN]} not run' if totals[NOT_RUN] else "")
            + (f' · <span class="fail">suite {esc(m.crashed[b])}</span>' if b in m.crashed else "") + "</div>")
    if not rules:
        conf = '<div class="ov-conf notrun">no conformance results</div>'
    ref_line = ""
    if reference and b == reference:
        ref_line = '<div class="ov-ref">the reference: ratios below are to it</div>'
    elif reference:
        v = st.ref_verdicts
        tally = " · ".join(f'<span class="{k}">{v[k]} {k}</span>' for k in VERDICTS if v[k] or k != "unknown")
        ref_line = (f'<div class="ov-ref"{attr("title", f"geometric mean over {len(st.ref_ratios)} benchmarks of median / {reference} median; beats/ties/loses by a two-sided Mann-Whitney U test (see Against the BEAM)")}>'
                    f'vs {esc(reference)}: <strong>{_ratio(st.ref_geomean)}</strong>'
                    + (f' · {tally}' if sum(v.values()) else "") + '</div>')
    perf = (f'<div class="ov-perf"{attr("title", f"geometric mean over {len(st.ratios)} benchmarks of median / best median; 1.00× = best everywhere")}>'
            f'<span class="big">{_ratio(st.geomean)}</span> <span class="muted">of the best (geomean of {len(st.ratios)})</span></div>'
            if st.compared else '<div class="ov-perf muted">no benchmark compared</div>')
    noisy = f'<div class="ov-noise muted">{st.noisy} of {len(st.ratios)} noisy (CV &gt; 10%)</div>' if st.noisy else ""
    return (f'<div class="ov-card {conf_cls}" data-backend="{esc(b)}" style="border-top-color:{color}">'
            f'<div class="ov-name">{esc(b)}</div>{conf}{perf}'
            f'<div class="ov-wtl">{_wtl(st) if st.compared else ""}</div>{ref_line}{noisy}</div>')


def _best_for(fam: Family, backends: Sequence[str]) -> str:
    """Who to pick for this family, as far as the data says."""
    fs = family_standings(fam, backends)
    winners = {b: s.counts[WIN] for b, s in fs.items() if s.counts[WIN]}
    cases = sum(1 for c in fam.cases if c.leader is not None)
    if not cases:
        return '<span class="muted">nothing compared</span>'
    if not winners:
        tied = sorted({b for c in fam.cases if c.is_tie() for b in c.tied})
        return f'<span class="tie">no significant winner</span> <span class="muted">({esc(", ".join(tied))} tie)</span>' \
            if tied else '<span class="muted">unknown</span>'
    parts = [f'<strong>{esc(b)}</strong>' + (f' <span class="muted">(won {n} of {cases})</span>' if n != cases or cases > 1 else "")
             for b, n in sorted(winners.items(), key=lambda kv: -kv[1])]
    return ", ".join(parts)


def _family_row(i: int, fam: Family, backends: Sequence[str], anchor: str) -> str:
    fs = family_standings(fam, backends)
    d = fam.description
    what = esc(d.unit) if d and d.unit else '<span class="muted">no description</span>'
    cells = []
    for b in backends:
        st = fs[b]
        if not st.compared:
            cells.append('<td class="num muted">–</td>')
            continue
        g = st.geomean
        c = st.counts
        cls = "best" if c[WIN] and not c[LOSS] else ("loss" if c[LOSS] and not (c[WIN] or c[TIE]) else "")
        cells.append(f'<td class="num {cls}"{attr("title", f"{c[WIN]} won, {c[TIE]} tied, {c[LOSS]} lost, {c[UNKNOWN]} unknown")}>'
                     f'{_ratio(g)}</td>')
    return (f'<tr><th scope="row"><a href="#{anchor}">{esc(fam.name)}</a></th><td class="what">{what}</td>'
            f'<td class="pick">{_best_for(fam, backends)}</td>{"".join(cells)}</tr>')


def section(families: Sequence[Family], backends: Sequence[str], m: Matrix, reference: Optional[str],
            colors: Dict[str, str], anchors: Dict[str, str], mode: str,
            vs_reference: Sequence[VsReference] = ()) -> str:
    sts = standings(families, backends, reference, vs_reference)
    cards = "".join(_card(b, m, sts[b], reference, colors.get(b, "#666")) for b in backends)
    rows = [_family_row(i, f, backends, anchors.get(f.name, "performance"))
            for i, f in enumerate(families) if not f.scaling]
    head = "".join(f'<th scope="col" class="num">{esc(b)}</th>' for b in backends)
    table = ""
    if rows:
        table = (f'<table class="ov-table"><caption>Which backend for what: the significant winner per family, and each '
                 f'backend\'s geometric mean of median / best median there (1.00× = best on every benchmark; '
                 f'green: won and never lost, red: lost everywhere)</caption>'
                 f'<thead><tr><th scope="col">Family</th><th scope="col">Measured</th><th scope="col">Best</th>{head}</tr>'
                 f'</thead><tbody>{"".join(rows)}</tbody></table>')
    scaling = [f for f in families if f.scaling]
    if scaling:
        links = " · ".join(f'<a href="#{anchors.get(f.name, "performance")}">{esc(f.name)}</a>' for f in scaling)
        table += (f'<p class="ov-scaling">How the backends scale with worker threads (1, 2, 4…; thread: one OS thread '
                  f'per process): {links}</p>')
    quick = (' <strong>Quick mode</strong>: 3 repetitions cannot make a U test significant, so most verdicts '
             'rest on the bootstrap ratio interval alone.' if mode == "quick" else "")
    return f"""<section id="overview" aria-label="At a glance">
<h2 class="ov-h">At a glance</h2>
<p class="ov-lead">Rules passed per backend, and speed as the geometric mean of each backend's median divided by the best
median on every benchmark (1.00× = best everywhere). <em>Won</em> counts benchmarks where every other backend is
significantly slower (two-sided Mann–Whitney U, α = 0.05, or a bootstrap ratio interval excluding 1);
<em>tied</em>, where the data cannot separate it from the fastest; <em>lost</em>, where it is significantly slower.{quick}</p>
<div class="ov-cards">{cards}</div>
{table}
</section>"""
