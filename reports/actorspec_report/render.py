"""Report -> one self-contained HTML page."""

from __future__ import annotations

import os
import re
from typing import Optional
from datetime import datetime, timezone

from markupsafe import Markup

from . import charts, mutants, overview, sections, templates
from .html import CSP, inline_script_safe, json_for_script
from .meta import UNKNOWN
from .model import Report

_HERE = os.path.dirname(os.path.abspath(__file__))


def _asset(name: str) -> str:
    with open(os.path.join(_HERE, name), encoding="utf-8") as f:
        return f.read()


def _chartjs_version(source: str) -> str:
    """The version in the inlined build's banner ("Chart.js v3.9.1"), not a
    number written here that the Debian package may no longer match."""
    m = re.search(r"Chart\.js v([0-9][0-9A-Za-z.+~-]*)", source[:1000])
    return m.group(1) if m else "(version unknown)"


def to_html(report: Report, chartjs_source: str, mutant_doc: Optional[dict] = None) -> str:
    style = charts.Style(report.backends)
    chart_specs = [(c, fam) for fam in report.families for c in fam.charts]
    data = {"charts": [charts.describe(c, fam, report.backends, style) for c, fam in chart_specs]}

    # The first screen: the summary per backend, then the failures.
    anchors = {f.name: sections.family_anchor(i, f) for i, f in enumerate(report.families)}
    lead = Markup("").join([
        overview.section(report.families, report.backends, report.matrix, report.reference,
                         {b: style.color(b) for b in report.backends}, anchors, report.facts.mode,
                         report.vs_reference),
        sections.failure_list(report.matrix)])
    sections_html = [
        sections.run_facts(report.facts, report.problems,
                           sections.baseline_facts(report.run_facts, report.baseline_facts, report.mismatches,
                                                   report.baseline_label, forced=not report.refused), lead=lead),
        sections.toc(bool(report.families), bool(report.baseline_label), bool(report.spec.rules), bool(report.targets)),
        sections.conformance(report.matrix, report.spec_loaded),
    ]
    if mutant_doc is not None:
        sections_html.append(mutants.section(mutant_doc))
    if report.families:
        sections_html.append(sections.against_reference(report.vs_reference, report.facts))
        if report.targets:
            sections_html.append(sections.targets(report.targets))
    sections_html.append(sections.performance(report.families, style, report.backends, report.broken_perf,
                                              report.vs_reference, gbench_debug=report.facts.gbench_debug))
    if report.baseline_label:
        sections_html.append(sections.baseline(report.changes, report.baseline_label, report.min_change,
                                               report.mismatches, report.baseline_error))
    sections_html.append(sections.spec_text(report.spec, report.matrix))

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
        "report.html", title=title, body_attrs=attrs, csp=CSP, css=Markup(_asset("report.css")),
        facts=f, short_commit=f.git_commit[:12] if f.git_commit != UNKNOWN else "commit unknown",
        sections=[Markup(s) for s in sections_html if s],
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        chartjs_version=_chartjs_version(chartjs_source),
        data_json=Markup(json_for_script(data)),
        chartjs=Markup(inline_script_safe(chartjs_source, "Chart.js")),
        script=Markup(inline_script_safe(_asset("report.js"), "report.js")))
