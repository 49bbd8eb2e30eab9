"""The report's sections: each function turns already-analysed data into
what its template (templates/*.html) shows, and renders it.

Jinja2 escapes all input text (autoescape, templates.py); the functions here
only choose and format values, never write markup.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from markupsafe import Markup

from . import compare as cmp
from . import load, quantities, reference, templates, units
from . import targets as targets_mod  # noqa: F401  (the type in targets())
from .badges import STATUS_CLASS
from .gtest import DEVIATION, FAIL, NOT_APPLICABLE, NOT_RUN, PASS
from .html import slug
from .matrix import Matrix
from .meta import UNKNOWN, Facts, normalise_versions
from .perf import Case, Family, Measured
from .spec import Spec

# Statuses that are neither a failure nor a gap: the "only problems" filter
# hides rows made of these.
_SETTLED = {PASS, DEVIATION, NOT_APPLICABLE}
# A coefficient of variation above this makes a median hard to trust.
NOISY_CV = 0.10


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


def run_facts(facts: Facts, problems: Sequence[str], extra: str = "", lead: str = "") -> str:
    """Warnings, the first screen (lead), the run's facts, then `extra`."""
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
    # lead and extra are markup made by this package (other sections).
    return templates.render("facts.html", items=items,
                            versions=normalise_versions(facts.versions),
                            notes=list(problems) + list(facts.warnings), lead=Markup(lead), extra=Markup(extra))


def toc(has_perf: bool, has_baseline: bool, has_spec: bool, has_targets: bool = False) -> str:
    return templates.render("toc.html", has_perf=has_perf, has_baseline=has_baseline, has_spec=has_spec,
                            has_targets=has_targets)


# --------------------------------------------------------------- conformance

def _card(m: Matrix, backend: str, t: Dict[str, int]) -> dict:
    n = len(m.rows) or 1
    return {"backend": backend, "t": t, "nothing_ran": m.nothing_ran_because(backend),
            "verdict": "fail" if (t[FAIL] or backend in m.crashed) else ("pass" if t[PASS] else "notrun"),
            "segments": [(STATUS_CLASS[s], 100.0 * t[s] / n)
                         for s in (PASS, DEVIATION, NOT_APPLICABLE, FAIL, NOT_RUN) if t[s]]}


def failure_list(m: Matrix) -> str:
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

def _vs_fastest(case: Case, m: Measured) -> dict:
    """"fastest" only where the data shows it; "tie" lists who it cannot separate."""
    ratio = m.ratio or 1.0
    text = units.fmt_ratio(ratio) if abs(ratio - 1.0) >= 1e-12 else "1.00×"
    ci = (f"{m.ratio_ci[0]:.2f}", f"{m.ratio_ci[1]:.2f}") if m.ratio_ci else None
    p = f"U test vs leader p = {m.pvalue:.3g}" if m.pvalue is not None else ""
    if case.fastest() == m.backend:
        return {"kind": "fastest"}
    if m.backend in case.unknown:
        lead = case.entries[case.leader].load if case.leader in case.entries else None
        why = m.load.why or (f"{case.leader}: {lead.why}" if lead is not None and lead.loaded else "")
        return {"kind": "unknown", "text": text, "ci": ci, "title": ("standing unknown: " + why).strip()}
    if case.is_tie() and m.backend in case.tied:
        others = ", ".join(b for b in case.tied if b != m.backend)
        return {"kind": "tie", "text": text, "ci": ci,
                "title": ("not significantly different from " + others + ". " + p).strip()}
    return {"kind": "plain", "text": text, "ci": ci, "title": p}


def _vs_beam(case_name: str, backend: str, vs_ref) -> dict:
    """The ratio to the BEAM's median and its verdict (U test), or why none."""
    if backend == reference.REFERENCE:
        return {"kind": "reference"}
    r = vs_ref.get((case_name, backend))
    if r is None:
        return {"kind": "none"}
    return {"kind": "value", "ratio": units.fmt_ratio(r.ratio) if r.ratio is not None else "–",
            "ci": (f"{r.ratio_ci[0]:.2f}", f"{r.ratio_ci[1]:.2f}") if r.ratio_ci else None,
            "title": f"p = {r.pvalue:.4f}" if r.pvalue is not None else r.why, "verdict": r.verdict}


def _table_row(fam: Family, case: Case, m: Measured, first: bool, style, vs_ref) -> dict:
    row = {"first": first, "rowspan": len(case.entries), "case": case.name, "backend": m.backend,
           "color": style.color(m.backend), "error": m.bench.error or "", "no_data": not m.summary}
    if row["error"] or row["no_data"]:
        return row
    s = m.summary
    fmt = lambda v: quantities.fmt(fam.quantity, v)  # noqa: E731
    row.update(
        median=fmt(s.median),
        median_ci=(fmt(m.median_ci[0]), fmt(m.median_ci[1])) if m.median_ci else None,
        spread=f"{fmt(s.minimum)} – {fmt(s.maximum)}" if s.n else "n/a",
        noisy=s.cv > NOISY_CV,
        # Aggregate-only input may carry no cv row at all: say so, not "0.0%".
        cv="–" if (s.n == 0 and "cv" not in m.bench.aggregates) else f"{100 * s.cv:.1f}%",
        vs_fastest=_vs_fastest(case, m), vs_beam=_vs_beam(case.name, m.backend, vs_ref),
        reps=str(s.n) if s.n else "–",
        # Beside the wall clock: the CPU the process burnt per operation. A
        # loaded row's wall clock grows while its CPU stays flat (load.py).
        cpu=(units.fmt_time(m.load.cpu_ns_per_op) if m.load.cpu_ns_per_op is not None
             else units.fmt_time(m.counters[load.CPU_PER_OP]) if load.CPU_PER_OP in m.counters else "–"),
        loaded=m.load.why,
        load_state=m.load.state,
        counters=[units.fmt_counter(c, m.counters[c]) if c in m.counters else "–" for c in fam.counter_names])
    return row


def _family_table(fam: Family, style, vs_ref) -> dict:
    with_ref = any(reference.REFERENCE in c.entries for c in fam.cases)
    with_cpu = any(load.CPU_PER_OP in m.counters for c in fam.cases for m in c.entries.values())
    return {"quantity": quantities.name_of(fam), "counters": fam.counter_names, "with_ref": with_ref,
            "with_cpu": with_cpu,
            # columns an error or "no data" spans
            "span": 5 + len(fam.counter_names) + (1 if with_ref else 0) + (1 if with_cpu else 0),
            "rows": [_table_row(fam, case, m, i == 0, style, vs_ref)
                     for case in fam.cases for i, m in enumerate(case.entries.values())]}


def family_anchor(i: int, fam: Family) -> str:
    return f"family-{i}-{slug(fam.name)}"


def _description(fam: Family) -> Optional[List[tuple]]:
    """The operation, unit, sizes and direction, from the perf suite's own
    description of the family (perf/bench_*.cpp); None when it has none."""
    d = fam.description
    if d is None:
        return None
    rows = [("Operation", d.operation), ("Unit", d.unit), ("Sizes", d.sizes)]
    compared = quantities.name_of(fam)
    better = "lower is better"
    if d.per_second and not fam.quantity:
        better += f" (the chart shows {d.per_second} per second: higher is better there)"
    rows.append(("Compared on", f"{compared}; {better}"))
    if d.x_axis:
        rows.append(("Varies", f"{d.x_axis}: the runtime's worker threads"))
    return [(k, v) for k, v in rows if v]


def performance(families: Sequence[Family], style, backends: Sequence[str],
                broken: Sequence[Dict[str, object]] = (), vs_reference=(), gbench_debug: bool = False) -> str:
    vs_ref = {(r.case, r.backend): r for r in vs_reference}
    views = [{"fam": fam, "anchor": family_anchor(i, fam), "description": _description(fam),
              "table": _family_table(fam, style, vs_ref)} for i, fam in enumerate(families)]
    return templates.render("performance.html", families=views, broken=broken, gbench_debug=gbench_debug,
                            legend=[(b, style.color(b)) for b in backends], noisy_pct=f"{100 * NOISY_CV:.0f}",
                            load_rule=load.RULE)


# ----------------------------------------------------------- against the BEAM

def against_reference(vs_reference: Sequence["reference.VsReference"], facts: Facts) -> str:
    """Per backend: on how many benchmarks it beats the BEAM, ties, loses."""
    why = facts.beam if facts.beam != UNKNOWN else "no BEAM rows in the benchmark results"
    return templates.render("against_reference.html", facts=facts, why=why,
                            counts=reference.tally(vs_reference) if vs_reference else {},
                            BEATS=reference.BEATS, TIES=reference.TIES, LOSES=reference.LOSES,
                            VERDICT_UNKNOWN=reference.UNKNOWN)


# ------------------------------------------------------------------- targets

def targets(judged: Sequence["targets_mod.Judged"]) -> str:
    """perf/targets.tsv judged on this run; targets.py decides every verdict."""
    rows = []
    for j in judged:
        t = j.target

        def fmt(x: float) -> str:
            return quantities.fmt(j.quantity, x)
        spread = t.kind == "spread"
        rows.append({
            "case": t.case, "matched": j.case, "who": t.who, "verdict": j.verdict, "note": j.why, "why": t.why,
            "bound": f"spread ≤ {t.bound:.0%}" if spread else f"median ≤ {fmt(t.bound)}",
            "backends": [{"backend": v.backend, "verdict": v.verdict, "note": v.why,
                          "value": (f"±{v.spread:.0%}" if v.spread is not None else "")
                          if spread else (fmt(v.median) if v.median is not None else "")}
                         for v in j.backends],
            "beam": "" if spread or "beam" not in j.references else fmt(j.references["beam"]),
            "caf": "" if spread or "caf" not in j.references else fmt(j.references["caf"]),
        })
    return templates.render("targets.html", rows=rows)


# ------------------------------------------------------------------ baseline

_VERDICT_CLASS = {cmp.REGRESSION: "regress", cmp.IMPROVEMENT: "improve", cmp.TOO_FEW: "toofew", cmp.LOADED: "toofew",
                  cmp.NOT_COMPARABLE: "refused"}
_VERDICT_ORDER = {cmp.REGRESSION: 0, cmp.IMPROVEMENT: 1, cmp.NOT_COMPARABLE: 2, cmp.LOADED: 3, cmp.TOO_FEW: 3, cmp.NO_CHANGE: 4,
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
