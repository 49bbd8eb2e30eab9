#!/usr/bin/python3
"""actorspec report generator: see actorspec_report/cli.py or run with --help.

Runs under Debian's /usr/bin/python3, the interpreter apt installs
python3-jinja2 and python3-markdown-it for (actorspec_report/deps.py)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from actorspec_report import deps  # noqa: E402  standard library only

if __name__ == "__main__":
    why = deps.problem("make_report")
    if why:
        print(why, file=sys.stderr)
        sys.exit(2)  # nothing written, as for a missing Chart.js
    from actorspec_report.cli import main
    sys.exit(main())
