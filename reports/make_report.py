#!/usr/bin/env python3
"""actorspec report generator: see actorspec_report/cli.py or run with --help."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from actorspec_report.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
