"""The conformance matrix."""

import unittest

import support
from actorspec_report import gtest, matrix, spec
from actorspec_report.gtest import FAIL, NOT_RUN, PASS, TestResult


def result(name, backend, outcome, why=""):
    return TestResult(suite="S", name=f"{name}/{backend}", rule_id=gtest.rule_id_of(name), backend=backend,
                      outcome=outcome, why_not_run=why)


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
        self.assertEqual(t["tbb"], {PASS: 14, FAIL: 1, NOT_RUN: 2})
        self.assertEqual(t["fiber"], {PASS: 13, FAIL: 1, NOT_RUN: 3})
        self.assertEqual([r.rule_id for r in self.m.failing_rules()], ["LNK-5", "LNK-6"])


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
