"""The compact plain-text summary printed for CI logs and terminals.

ASCII only (us, x): CI logs do not always keep UTF-8 intact.
"""

from __future__ import annotations

from typing import List, Sequence

from . import compare as cmp
from . import load, overview, quantities, reference, units
from .gtest import DEVIATION, FAIL, NOT_APPLICABLE, NOT_RUN, PASS
from .model import Report


_NAME_WIDTH = 44
_VERDICT_ORDER = [cmp.REGRESSION, cmp.IMPROVEMENT, cmp.NOT_COMPARABLE, cmp.LOADED, cmp.TOO_FEW, cmp.NO_CHANGE, cmp.NEW, cmp.GONE,
                  cmp.NO_DATA]


def _clip(name: str) -> str:
    """Long names would push every column off screen; the HTML has them whole."""
    return name if len(name) <= _NAME_WIDTH else name[:_NAME_WIDTH - 3] + "..."


def _table(rows: Sequence[Sequence[str]], right: Sequence[bool], indent: str = "  ") -> List[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [c.rjust(w) if right[i] else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def render(report: Report) -> str:
    f = report.facts
    lines = [f"actorspec report  date {f.date}  commit {f.git_commit[:12]}  mode {f.mode}", ""]

    m = report.matrix
    totals = m.totals()
    lines.append(f"Conformance: rules per backend (of {len(m.rows)} rules)")
    if m.backends:
        extra = [s for s in (DEVIATION, NOT_APPLICABLE) if any(totals[b][s] for b in m.backends)]
        rows = [["backend", "pass", "fail", "not run"] + extra]
        rows += [[b, str(totals[b][PASS]), str(totals[b][FAIL]), str(totals[b][NOT_RUN])]
                 + [str(totals[b][s]) for s in extra]
                 + ([f"SUITE {m.crashed[b].upper().split(':')[0]}: {m.crashed[b].split(': ', 1)[-1]}"] if b in m.crashed else [""])
                 for b in m.backends]
        rows[0].append("")
        lines += _table(rows, [False, True, True, True] + [True] * len(extra) + [False])
        # A crashed backend fails every rule; name it once, not 100 times.
        failing = [f"{r.rule_id} ({', '.join(b for b, c in r.cells.items() if c.status == FAIL and not c.error)})"
                   for r in m.failing_rules() if any(c.status == FAIL and not c.error for c in r.cells.values())]
        for b in m.crashed:
            lines.append(f"  FAILING: every rule without a result on {b}: its suite {m.crashed[b]}")
        if failing:
            lines.append("  FAILING: " + "; ".join(failing))
    else:
        lines.append("  no conformance results")
    lines.append("")

    sts = overview.standings(report.families, report.backends, report.reference, report.vs_reference)
    if any(st.compared for st in sts.values()):
        ref = report.reference
        lines.append("At a glance: geometric mean of median / best median over the non-scaling benchmarks "
                     "(1.00x = best everywhere); won/tied/lost only where significant")
        rows = [["backend", "geomean", "won", "tied", "lost", "unknown"] + ([f"vs {ref}"] if ref else [])]
        for b, st in sts.items():
            g = st.geomean
            row = [b, f"{g:.2f}x" if g else "-", str(st.counts[overview.WIN]), str(st.counts[overview.TIE]),
                   str(st.counts[overview.LOSS]), str(st.counts[overview.UNKNOWN])]
            if ref:
                rg = st.ref_geomean
                row.append("reference" if b == ref else (f"{rg:.2f}x" if rg else "-"))
            rows.append(row)
        lines += _table(rows, [False] + [True] * (len(rows[0]) - 1))
        lines.append("")

    lines.append("Performance: median per operation, real time unless the family compares a counter "
                 "(memory: bytes, timers: lateness) (ratio to the lowest median; * = fastest, "
                 "shown only where significant; = = tie, not significantly different from the lowest; ~ = noisy, CV > 10%; "
                 "? = standing unknown; 'cpu 1.2us' = CPU per operation of the whole process; LOADED = ran "
                 "oversubscribed, its verdicts unknown; '| 0.45x' = ratio to the BEAM's median)")
    backends = report.backends
    vs_ref = {(r.case, r.backend): r for r in report.vs_reference}
    rows = [["benchmark"] + list(backends)]
    for fam in report.families:
        for case in fam.cases:
            row = [_clip(case.name)]
            for b in backends:
                e = case.entries.get(b)
                if e is None:
                    row.append("-")
                elif e.bench.error:
                    row.append("error")
                elif e.summary is None:
                    row.append("no data")
                else:
                    r = e.ratio or 1.0
                    mark = ("*" if case.fastest() == b else "?" if b in case.unknown
                            else ("=" if case.is_tie() and b in case.tied else " "))
                    noisy = "~" if e.summary.cv > 0.10 else " "
                    vr = vs_ref.get((case.name, b))
                    vs = f" | {vr.ratio:.2f}x" if vr is not None and vr.ratio is not None else ""
                    value = quantities.fmt(fam.quantity, e.summary.median, ascii_only=True)
                    cpu = e.load.cpu_ns_per_op
                    cpu_text = f" cpu {units.fmt_time(cpu, ascii_only=True)}" if cpu is not None else ""
                    flag = " LOADED" if e.load.loaded else ""
                    row.append(f"{value}{cpu_text} ({r:.2f}x){mark}{noisy}{vs}{flag}")
            rows.append(row)
    if len(rows) > 1:
        lines += _table(rows, [False] + [True] * len(backends))
    else:
        lines.append("  no benchmark results")

    if report.broken_perf:
        lines.append("  PERF DID NOT FINISH (benchmarks missing above):")
        lines += [f"    {b.get('name')}: {b.get('status')}: {b.get('detail')}" for b in report.broken_perf]

    if report.baseline_label and report.changes is None:
        lines.append("")
        lines.append("Against baseline: NO COMPARISON: " + (report.baseline_error or "; ".join(report.mismatches)))

    if report.families:
        lines.append("")
        lines.append("Against the BEAM (per benchmark; two-sided Mann-Whitney U, alpha 0.05):")
        if report.vs_reference:
            counts = reference.tally(report.vs_reference)
            rows = [["backend", "beats", "ties", "loses", "unknown"]]
            rows += [[b] + [str(c[v]) for v in reference.VERDICTS] for b, c in counts.items()]
            lines += _table(rows, [False, True, True, True, True])
        else:
            lines.append(f"  no BEAM rows ({report.facts.beam})" if report.facts.beam != "unknown" else "  no BEAM rows")

    loaded = [(case.name, b, e.load) for fam in report.families for case in fam.cases
              for b, e in case.entries.items() if e.load.loaded]
    if loaded:
        lines.append(f"  LOADED: {len(loaded)} row(s) ran oversubscribed; their verdicts are unknown ({load.RULE}); "
                     f"e.g. {loaded[0][0]}/{loaded[0][1]}: {loaded[0][2].why}")

    if report.targets:
        lines.append("")
        lines += targets_table(report)

    if report.changes is not None:
        lines.append("")
        if report.mismatches:
            lines.append("Against baseline: COMPARED ANYWAY (--force-compare) although: " + "; ".join(report.mismatches))
        counts = {}
        for c in report.changes:
            counts[c.verdict] = counts.get(c.verdict, 0) + 1
        ordered = sorted(counts.items(), key=lambda kv: _VERDICT_ORDER.index(kv[0]) if kv[0] in _VERDICT_ORDER else 99)
        lines.append(f"Against baseline (Mann-Whitney U, Holm-corrected alpha 0.05, minimum change "
                     f"{100 * report.min_change:g}%): " + ", ".join(f"{v}: {n}" for v, n in ordered))
        notable = [c for c in report.changes if c.verdict in (cmp.REGRESSION, cmp.IMPROVEMENT)]
        if notable:
            rows = [[c.verdict.upper(), _clip(c.key), units.fmt_pct(c.change_pct),
                     f"ratio 95% CI [{c.ratio_ci[0]:.3f}, {c.ratio_ci[1]:.3f}]" if c.ratio_ci else "",
                     f"p adj={c.p_adjusted:.2g}"] for c in notable]
            lines += _table(rows, [False, False, True, False, True])
        refused = [c for c in report.changes if c.verdict == cmp.NOT_COMPARABLE]
        for c in refused[:10]:
            lines.append(f"  NOT COMPARABLE {_clip(c.key)}: {c.note}")
        few = [c for c in report.changes if c.verdict == cmp.TOO_FEW]
        if few:
            lines.append(f"  {len(few)} benchmark(s) had too few repetitions for a verdict, e.g. {few[0].key}: {few[0].note}")

    if report.problems or report.facts.warnings:
        lines.append("")
        lines += ["WARNING: " + p for p in list(report.problems) + list(report.facts.warnings)]
    return "\n".join(lines) + "\n"


def targets_table(report: Report) -> List[str]:
    """perf/targets.tsv judged: met only when the median's 95% interval is within the bound."""
    lines = ["Targets (perf/targets.tsv; met/missed only when the median's 95% interval is clear of the bound):"]
    rows = [["case", "who", "bound", "verdict", "medians", "BEAM", "CAF"]]
    for j in report.targets:
        t = j.target
        def fmt(x: float) -> str:
            return quantities.fmt(j.quantity, x, ascii_only=True)
        bound = f"spread <= {t.bound:.0%}" if t.kind == "spread" else f"median <= {fmt(t.bound)}"
        if t.kind == "spread":
            got = ", ".join(f"{v.backend} {'±' + format(v.spread, '.0%') if v.spread is not None else v.verdict}"
                            for v in j.backends)
        else:
            got = ", ".join(f"{v.backend} {fmt(v.median)}" if v.median is not None else f"{v.backend} {v.why}"
                            for v in j.backends)
        # A verdict made unknown by load says so on its row, with the counts.
        got += "".join(f" ({v.backend}: {v.why})" for v in j.backends if v.load is not None and v.load.loaded)
        refs = [fmt(j.references[r]) if r in j.references else "-" for r in ("beam", "caf")]
        if t.kind == "spread":
            refs = ["-", "-"]
        rows.append([_clip(t.case), t.who, bound, j.verdict.upper() if j.verdict != "met" else "met",
                     got or j.why] + refs)
    return lines + _table(rows, [False, False, False, False, False, True, True])
