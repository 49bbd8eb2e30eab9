"""Report -> one self-contained HTML page."""

from __future__ import annotations

import os
from typing import Optional
from datetime import datetime, timezone

from markupsafe import Markup

from . import charts, mutants, overview, sections, templates
from .html import CSP, inline_script_safe, json_for_script
from .model import Report

_HERE = os.path.dirname(os.path.abspath(__file__))


def _asset(name: str) -> str:
    with open(os.path.join(_HERE, name), encoding="utf-8") as f:
        return f.read()


def to_html(report: Report, chartjs_source: str, mutant_doc: Optional[dict] = None) -> str:
    style = charts.Style(report.backends)
    chart_specs = [(c, fam) for fam in report.families for c in fam.charts]
    data = {"charts": [charts.describe(c, fam, report.backends, style) for c, fam in chart_specs]}

    # The first screen: the summary per backend, then the failures.
    anchors = {f.name: sections.family_anchor(i, f) for i, f in enumerate(report.families)}
    lead = (Markup(overview.section(report.families, report.backends, report.matrix, report.reference,
                             {b: style.color(b) for b in report.backends}, anchors, report.facts.mode,
                             report.vs_reference))
            + sections._failure_list(report.matrix))
    body = [
        sections.header(report.facts, report.problems,
                        sections.baseline_facts(report.run_facts, report.baseline_facts, report.mismatches,
                                                report.baseline_label, forced=not report.refused), lead=lead),
        sections.toc(bool(report.families), bool(report.baseline_label), bool(report.spec.rules)),
        sections.conformance(report.matrix, report.spec_loaded),
    ]
    if mutant_doc is not None:
        body.append(mutants.section(mutant_doc))
    if report.families:
        body.append(sections.against_reference(report.vs_reference, report.facts))
    body.append(sections.performance(report.families, style, report.backends, report.broken_perf,
                                     report.vs_reference, gbench_debug=report.facts.gbench_debug))
    if report.baseline_label:
        body.append(sections.baseline(report.changes, report.baseline_label, report.min_change,
                                      report.mismatches, report.baseline_error))
    body.append(sections.spec_text(report.spec, report.matrix))
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body.append(
        f'<footer>Generated {generated} by <code>reports/make_report.py</code>. Charts: Chart.js 3.9.1 '
        "(MIT licence, inlined). Self-contained: this file loads nothing from the network.</footer>"
        '<noscript><p class="callout warn">Charts need JavaScript; the tables carry the same numbers.</p></noscript>')
    body.append("</div>")  # closes the .wrap opened by the header

    f = report.facts
    title = f"actorspec report — {f.date} — {f.git_commit[:12]}"
    attrs = {
        "data-charts-expected": str(len(chart_specs)),
        "data-charts-rendered": "0",
        "data-matrix-rules": str(len(report.matrix.rows)),
        "data-matrix-backends": str(len(report.matrix.backends)),
        "data-matrix-failing": str(len(report.matrix.failing_rules()) + len(report.matrix.crashed)),
    }
    return templates.render(
        "page.html", title=title, body_attrs=attrs, csp=CSP, css=Markup(_asset("report.css")),
        body=Markup("\n".join(body)), data_json=Markup(json_for_script(data)),
        chartjs=Markup(inline_script_safe(chartjs_source, "Chart.js")),
        script=Markup(inline_script_safe(_asset("report.js"), "report.js")))
