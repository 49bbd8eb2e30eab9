"""Reading GoogleTest JSON."""

import os
import tempfile
import unittest

import support
from actorspec_report import gtest


class Names(unittest.TestCase):
    def test_rule_ids(self):
        self.assertEqual(gtest.rule_id_of("LNK_5_kill_is_untrappable/thread"), "LNK-5")
        self.assertEqual(gtest.rule_id_of("GUIDE_3_ping_pong/fiber"), "GUIDE-3")
        self.assertEqual(gtest.rule_id_of("DISABLED_REG_2_send_to_unknown/tbb"), "REG-2")
        self.assertEqual(gtest.rule_id_of("LNK_5/thread"), "LNK-5")
        self.assertEqual(gtest.rule_id_of("LNK_5a_variant/thread"), "LNK-5a")
        self.assertIsNone(gtest.rule_id_of("keeps_insertion_order"))
        self.assertIsNone(gtest.rule_id_of("Lnk_5_lower_case/thread"))

    def test_backend(self):
        self.assertEqual(gtest.backend_of("LNK_5_x/thread"), "thread")
        self.assertEqual(gtest.backend_of("LNK_5_x/0", '"fiber"'), "fiber")
        self.assertEqual(gtest.backend_of("LNK_5_x"), "unknown")


class Parse(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.results = [t for p in support.CONFORMANCE for t in gtest.load(p)]

    def find(self, rule, backend):
        return [t for t in self.results if t.rule_id == rule and t.backend == backend]

    def test_outcomes(self):
        self.assertEqual([t.outcome for t in self.find("PRC-1", "thread")], [gtest.PASS])
        (fail,) = self.find("LNK-5", "tbb")
        self.assertEqual(fail.outcome, gtest.FAIL)
        self.assertIn("<img src=x onerror=", fail.messages[0])
        self.assertEqual(fail.full_name, "Conformance/Links.LNK_5_kill_is_untrappable/tbb")

    def test_disabled_and_skipped_are_not_run(self):
        (disabled,) = self.find("REG-2", "thread")
        self.assertEqual((disabled.outcome, disabled.why_not_run), (gtest.NOT_RUN, "disabled"))
        (skipped,) = self.find("RCV-3", "fiber")
        self.assertEqual((skipped.outcome, skipped.why_not_run), (gtest.NOT_RUN, "skipped"))

    def test_unit_tests_have_no_rule(self):
        plain = [t for t in self.results if t.rule_id is None]
        self.assertEqual({t.name for t in plain}, {"keeps_insertion_order"})

    def test_bad_files(self):
        with self.assertRaises(gtest.ConformanceInputError):
            gtest.parse({"benchmarks": []})
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "c.json")
            with open(path, "w") as f:
                f.write('{"testsuites": [')
            with self.assertRaisesRegex(gtest.ConformanceInputError, "crash"):
                gtest.load(path)


if __name__ == "__main__":
    unittest.main()
