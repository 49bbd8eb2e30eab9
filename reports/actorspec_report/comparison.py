"""comparison.json: the report's verdicts for other tools and dashboards.

Built from the same Report the HTML is rendered from (no second analysis),
so a dashboard and the page can never disagree. Per benchmark (a case) and
backend: the median of the compared quantity with its 95% interval, the
ratio to the best median (and to the reference backend when the run flags
one), the U test's p against the leader and the verdict; per backend, the
summary the first screen shows; against a baseline, every change's verdict.
"""

from __future__ import annotations

import json
import math
from typing import Dict, List, Optional

from . import load, overview, quantities
from .model import Report

SCHEMA = "actorspec-comparison/1"


def _num(x: Optional[float]) -> Optional[float]:
    return x if isinstance(x, (int, float)) and math.isfinite(x) else None


def _pair(p) -> Optional[List[float]]:
    return [_num(p[0]), _num(p[1])] if p else None


def build(report: Report) -> Dict[str, object]:
    ref = report.reference
    # Ratios to the reference and their verdicts come from reference.py (the
    # report's "vs BEAM" column and "Against the BEAM" section read the same).
    vs = {(r.case, r.backend): r for r in report.vs_reference} if ref else {}
    benchmarks = []
    for fam in report.families:
        d = fam.description
        for case in fam.cases:
            entries = {}
            for b, m in case.entries.items():
                e: Dict[str, object] = {"verdict": overview.verdict(case, b) or "only backend"}
                if m.bench.error:
                    e["error"] = m.bench.error
                if m.summary:
                    e.update({"median": _num(m.summary.median), "ci95": _pair(m.median_ci),
                              "repetitions": len(m.values), "cv": _num(m.summary.cv),
                              "ratio_to_best": _num(m.ratio), "ratio_to_best_ci95": _pair(m.ratio_ci),
                              "p_vs_leader": _num(m.pvalue)})
                # Whether the repetitions ran oversubscribed, and the CPU per
                # operation beside the wall clock (load.py); "not recorded"
                # for rows without the counters (the BEAM's).
                e["load"] = m.load.facts()
                if m.load.loaded:
                    e["why"] = m.load.why
                vr = vs.get((case.name, b))
                if vr is not None:
                    e.update({"ratio_to_reference": _num(vr.ratio), "ratio_to_reference_ci95": _pair(vr.ratio_ci),
                              "p_vs_reference": _num(vr.pvalue), "verdict_vs_reference": vr.verdict})
                    if vr.why:
                        e["why_vs_reference"] = vr.why
                entries[b] = e
            benchmarks.append({
                "name": case.name, "family": fam.name,
                "quantity": fam.quantity or "real_time",
                "unit": "bytes" if quantities.kind_of(fam.quantity) == quantities.BYTES else "ns",
                "better": "lower", "scaling": fam.scaling,
                "operation": d.operation if d else None,
                "leader": case.leader, "fastest": case.fastest(), "tied": list(case.tied) if case.is_tie() else [],
                "backends": entries,
            })
    sts = overview.standings(report.families, report.backends, ref, report.vs_reference)
    backends = {}
    totals = report.matrix.totals()
    for b in report.backends:
        st, t = sts[b], totals.get(b, {})
        backends[b] = {
            "rules": len(report.matrix.rows), "rules_passed": t.get("pass", 0), "rules_failed": t.get("fail", 0),
            "rules_not_run": t.get("not run", 0), "suite_broken": report.matrix.crashed.get(b),
            "geomean_ratio_to_best": _num(st.geomean), "benchmarks_in_geomean": len(st.ratios),
            "geomean_ratio_to_reference": _num(st.ref_geomean) if ref and b != ref else None,
            "vs_reference": dict(st.ref_verdicts) if ref and b != ref else None,
            "won": st.counts[overview.WIN], "tied": st.counts[overview.TIE], "lost": st.counts[overview.LOSS],
            "unknown": st.counts[overview.UNKNOWN], "noisy": st.noisy,
        }
    out: Dict[str, object] = {
        "schema": SCHEMA,
        "run": {"date": report.facts.date, "git_commit": report.facts.git_commit, "mode": report.facts.mode,
                "cpu_model": report.facts.cpu_model, "cores": report.facts.cores},
        "method": {"alpha": 0.05, "test": "two-sided Mann-Whitney U against the leader, or a bootstrap 95% ratio "
                   "interval excluding 1", "intervals": "percentile bootstrap 95%",
                   "geomean": "over non-scaling benchmarks with at least two backends",
                   "load": load.RULE},
        "reference_backend": ref,
        "backends": backends,
        "benchmarks": benchmarks,
    }
    out["targets"] = [
        {"case": j.target.case, "matched": j.case, "who": j.target.who, "bound": f"{j.target.kind} <= {j.target.bound:g}",
         "why": j.target.why, "verdict": j.verdict, "note": j.why or None,
         "backends": {v.backend: {"verdict": v.verdict, "median": _num(v.median), "ci95": _pair(v.ci),
                                  "spread": _num(v.spread), "note": v.why or None,
                                  "load": v.load.facts() if v.load is not None else None} for v in j.backends},
         "references": {r: _num(x) for r, x in j.references.items()}}
        for j in report.targets]
    if report.changes is not None:
        out["baseline"] = {"label": report.baseline_label, "changes": [
            {"name": c.key, "verdict": c.verdict, "change_pct": _num(c.change_pct), "p": _num(c.pvalue),
             "p_holm": _num(c.p_adjusted), "ratio_ci95": _pair(c.ratio_ci), "old_median": _num(c.old_median),
             "new_median": _num(c.new_median), "note": c.note or None} for c in report.changes]}
    return out


def to_json(report: Report) -> str:
    return json.dumps(build(report), indent=1, allow_nan=False) + "\n"
