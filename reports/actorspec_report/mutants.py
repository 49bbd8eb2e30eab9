"""The mutant kill table (issue 10): conformance/mutants/run_mutants.py writes
a JSON file, mutant -> killed / SURVIVED -> the tests that caught it; this
module reads it and renders the report's "Mutants" section. A file that is
missing or malformed is a visible problem, never an empty section. If the
controls failed, every verdict is shown as unknown.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

from .html import esc

KILLED, SURVIVED = "killed", "SURVIVED"


class MutantInputError(ValueError):
    pass


def load(path: str) -> Dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise MutantInputError(f"mutant results {path}: {e}") from e
    rows = doc.get("mutants") if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        raise MutantInputError(f"mutant results {path}: no 'mutants' list")
    for r in rows:
        if not isinstance(r, dict) or not isinstance(r.get("mutant"), str) or r.get("verdict") not in (KILLED, SURVIVED):
            raise MutantInputError(f"mutant results {path}: malformed row {r!r}")
        if not isinstance(r.get("tests", []), list):
            raise MutantInputError(f"mutant results {path}: 'tests' of {r['mutant']} is not a list")
    return doc


def trusted(doc: Dict[str, Any]) -> bool:
    control = doc.get("control")
    return bool(control and control.get("passed"))


def summary_line(doc: Dict[str, Any]) -> str:
    rows = doc["mutants"]
    if not trusted(doc):
        return f"mutants: {len(rows)} run, verdicts unknown (the controls did not pass)"
    killed = sum(r["verdict"] == KILLED for r in rows)
    survived = [r["mutant"] for r in rows if r["verdict"] != KILLED]
    return f"mutants: {killed} of {len(rows)} killed" + (f"; SURVIVED: {', '.join(survived)}" if survived else "")


def section(doc: Dict[str, Any]) -> str:
    rows: List[Dict[str, Any]] = doc["mutants"]
    ok = trusted(doc)
    head = esc(summary_line(doc))
    mode = esc(doc.get("mode", "unknown mode"))
    body = []
    for r in rows:
        verdict = r["verdict"] if ok else "unknown"
        cls = {"killed": "pass", "SURVIVED": "fail"}.get(verdict, "notrun")
        tests = "".join(f"<li><code>{esc(t)}</code></li>" for t in r.get("tests", []))
        how = r.get("how", "")
        body.append(
            f"<tr><td><code>mutant:{esc(r['mutant'])}</code></td>"
            f'<td><span class="badge {cls}">{esc(verdict)}</span></td>'
            f"<td>{esc(how)}</td><td><ul>{tests}</ul></td></tr>")
    return (
        '<section id="mutants"><h2>Mutants</h2>'
        f"<p>{head}. Each mutant is the shared core with one fault switched on "
        "(conformance/mutants); the conformance suite must fail on it. "
        f"Mode: {mode}.</p>"
        "<table><thead><tr><th>Mutant</th><th>Verdict</th><th>How</th><th>Caught by</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></section>")
