"""Reading rules out of SPEC.md."""

import unittest

import support
from actorspec_report import spec


class FixtureSpec(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.spec = spec.load(support.fixture("SPEC.md"))
        cls.rules = cls.spec.by_id()

    def test_every_rule_in_order(self):
        self.assertEqual([r.id for r in self.spec.rules], [
            "PRC-1", "PRC-2", "ORD-1", "ORD-2", "RCV-1", "RCV-2", "RCV-3", "LNK-1", "LNK-5", "LNK-6",
            "MON-1", "MON-2", "REG-1", "REG-2", "GUIDE-1", "GUIDE-3"])

    def test_all_separators_and_levels(self):
        self.assertEqual(self.rules["PRC-1"].title, "Spawn returns a live process")         # em dash
        self.assertEqual(self.rules["PRC-2"].title, "A process that returns exits with reason `normal`")  # colon
        self.assertEqual(self.rules["ORD-2"].title, "Exit and Down come after earlier messages")  # hyphen
        self.assertEqual(self.rules["RCV-3"].title, "A timeout consumes nothing")            # dot, level 4

    def test_areas(self):
        self.assertEqual(self.rules["LNK-5"].area, "Links and exits")
        self.assertEqual(self.rules["GUIDE-3"].area, "Guide scenarios")
        self.assertEqual(self.spec.areas()[0], "Processes")

    def test_heading_inside_code_fence_is_text(self):
        self.assertNotIn("NOT-1", self.rules)
        self.assertIn("### NOT-1", self.rules["RCV-2"].body)

    def test_body_runs_to_next_heading(self):
        body = self.rules["ORD-1"].body
        self.assertTrue(body.startswith("Messages from one sender"))
        self.assertIn("no transitivity", body)
        self.assertNotIn("ORD-2", body)
        self.assertEqual(self.rules["MON-1"].body, "")
        self.assertNotIn("## Registry", self.rules["MON-2"].body)


class Robustness(unittest.TestCase):
    def test_variants(self):
        s = spec.parse("## Area\n### **LNK-5** — Bold id\ntext\n#### LNK-6\nno title\n### Not a rule\nmore\n"
                       "### LNK-7 - Dash ###\n")
        self.assertEqual([(r.id, r.title) for r in s.rules],
                         [("LNK-5", "Bold id"), ("LNK-6", ""), ("LNK-7", "Dash")])
        self.assertEqual(s.rules[0].body, "text")
        self.assertEqual(s.rules[1].body, "no title")  # the non-rule heading ends it

    def test_level_two_or_five_headings_are_not_rules(self):
        s = spec.parse("## LNK-1 — area-like\n##### LNK-2 — too deep\n")
        self.assertEqual(s.rules, [])

    def test_duplicates_are_reported_first_kept(self):
        s = spec.parse("### A-1 — first\none\n### AB-1 — x\n### AB-1 — again\n")
        self.assertEqual([r.title for r in s.rules], ["x"])
        self.assertEqual(s.duplicates, ["AB-1"])


if __name__ == "__main__":
    unittest.main()
