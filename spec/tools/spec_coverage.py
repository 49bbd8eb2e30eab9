#!/usr/bin/env python3
"""spec_coverage: the spec and the conformance suite agree.

Reads spec/SPEC.md, spec/EVIDENCE.md and the suite's test list (run the
conformance binary with --gtest_list_tests, or pass a saved list) and fails
(exit 1, one line per problem) unless:
  - every rule (### AREA-N) has at least one test named AREA_N_...;
  - every test names a rule that exists;
  - every case ID the spec cites (O10, S12, L8/L11, E2b/c, X26, D7, ...)
    is a row of EVIDENCE.md, every rule ID it mentions (RT-11) is a rule,
    and every relative link it holds points at a file in the repository;
  - a test marked stochastic carries the marker right after its rule ID.
Prints the stochastic tests it found, so a reader knows which verdicts are
probabilistic.

--drop AREA-N removes that rule's tests from the list first: the CTest
spec_coverage_catches_a_rule_without_tests uses it to show the check fails
when a rule loses its tests.
"""
import argparse
import re
import subprocess
import sys
from pathlib import Path

RULE_HEADING = re.compile(r"^### ([A-Z]{2,4})-(\d+) — ", re.M)
RULE_REF = re.compile(r"\b([A-Z]{2,4})-(\d+)\b")
# Case IDs: O1, S12, L35, M15, R16, X26, D7; guide rows E1a, E2b/c.
CASE_REF = re.compile(r"(?<![\w-])(E\d+[a-z](?:/[a-z])?|[OSLMRXD]\d+)(?![\w-])")
EVIDENCE_ROW = re.compile(r"^\| ([A-Z]\d+[a-z]?(?:/[a-z])?) \|", re.M)
LINK = re.compile(r"\]\(([^)#:]+)(?:#[^)]*)?\)")
TEST_NAME = re.compile(r"^([A-Z]{2,4})_(\d+)_(.*)$")
AREAS_IN_SPEC = None  # filled from the headings


def read_test_list(args):
    if args.test_list:
        text = Path(args.test_list).read_text()
    else:
        text = subprocess.run([args.binary, "--gtest_list_tests"], check=True, capture_output=True, text=True).stdout
    tests = []
    suite = ""
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            suite = line.strip()
            continue
        name = line.strip().split()[0]
        entry = (suite, name.split("/")[0])  # one entry per test, not per backend
        if entry not in tests:
            tests.append(entry)
    return tests


def cited_text(spec):
    """The spec without code spans' contents that are not citations: keep it
    simple, every token outside backticks counts."""
    return re.sub(r"`[^`]*`", "", spec)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", required=True)
    ap.add_argument("--evidence", required=True)
    ap.add_argument("--binary", help="the conformance test binary")
    ap.add_argument("--test-list", help="a saved --gtest_list_tests output instead of --binary")
    ap.add_argument("--drop", action="append", default=[], help="AREA-N: forget that rule's tests")
    args = ap.parse_args()
    if not args.binary and not args.test_list:
        ap.error("give --binary or --test-list")

    spec_path = Path(args.spec)
    spec = spec_path.read_text()
    evidence = Path(args.evidence).read_text()
    problems = []

    rules = {f"{a}-{n}" for a, n in RULE_HEADING.findall(spec)}
    areas = {r.split("-")[0] for r in rules}
    if not rules:
        problems.append(f"{spec_path}: no rules found (### AREA-N — title)")

    tests = read_test_list(args)
    dropped = set(args.drop)
    covered = {}
    stochastic = []
    for suite, name in tests:
        m = TEST_NAME.match(name)
        if not m:
            problems.append(f"test {suite}{name} does not start with a rule ID (AREA_N_...)")
            continue
        rule = f"{m.group(1)}-{m.group(2)}"
        if rule in dropped:
            continue
        if rule not in rules:
            problems.append(f"test {suite}{name} names {rule}, which is not a rule of {spec_path.name}")
            continue
        covered.setdefault(rule, set()).add(name)
        rest = m.group(3)
        if "stochastic" in rest.lower():
            if not rest.startswith("stochastic_"):
                problems.append(f"test {suite}{name}: the stochastic marker must come right after the rule ID")
            else:
                stochastic.append(f"{suite}{name}")
    for rule in sorted(rules - covered.keys(), key=lambda r: (r.split("-")[0], int(r.split("-")[1]))):
        problems.append(f"rule {rule} has no test (no test named {rule.replace('-', '_')}_...)")

    rows = set(EVIDENCE_ROW.findall(evidence))
    text = cited_text(spec)
    cited = set(CASE_REF.findall(text))
    for case in sorted(cited):
        if case not in rows:
            problems.append(f"{spec_path.name} cites {case}, which is not a row of {Path(args.evidence).name}")
    for area, n in set(RULE_REF.findall(text)):
        if area in areas and f"{area}-{n}" not in rules:
            problems.append(f"{spec_path.name} mentions {area}-{n}, which is not a rule")
    for target in sorted(set(LINK.findall(spec))):
        if not (spec_path.parent / target).exists():
            problems.append(f"{spec_path.name} links to {target}, which does not exist")
    if re.search(r"SEMANTICS\.md|DESIGN\.md|/work/|\.\./shared", spec):
        problems.append(f"{spec_path.name} cites a file outside the repository")

    print(f"spec_coverage: {len(rules)} rules, {len(tests)} tests, {len(rows)} evidence rows, {len(cited)} cases cited")
    print(f"stochastic tests ({len(stochastic)}): " + (", ".join(sorted(stochastic)) or "none"))
    for p in problems:
        print("FAIL: " + p)
    if problems:
        print(f"spec_coverage: {len(problems)} problem(s)")
        return 1
    print("spec_coverage: every rule has a test, every test names a rule, every citation resolves")
    return 0


if __name__ == "__main__":
    sys.exit(main())
