"""conformance.xml: one JUnit file for CI systems, valid against the
junit-10.xsd schema of Jenkins' xUnit plugin (a copy lives in
reports/tests/), which GitLab's and GitHub's JUnit readers accept too.

* Suite names carry the backend ("thread/Links/Conformance"): the same
  GoogleTest suite runs on every backend and CI tools merge equal names.
* A failure's message= is the first line of GoogleTest's text, which
  starts with file:line; the second line (the assertion) is appended so a
  CI summary shows what failed, and the element's text holds all of it.
* A backend whose binary crashed, hung or wrote nothing gets a suite with
  one <error> testcase saying so: a red test in every CI tab, never an
  absent one.
"""

from __future__ import annotations

import json
from typing import Iterable, List
from xml.sax.saxutils import escape, quoteattr

from . import suites


def _seconds(value: object) -> str:
    """GoogleTest writes "0.012s"; the schema wants a plain decimal."""
    text = str(value or "0").rstrip("s")
    try:
        return f"{float(text):.3f}"
    except ValueError:
        return "0"


def _message(failures: List[dict]) -> str:
    texts = [str(f.get("failure", "")) for f in failures if isinstance(f, dict)]
    lines = [l.strip() for t in texts for l in t.splitlines() if l.strip()]
    if not lines:
        return "failed"
    return " ".join(lines[:2])[:500]


class _Suite:
    def __init__(self, name: str):
        self.name, self.cases = name, []
        self.failures = self.errors = self.skipped = 0
        self.time = 0.0


def _suites_from_results(backend: str, path: str) -> List[_Suite]:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    out = []
    for s in doc.get("testsuites", []):
        suite = _Suite(f"{backend}/{s.get('name', '')}")
        for t in s.get("testsuite", []):
            attrs = (f"name={quoteattr(str(t.get('name', '')))} classname={quoteattr(suite.name)} "
                     f"time={quoteattr(_seconds(t.get('time')))}")
            inner = ""
            if t.get("failures"):
                suite.failures += 1
                text = "\n".join(str(f.get("failure", "")) for f in t["failures"] if isinstance(f, dict))
                inner = f"<failure message={quoteattr(_message(t['failures']))} type=\"assertion\">{escape(text)}</failure>"
            elif t.get("result") == "SKIPPED" or t.get("status") == "NOTRUN":
                suite.skipped += 1
                why = "disabled" if t.get("status") == "NOTRUN" else "skipped"
                inner = f"<skipped message={quoteattr(why)}/>"
            suite.time += float(_seconds(t.get("time")))
            suite.cases.append(f"    <testcase {attrs}>{inner}</testcase>")
        out.append(suite)
    return out


def _broken_suite(o: suites.SourceOutcome) -> _Suite:
    suite = _Suite(f"{o.backend}/conformance")
    suite.errors = 1
    msg = f"the {o.backend} conformance suite {o.status}: {o.detail}"
    cmd = " ".join(o.command)
    suite.cases.append(
        f"    <testcase name={quoteattr(f'{o.backend}: conformance binary')} classname={quoteattr(suite.name)} time=\"0\">"
        f"<error message={quoteattr(msg)} type={quoteattr(o.status)}>{escape(msg + chr(10) + 'command: ' + cmd)}</error>"
        f"</testcase>")
    return suite


def write(outcomes: Iterable[suites.SourceOutcome], xml_path: str) -> None:
    all_suites: List[_Suite] = []
    for o in outcomes:
        if o.results:
            all_suites.extend(_suites_from_results(o.backend, o.results))
        if o.broken:
            all_suites.append(_broken_suite(o))
    parts = []
    for s in all_suites:
        parts.append(f"  <testsuite name={quoteattr(s.name)} tests=\"{len(s.cases)}\" failures=\"{s.failures}\" "
                     f"errors=\"{s.errors}\" skipped=\"{s.skipped}\" time=\"{s.time:.3f}\">\n"
                     + "\n".join(s.cases) + "\n  </testsuite>")
    tests = sum(len(s.cases) for s in all_suites)
    failures = sum(s.failures for s in all_suites)
    errors = sum(s.errors for s in all_suites)
    time = sum(s.time for s in all_suites)
    with open(xml_path, "w", encoding="utf-8") as f:
        f.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="actorspec conformance" tests="{tests}" '
                f'failures="{failures}" errors="{errors}" time="{time:.3f}">\n' + "\n".join(parts) + "\n</testsuites>\n")


def merge_gtest_json(outcomes: Iterable[suites.SourceOutcome], out_path: str) -> None:
    """conformance.json: every backend's GoogleTest JSON of this run in one."""
    merged = {"tests": 0, "failures": 0, "disabled": 0, "errors": 0, "name": "AllTests", "testsuites": []}
    for o in outcomes:
        if not o.results:
            continue
        with open(o.results, encoding="utf-8") as f:
            data = json.load(f)
        for key in ("tests", "failures", "disabled", "errors"):
            merged[key] += data.get(key, 0)
        merged["testsuites"].extend(data.get("testsuites", []))
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(merged, f, indent=1)
