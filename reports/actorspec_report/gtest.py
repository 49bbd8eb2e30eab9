"""Reading GoogleTest JSON output (--gtest_output=json:FILE, 1.12).

Conformance tests are value-parameterised by backend, so a test is named
`LNK_5_kill_is_untrappable/thread`: the rule ID leads the name and the backend
is the parameter after the last '/'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional

from . import jsonfile

PASS, FAIL, NOT_RUN = "pass", "fail", "not run"
# Cell statuses of the reference column (the BEAM, conformance/beam/): a rule
# where the spec deliberately departs from the BEAM, whose BEAM test checks
# the BEAM's own behaviour; and a rule with no BEAM counterpart.
DEVIATION, NOT_APPLICABLE = "deviation", "n/a"

# GUIDE_3 is five letters, so allow a little more than the usual two to four.
_RULE_IN_TEST = re.compile(r"^(?:DISABLED_)?([A-Z]{2,6})_([0-9]+[a-z]?)(?=_|/|$)")


class ConformanceInputError(ValueError):
    """The file is not GoogleTest JSON we can use."""


@dataclass
class TestResult:
    suite: str
    name: str
    rule_id: Optional[str]
    backend: str
    outcome: str                 # PASS, FAIL or NOT_RUN
    why_not_run: str = ""        # "disabled", "skipped", ...
    messages: List[str] = field(default_factory=list)
    source: str = ""
    # The BEAM runner's class of the rule (property "beam_class": checked,
    # deviation, n/a); empty for every other backend.
    classification: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.suite}.{self.name}"


def rule_id_of(test_name: str) -> Optional[str]:
    m = _RULE_IN_TEST.match(test_name)
    return f"{m.group(1)}-{m.group(2)}" if m else None


def backend_of(test_name: str, value_param: object = None) -> str:
    if "/" in test_name:
        tail = test_name.rsplit("/", 1)[1]
        # The default name generator numbers instances; the value then names
        # the backend better than "0".
        if not tail.isdigit() or not value_param:
            return tail
    if isinstance(value_param, str) and value_param:
        return value_param.strip().strip('"')
    return "unknown"


def _outcome(test: dict) -> tuple:
    failures = test.get("failures") or []
    messages = [str(f.get("failure", "")) if isinstance(f, dict) else str(f) for f in failures]
    status = str(test.get("status", "RUN")).upper()
    result = str(test.get("result", "COMPLETED")).upper()
    if messages:
        return FAIL, "", messages
    if status == "NOTRUN" or result == "SUPPRESSED":
        return NOT_RUN, "disabled", []
    if result == "SKIPPED":
        skipped = test.get("skipped")
        notes = [str(s.get("message", "")) for s in skipped if isinstance(s, dict)] if isinstance(skipped, list) else []
        return NOT_RUN, "skipped", [n for n in notes if n]
    if result not in ("COMPLETED", ""):
        return FAIL, "", [f"test ended with result {result}"]
    return PASS, "", []


def parse(doc: dict, source: str = "") -> List[TestResult]:
    if not isinstance(doc, dict) or not isinstance(doc.get("testsuites"), list):
        raise ConformanceInputError(f"{source or 'input'}: no 'testsuites' list; not GoogleTest JSON")
    out: List[TestResult] = []
    for suite in doc["testsuites"]:
        if not isinstance(suite, dict):
            continue
        suite_name = str(suite.get("name", ""))
        for test in suite.get("testsuite") or []:
            if not isinstance(test, dict):
                continue
            name = str(test.get("name", ""))
            outcome, why, messages = _outcome(test)
            out.append(TestResult(
                suite=suite_name, name=name, rule_id=rule_id_of(name),
                backend=backend_of(name, test.get("value_param")),
                outcome=outcome, why_not_run=why, messages=messages, source=source,
                classification=str(test.get("beam_class", ""))))
    return out


def load(path: str) -> List[TestResult]:
    try:
        doc = jsonfile.load(path, "GoogleTest JSON")
    except jsonfile.JsonFileError as e:
        raise ConformanceInputError(str(e)) from None
    return parse(doc, source=path)
