"""The report's sections as HTML fragments.

Each function takes already-analysed data and returns markup; all input text
goes through html.esc (see html.py).
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from markupsafe import Markup

from . import compare as cmp
from . import markdown, quantities, reference, templates, units
from .gtest import DEVIATION, FAIL, NOT_APPLICABLE, NOT_RUN, PASS, TestResult
from .html import attr, esc, slug
from .matrix import Cell, Matrix
from .meta import UNKNOWN, Facts, normalise_versions
from .perf import Case, Family, Measured
from .spec import Spec

_BADGE = {PASS: ("✓", "pass"), FAIL: ("✗", "fail"), NOT_RUN: ("–", "not run"),
          DEVIATION: ("≠", "deviation (see rule)"), NOT_APPLICABLE: ("∅", "n/a")}
_STATUS_CLASS = {PASS: "pass", FAIL: "fail", NOT_RUN: "notrun", DEVIATION: "deviation", NOT_APPLICABLE: "na"}
# Statuses that are neither a failure nor a gap: the "only problems" filter
# hides rows made of these.
_SETTLED = {PASS, DEVIATION, NOT_APPLICABLE}
# A coefficient of variation above this makes a median hard to trust.
NOISY_CV = 0.10


def badge(status: str) -> str:
    icon, text = _BADGE[status]
    return f'<span class="badge {_STATUS_CLASS[status]}"><span aria-hidden="true">{icon}</span> {text}</span>'


def baseline_facts(run: Dict[str, str], base: Dict[str, str], mismatches: Sequence[str], label: str,
                   forced: bool) -> str:
    """The baseline's facts beside the run's, differences marked."""
    if not base:
        return ""
    rows = []
    for k in run:
        a, b = run[k], base.get(k, UNKNOWN)
        differ = a != UNKNOWN and b != UNKNOWN and a.lower() != b.lower()
        rows.append((k, a, b, "differs" if differ else ("unknown" if UNKNOWN in (a, b) else "same")))
    what = ("compared anyway (--force-compare): every row below is marked" if forced
            else "comparison refused: the runs measured different things")
    return templates.render("baseline_facts.html", label=label, rows=rows, mismatches=mismatches, what=what)


def header(facts: Facts, problems: Sequence[str], extra: str = "", lead: str = "") -> str:
    machine = facts.cpu_model
    if facts.cores != UNKNOWN:
        machine = f"{machine}, {facts.cores} cores" if machine != UNKNOWN else f"{facts.cores} cores"
    if facts.mhz != UNKNOWN:
        machine += f" @ {facts.mhz} MHz"
    items = [("Date", facts.date, False), ("Git commit", facts.git_commit, True), ("Machine", machine, False),
             ("Host", facts.host, False), ("Compiler", facts.compiler, False), ("Mode", facts.mode, False),
             ("Build type", facts.build_type, False), ("Workers", facts.workers, False)]
    if facts.wall_time != UNKNOWN:
        items.append(("Run time", facts.wall_time, False))
    if facts.beam != UNKNOWN:
        items.append(("BEAM (reference)", facts.beam, False))
    short = facts.git_commit[:12] if facts.git_commit != UNKNOWN else "commit unknown"
    # lead and extra are markup made by this package (other sections).
    return templates.render("header.html", facts=facts, short_commit=short, items=items,
                            versions=normalise_versions(facts.versions),
                            notes=list(problems) + list(facts.warnings), lead=Markup(lead), extra=Markup(extra))


def toc(has_perf: bool, has_baseline: bool, has_spec: bool) -> str:
    return templates.render("toc.html", has_perf=has_perf, has_baseline=has_baseline, has_spec=has_spec)


# --------------------------------------------------------------- conformance

def _card(m: Matrix, backend: str, t: Dict[str, int]) -> dict:
    n = len(m.rows) or 1
    return {"backend": backend, "t": t,
            "verdict": "fail" if (t[FAIL] or backend in m.crashed) else ("pass" if t[PASS] else "notrun"),
            "segments": [(_STATUS_CLASS[s], 100.0 * t[s] / n)
                         for s in (PASS, DEVIATION, NOT_APPLICABLE, FAIL, NOT_RUN) if t[s]]}


def _failure_list(m: Matrix) -> str:
    """Every failing test with its message, open: the first thing to read."""
    failures = [(row, b, t) for row in m.rows for b, cell in row.cells.items() for t in cell.failures]
    if not failures and not m.crashed:
        return ""
    return templates.render("failures.html", m=m, failures=failures, count=len(m.crashed) + len(failures))


def conformance(m: Matrix, spec_loaded: bool) -> str:
    totals = m.totals()
    rows = []
    for row in m.rows:
        statuses = {c.status for c in row.cells.values()}
        rows.append((row, "fail" if FAIL in statuses else ("pass" if statuses <= _SETTLED else "mixed")))
    return templates.render("conformance.html", m=m, spec_loaded=spec_loaded, rows=rows,
                            failing=len(m.failing_rules()),
                            cards=[_card(m, b, totals[b]) for b in m.backends] if m.rows or m.unmapped else [])


# --------------------------------------------------------------- performance

def _verdict_cell(case: Case, m: Measured) -> str:
    """"fastest" only where the data shows it; "tie" lists who it cannot separate."""
    ratio = m.ratio or 1.0
    text = units.fmt_ratio(ratio) if abs(ratio - 1.0) >= 1e-12 else "1.00×"
    if m.ratio_ci:
        text += f' <span class="ci">[{m.ratio_ci[0]:.2f}–{m.ratio_ci[1]:.2f}]</span>'
    p = f"U test vs leader p = {m.pvalue:.3g}" if m.pvalue is not None else ""
    if case.fastest() == m.backend:
        return (f'<td class="num best"{attr("title", "slower than no other backend; every other one is significantly slower")}>'
                f'<span class="tag best">fastest</span></td>')
    if case.is_tie() and m.backend in case.tied:
        others = ", ".join(b for b in case.tied if b != m.backend)
        return (f'<td class="num tie"{attr("title", ("not significantly different from " + others + ". " + p).strip())}>'
                f'{text} <span class="tag tie">tie</span></td>')
    return f'<td class="num"{attr("title", p) if p else ""}>{text}</td>'


def _median_cell(m: Measured, span: int, case: Case, quantity: str = "") -> str:
    """Median, spread, CV and ratio cells; `span` columns for an error or no data."""
    if m.bench.error:
        return f'<td class="num err" colspan="{span}">error: {esc(m.bench.error)}</td>'
    if not m.summary:
        return f'<td class="num" colspan="{span}">no data</td>'
    s = m.summary
    fmt = lambda v: quantities.fmt(quantity, v)  # noqa: E731
    spread = f"{fmt(s.minimum)} – {fmt(s.maximum)}" if s.n else "n/a"
    noisy = s.cv > NOISY_CV
    # Aggregate-only input may carry no cv row at all: say so, not "0.0%".
    cv_text = "–" if (s.n == 0 and "cv" not in m.bench.aggregates) else f"{100 * s.cv:.1f}%"
    if noisy:
        cv_text += ' <span class="tag noisy">noisy</span>'
    cv = (f'<td class="num{" noisy" if noisy else ""}"'
          f'{attr("title", f"noisy: CV above {100 * NOISY_CV:.0f}%, repetitions disagree") if noisy else ""}>{cv_text}</td>')
    ci = (f'<span class="ci">[{fmt(m.median_ci[0])} – {fmt(m.median_ci[1])}]</span>'
          if m.median_ci else "")
    return (f'<td class="num strong">{fmt(s.median)} {ci}</td><td class="num">{spread}</td>{cv}'
            f'{_verdict_cell(case, m)}')


def _vs_reference_cell(case_name: str, backend: str, vs_ref) -> str:
    """The ratio to the BEAM's median and its verdict (U test), or why none."""
    if backend == reference.REFERENCE:
        return '<td class="num vsref"><span class="muted">reference</span></td>'
    r = vs_ref.get((case_name, backend))
    if r is None:
        return '<td class="num vsref"><span class="muted">–</span></td>'
    ratio = units.fmt_ratio(r.ratio) if r.ratio is not None else "–"
    if r.ratio_ci:
        ratio += f' <span class="ci">[{r.ratio_ci[0]:.2f} – {r.ratio_ci[1]:.2f}]</span>'
    title = f"p = {r.pvalue:.4f}" if r.pvalue is not None else r.why
    return (f'<td class="num vsref"{attr("title", title)}{attr("data-verdict", r.verdict)}>{ratio} '
            f'<span class="{r.verdict}">{esc(r.verdict)}</span></td>')


def _family_table(fam: Family, style, vs_ref=None) -> str:
    counters = fam.counter_names
    with_ref = any(reference.REFERENCE in c.entries for c in fam.cases)
    vs_ref = vs_ref or {}
    head = ("<th scope=\"col\">Benchmark</th><th scope=\"col\">Backend</th>"
            f"<th scope=\"col\" class=\"num\">Median {esc(quantities.name_of(fam))} [95% CI]</th>"
            "<th scope=\"col\" class=\"num\">Min – max</th><th scope=\"col\" class=\"num\">CV</th>"
            "<th scope=\"col\" class=\"num\">vs fastest</th>"
            + ("<th scope=\"col\" class=\"num\">vs BEAM</th>" if with_ref else "")
            + "<th scope=\"col\" class=\"num\">Reps</th>"
            + "".join(f'<th scope="col" class="num counter">{esc(c)}</th>' for c in counters))
    rows: List[str] = []
    for case in fam.cases:
        entries = list(case.entries.values())
        for i, m in enumerate(entries):
            first = ""
            if i == 0:
                first = f'<th scope="rowgroup" rowspan="{len(entries)}" class="case">{esc(case.name)}</th>'
            dot = f'<span class="dot" style="background:{style.color(m.backend)}"></span>'
            reps = str(m.summary.n) if m.summary and m.summary.n else "–"
            counter_cells = "".join(
                f'<td class="num counter">{esc(units.fmt_counter(c, m.counters[c]))}</td>' if c in m.counters
                else '<td class="num counter">–</td>' for c in counters)
            broken = bool(m.bench.error) or not m.summary
            ref_cell = _vs_reference_cell(case.name, m.backend, vs_ref) if with_ref else ""
            tail = "" if broken else f'{ref_cell}<td class="num">{reps}</td>{counter_cells}'
            cls = ' class="group-start"' if i == 0 else ""
            cells = _median_cell(m, span=5 + len(counters) + (1 if with_ref else 0), case=case, quantity=fam.quantity)
            rows.append(f"<tr{cls}>{first}<td class=\"be\">{dot}{esc(m.backend)}</td>{cells}{tail}</tr>")
    return (f'<div class="table-scroll"><table class="perf"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _caption(chart) -> str:
    """Say what a chart shows; the family's heading already names it."""
    if chart.kind == "sweep":
        fixed = f" at {esc(chart.group)}" if chart.group else ""
        return f'<figcaption>Sweep over <code>{esc(chart.sweep_param)}</code>{fixed}</figcaption>'
    if chart.kind == "scaling":
        return (f'<figcaption>Scaling with <code>{esc(chart.sweep_param)}</code>: median and 95% interval per '
                f'worker count; a flat dashed line is a backend with no workers to vary</figcaption>')
    if chart.kind == "tails":
        return ('<figcaption>Tail latency per operation: p50, p99 and max of each repetition (median over '
                'repetitions, whisker min to max), log scale</figcaption>')
    return "<figcaption>Median with its 95% interval; dots are the repetitions</figcaption>"


def family_anchor(i: int, fam: Family) -> str:
    return f"family-{i}-{slug(fam.name)}"


def describe_family(fam: Family) -> str:
    """The operation, unit, sizes and direction, from the perf suite's own
    description of the family (perf/bench_*.cpp)."""
    d = fam.description
    if d is None:
        return ('<p class="fam-desc muted" data-described="0">No description: the perf JSON carries none for this '
                'family (an older perf binary?). Times are real time per operation; lower is better.</p>')
    rows = [("Operation", d.operation), ("Unit", d.unit), ("Sizes", d.sizes)]
    compared = quantities.name_of(fam)
    better = "lower is better"
    if d.per_second and not fam.quantity:
        better += f" (the chart shows {d.per_second} per second: higher is better there)"
    rows.append(("Compared on", f"{compared}; {better}"))
    if d.x_axis:
        rows.append(("Varies", f"{d.x_axis}: the runtime's worker threads"))
    items = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in rows if v)
    return f'<dl class="fam-desc" data-described="1">{items}</dl>'


def _broken_perf(broken: Sequence[Dict[str, object]]) -> str:
    if not broken:
        return ""
    items = "".join(f"<li><code>{esc(b.get('name'))}</code> {esc(b.get('status'))}: {esc(b.get('detail'))}</li>"
                    for b in broken)
    return ('<div class="callout fail" role="alert" id="perf-broken"><strong>Part of the perf suite did not finish.</strong> '
            'These processes crashed, hung or wrote nothing; their benchmarks are missing below, the ones that '
            f'finished are shown.<ul>{items}</ul></div>')


def performance(families: Sequence[Family], style, backends: Sequence[str],
                broken: Sequence[Dict[str, object]] = (), vs_reference=(), gbench_debug: bool = False) -> str:
    if not families:
        return ('<section id="performance"><h2>Performance</h2>' + _broken_perf(broken)
                + '<p class="empty">No benchmark results were given.</p></section>')
    legend = "".join(
        f'<span class="legend-item"><span class="dot" style="background:{style.color(b)}"></span>{esc(b)}</span>'
        for b in backends)
    nav = " · ".join(f'<a href="#{family_anchor(i, f)}">{esc(f.name)}</a>' for i, f in enumerate(families))
    debug = ("<p class=\"muted\">Debian's Google Benchmark library reports itself as built as DEBUG. That does not "
             "touch these numbers: every benchmark here uses manual timing, a steady clock read inside the measured "
             "process around the work only, so the library's own code runs outside the measured region.</p>"
             if gbench_debug else "")
    parts = [f"""<section id="performance">
<h2>Performance</h2>
<p class="lead">Each family says what one operation is, its unit and sizes (from the benchmark's own code). Charts are dot
plots: the <strong>median</strong> over repetitions with its bootstrap 95% interval as a whisker, and every repetition as
a small dot beside it; an axis is logarithmic only when values span more than 30× (it then says so), otherwise linear
from zero. Memory is compared on bytes per process, timers on lateness, and throughput families are drawn in
operations per second. <em>vs fastest</em> is the median divided by the lowest median on the same benchmark, with its
bootstrap 95% interval. A backend is badged <strong>fastest</strong> only when every other backend is slower by a
two-sided Mann–Whitney U test (α = 0.05) or by a ratio interval that excludes 1; otherwise the backends the data
cannot separate are marked <strong>tie</strong>. <em>vs BEAM</em> is the median divided by the BEAM's (the same work
in Erlang on Erlang/OTP), with the U test's verdict (see <a href="#vs-beam">Against the BEAM</a>). A CV above {100 * NOISY_CV:.0f}% is flagged <strong>noisy</strong>.</p>
{debug}
{_broken_perf(broken)}
<p class="legend">Backends: {legend}</p>
<p class="families">{nav}</p>"""]
    for i, fam in enumerate(families):
        charts = "".join(
            f'<figure class="chart chart-{c.kind}">{_caption(c)}<div class="chart-box"><canvas id="{c.id}" role="img"'
            + attr("data-kind", c.kind)
            + attr("aria-label", f"Chart of {c.title}: medians per backend; the table below has the numbers")
            + "></canvas></div></figure>"
            for c in fam.charts)
        cls = " scaling" if fam.scaling else ""
        parts.append(f'<article class="family{cls}" id="{family_anchor(i, fam)}"><h3>{esc(fam.name)}</h3>'
                     f'{describe_family(fam)}'
                     f'<div class="charts n{min(len(fam.charts), 2)}">{charts}</div>'
                     f'{_family_table(fam, style, {(r.case, r.backend): r for r in vs_reference})}</article>')
    parts.append("</section>")
    return "\n".join(parts)


# ----------------------------------------------------------- against the BEAM

def against_reference(vs_reference: Sequence["reference.VsReference"], facts: Facts) -> str:
    """Per backend: on how many benchmarks it beats the BEAM, ties, loses."""
    why = facts.beam if facts.beam != UNKNOWN else "no BEAM rows in the benchmark results"
    return templates.render("against_reference.html", facts=facts, why=why,
                            counts=reference.tally(vs_reference) if vs_reference else {},
                            BEATS=reference.BEATS, TIES=reference.TIES, LOSES=reference.LOSES,
                            VERDICT_UNKNOWN=reference.UNKNOWN)


# ------------------------------------------------------------------ baseline

_VERDICT_CLASS = {cmp.REGRESSION: "regress", cmp.IMPROVEMENT: "improve", cmp.TOO_FEW: "toofew",
                  cmp.NOT_COMPARABLE: "refused"}
_VERDICT_ORDER = {cmp.REGRESSION: 0, cmp.IMPROVEMENT: 1, cmp.NOT_COMPARABLE: 2, cmp.TOO_FEW: 3, cmp.NO_CHANGE: 4,
                  cmp.NEW: 5, cmp.GONE: 6}


def _time_ci(ci) -> Optional[tuple]:
    return (units.fmt_time(ci[0]), units.fmt_time(ci[1])) if ci else None


def _change_row(c: cmp.Change) -> dict:
    cls = _VERDICT_CLASS.get(c.verdict, "")
    return {
        "cls": cls, "verdict": c.verdict, "case": c.case, "backend": c.backend,
        "warnings": "; ".join(c.warnings),
        "old": units.fmt_time(c.old_median) if c.old_median is not None else "–",
        "old_ci": _time_ci(c.old_ci) if c.old_median is not None else None,
        "new": units.fmt_time(c.new_median) if c.new_median is not None else "–",
        "new_ci": _time_ci(c.new_ci) if c.new_median is not None else None,
        "pct": units.fmt_pct(c.change_pct) if c.change_pct is not None else "–",
        "pct_ci": (f"×{c.ratio_ci[0]:.3f}", f"×{c.ratio_ci[1]:.3f}") if c.ratio_ci else None,
        "p": f"{c.pvalue:.2g}" if c.pvalue is not None else "–",
        "p_adjusted": f"{c.p_adjusted:.2g}" if c.pvalue is not None and c.p_adjusted is not None else "",
        "reps": f"{c.n_old} vs {c.n_new}",
        "mark": {"regress": "▲ ", "improve": "▼ "}.get(cls, ""),
        "note": c.note or "",
    }


def baseline(changes: Optional[Sequence[cmp.Change]], baseline_label: str, min_change: float = 0.05,
             refused_because: Sequence[str] = (), baseline_error: Optional[str] = None) -> str:
    counts: Dict[str, int] = {}
    for c in changes or ():
        counts[c.verdict] = counts.get(c.verdict, 0) + 1
    ordered = sorted(changes or (), key=lambda c: (_VERDICT_ORDER.get(c.verdict, 9),
                                                   -(abs(c.change_pct) if c.change_pct is not None else 0)))
    # Unremarkable rows would bury the few that matter.
    unremarkable = (cmp.NO_CHANGE, cmp.NEW, cmp.GONE, cmp.NO_DATA)
    return templates.render(
        "baseline.html", label=baseline_label, min_change_pct=f"{100 * min_change:g}", error=baseline_error,
        refused=list(refused_because) if changes is None else None, NO_CHANGE=cmp.NO_CHANGE,
        counts=sorted(counts.items(), key=lambda kv: _VERDICT_ORDER.get(kv[0], 9)),
        headline=[_change_row(c) for c in ordered if c.verdict not in unremarkable],
        quiet=[_change_row(c) for c in ordered if c.verdict in unremarkable])


# ---------------------------------------------------------------------- spec

def spec_text(spec: Spec, m: Matrix) -> str:
    if not spec.rules:
        return ""
    return templates.render("spec.html", spec=spec, rows={r.rule_id: r for r in m.rows},
                            known=frozenset(r.id for r in spec.rules))
