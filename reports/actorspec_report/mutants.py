"""The mutant kill table (issue 10): conformance/mutants/run_mutants.py writes
a JSON file, mutant -> killed / SURVIVED -> the tests that caught it; this
module reads it and renders the report's "Mutants" section. A file that is
missing or malformed is a visible problem, never an empty section. If the
controls failed, every verdict is shown as unknown.
"""

from __future__ import annotations

import json
from typing import Any, Dict

from . import templates

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
    return templates.render("mutants.html", doc=doc, trusted=trusted(doc), summary=summary_line(doc))
