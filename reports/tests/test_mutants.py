import json
import os
import tempfile
import unittest

import support  # noqa: F401  (puts actorspec_report on sys.path)
from actorspec_report import mutants


def _write(doc):
    fd, path = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w") as f:
        f.write(doc if isinstance(doc, str) else json.dumps(doc))
    return path


class MutantTableTest(unittest.TestCase):
    def test_killed_and_survived_rows_render_with_their_tests(self):
        path = _write({"control": {"passed": True}, "mode": "full suite", "mutants": [
            {"mutant": "skip_order", "verdict": "killed", "how": "tests failed", "tests": ["Receive.RCV_5_x"]},
            {"mutant": "odd", "verdict": "SURVIVED", "how": "every test passed", "tests": []}]})
        doc = mutants.load(path)
        html = mutants.section(doc)
        self.assertIn("mutant:skip_order", html)
        self.assertIn("Receive.RCV_5_x", html)
        self.assertIn('badge fail">SURVIVED', html)
        self.assertEqual(mutants.summary_line(doc), "mutants: 1 of 2 killed; SURVIVED: odd")

    def test_failed_controls_make_every_verdict_unknown(self):
        doc = mutants.load(_write({"control": {"passed": False}, "mutants": [
            {"mutant": "a", "verdict": "killed", "tests": []}]}))
        self.assertIn(">unknown<", mutants.section(doc))
        self.assertIn("unknown", mutants.summary_line(doc))

    def test_malformed_input_is_an_error(self):
        for bad in ["{", {"mutants": {}}, {"mutants": [{"mutant": "a", "verdict": "maybe"}]}]:
            with self.assertRaises(mutants.MutantInputError):
                mutants.load(_write(bad))
        with self.assertRaises(mutants.MutantInputError):
            mutants.load("/nonexistent/mutants.json")


if __name__ == "__main__":
    unittest.main()
