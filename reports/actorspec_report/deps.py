"""The report's third-party Python modules and the Debian packages that
provide them.

apt installs python3-jinja2 and python3-markdown-it for Debian's own
interpreter (/usr/bin/python3) only; a pyenv or venv `python3` earlier on
PATH cannot import them. Whoever starts the generator checks here first so a
missing module is one clear line naming the package, never a traceback.
This module itself needs nothing outside the standard library.

    python3 -m actorspec_report.deps   (from reports/): exit 0, or 1 and why
"""

from __future__ import annotations

import importlib
import sys
from typing import List

# (module, Debian package)
REQUIRED = (("jinja2", "python3-jinja2"), ("markdown_it", "python3-markdown-it"))
DEBIAN_PYTHON = "/usr/bin/python3"


def missing() -> List[str]:
    """The Debian packages whose module this interpreter cannot import."""
    out = []
    for module, package in REQUIRED:
        try:
            importlib.import_module(module)
        except ImportError:
            out.append(package)
    return out


def problem(prog: str) -> str:
    """'' when everything imports, else what to install or which python to use."""
    packages = missing()
    if not packages:
        return ""
    return (f"{prog}: {sys.executable} cannot import the report's modules from Debian's "
            f"{', '.join(packages)}.\n"
            f"  Install with: apt-get install {' '.join(packages)}\n"
            f"  and run with Debian's interpreter ({DEBIAN_PYTHON}): apt installs them for it only.")


def main() -> int:
    why = problem("actorspec report")
    if why:
        print(why, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
