"""A Python that cannot import the report's modules gets one line naming the
Debian package to install, never a traceback."""

import os
import subprocess
import sys
import tempfile
import unittest

import support  # noqa: F401  puts reports/ on sys.path
from actorspec_report import deps

MAKE_REPORT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "make_report.py")


class Deps(unittest.TestCase):
    def test_this_interpreter_has_them(self):
        # CMake ran the tests with ACTORSPEC_REPORT_PYTHON, checked at configure.
        self.assertEqual(deps.missing(), [])
        self.assertEqual(deps.problem("x"), "")

    def test_make_report_names_the_missing_package(self):
        with tempfile.TemporaryDirectory() as d:
            # A jinja2 that fails to import shadows Debian's.
            with open(os.path.join(d, "jinja2.py"), "w") as f:
                f.write("raise ImportError('no jinja2 here')\n")
            env = dict(os.environ, PYTHONPATH=d, PYTHONDONTWRITEBYTECODE="1")
            p = subprocess.run([sys.executable, MAKE_REPORT, "--spec", "x.md", "--out", os.path.join(d, "r.html")],
                               env=env, capture_output=True, text=True, timeout=60)
            self.assertFalse(os.path.exists(os.path.join(d, "r.html")))
        self.assertEqual(p.returncode, 2)
        self.assertIn("apt-get install python3-jinja2", p.stderr)
        self.assertNotIn("python3-markdown-it", p.stderr)
        self.assertNotIn("Traceback", p.stderr)


if __name__ == "__main__":
    unittest.main()
