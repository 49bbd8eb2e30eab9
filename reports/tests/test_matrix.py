"""The conformance matrix."""

import unittest

import support
from actorspec_report import gtest, matrix, spec
from actorspec_report.gtest import DEVIATION, FAIL, NOT_APPLICABLE, NOT_RUN, PASS, TestResult


def result(name, backend, outcome, why="", classification="", messages=()):
    return TestResult(suite="S", name=f"{name}/{backend}", rule_id=gtest.rule_id_of(name), backend=backend,
                      outcome=outcome, why_not_run=why, classification=classification, messages=list(messages))


class FromFixtures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        s = spec.load(support.fixture("SPEC.md"))
        results = [t for p in support.CONFORMANCE for t in gtest.load(p)]
        cls.m = matrix.build(s, results, ["thread", "tbb", "fiber"])
        cls.rows = {r.rule_id: r for r in cls.m.rows}

    def status(self, rule, backend):
        return self.rows[rule].cells[backend].status

    def test_cells(self):
        self.assertEqual(self.status("PRC-1", "thread"), PASS)
        self.assertEqual(self.status("LNK-5", "tbb"), FAIL)
        self.assertEqual(self.status("LNK-5", "thread"), PASS)
        self.assertEqual(self.status("RCV-3", "fiber"), NOT_RUN)   # skipped
        self.assertEqual(self.status("REG-2", "tbb"), NOT_RUN)     # disabled
        self.assertEqual(self.status("MON-2", "fiber"), NOT_RUN)   # no test at all
        self.assertEqual(self.rows["MON-2"].cells["fiber"].note(), "no test for this rule on this backend")

    def test_two_tests_for_one_rule(self):
        cell = self.rows["ORD-1"].cells["tbb"]
        self.assertEqual((cell.status, len(cell.tests)), (PASS, 2))

    def test_rules_missing_from_spec_are_shown(self):
        row = self.rows["MON-9"]
        self.assertFalse(row.in_spec)
        self.assertEqual(row.cells["thread"].status, PASS)

    def test_unit_tests_are_not_rules_and_add_no_backend(self):
        self.assertEqual(len(self.m.unmapped), 3)
        self.assertEqual(self.m.backends, ["thread", "tbb", "fiber"])

    def test_totals(self):
        t = self.m.totals()
        self.assertEqual(t["tbb"], {PASS: 14, FAIL: 1, NOT_RUN: 2, DEVIATION: 0, NOT_APPLICABLE: 0})
        self.assertEqual(t["fiber"], {PASS: 13, FAIL: 1, NOT_RUN: 3, DEVIATION: 0, NOT_APPLICABLE: 0})
        self.assertEqual([r.rule_id for r in self.m.failing_rules()], ["LNK-5", "LNK-6"])


class ReferenceColumn(unittest.TestCase):
    """The beam column: a deviation passes as "deviation", a rule with no
    BEAM counterpart is "n/a", and a failing BEAM test is a failure."""

    def cell(self, *tests):
        m = matrix.build(spec.parse("### AB-1 — x\n"), list(tests), ["beam"])
        return m.rows[0].cells["beam"]

    def test_a_passing_deviation_test_is_a_deviation(self):
        c = self.cell(result("AB_1_x", "beam", PASS, classification=DEVIATION))
        self.assertEqual(c.status, DEVIATION)
        self.assertIn("see the rule", c.note())

    def test_a_failing_deviation_test_is_a_failure(self):
        self.assertEqual(self.cell(result("AB_1_x", "beam", FAIL, classification=DEVIATION)).status, FAIL)

    def test_a_checked_test_passes(self):
        self.assertEqual(self.cell(result("AB_1_x", "beam", PASS, classification="checked")).status, PASS)

    def test_not_applicable_carries_its_reason(self):
        c = self.cell(result("AB_1_none", "beam", NOT_RUN, "skipped", NOT_APPLICABLE, ["n/a on the BEAM: no registry"]))
        self.assertEqual(c.status, NOT_APPLICABLE)
        self.assertEqual(c.note(), "n/a on the BEAM: no registry")

    def test_a_beam_that_did_not_run_is_not_run(self):
        c = self.cell(result("AB_1_beam", "beam", NOT_RUN, "skipped", "", ["not run: --no-beam was given"]))
        self.assertEqual(c.status, NOT_RUN)

    def test_a_column_that_did_not_run_at_all_says_why_once(self):
        s = spec.parse("### AB-1 — x\n### AB-2 — y\n")
        why = "not run: --no-beam was given"
        m = matrix.build(s, [result("AB_1_beam", "beam", NOT_RUN, "skipped", "", [why]),
                             result("AB_2_beam", "beam", NOT_RUN, "skipped", "", [why])], ["beam"])
        self.assertEqual(m.nothing_ran_because("beam"), why)
        m = matrix.build(s, [result("AB_1_beam", "beam", NOT_RUN, "skipped", "", [why]),
                             result("AB_2_x", "beam", PASS, classification="checked")], ["beam"])
        self.assertEqual(m.nothing_ran_because("beam"), "")

    def test_the_runner_json_is_read_with_its_classes(self):
        doc = {"testsuites": [{"name": "lnk_tests/beam", "testsuite": [
            {"name": "LNK_15_reasons/beam", "result": "COMPLETED", "status": "RUN", "beam_class": "deviation"},
            {"name": "RT_1_no_beam_counterpart/beam", "result": "SKIPPED", "status": "RUN", "beam_class": "n/a",
             "skipped": [{"message": "n/a on the BEAM: no backend registry"}]}]}]}
        by_rule = {t.rule_id: t for t in gtest.parse(doc)}
        self.assertEqual((by_rule["LNK-15"].backend, by_rule["LNK-15"].classification), ("beam", DEVIATION))
        self.assertEqual(by_rule["RT-1"].classification, NOT_APPLICABLE)


class Rules(unittest.TestCase):
    def test_pass_needs_no_failure_and_one_run(self):
        s = spec.parse("### AB-1 — x\n")
        cases = {
            (PASS, PASS): PASS, (PASS, FAIL): FAIL, (PASS, NOT_RUN): PASS, (NOT_RUN, NOT_RUN): NOT_RUN,
        }
        for outcomes, expected in cases.items():
            results = [result(f"AB_1_t{i}", "thread", o) for i, o in enumerate(outcomes)]
            m = matrix.build(s, results, ["thread"])
            self.assertEqual(m.rows[0].cells["thread"].status, expected, outcomes)

    def test_backend_without_results_is_all_not_run(self):
        s = spec.parse("### AB-1 — x\n### AB-2 — y\n")
        m = matrix.build(s, [result("AB_1_t", "thread", PASS)], ["thread", "fiber"])
        self.assertEqual([r.cells["fiber"].status for r in m.rows], [NOT_RUN, NOT_RUN])


if __name__ == "__main__":
    unittest.main()
