"""The output folder: what a run owns in it, cleared before the run starts,
so that nothing an earlier run left can be read as this run's."""

from __future__ import annotations

import fnmatch
import os
import tempfile

OWNED = ["index.html", "comparison.json", "first-screen.png", "conformance.xml", "conformance.json",
         "conformance-*.json", "perf.json", "perf-*.json", "meta.json", "mutants.json", ".report-*.html"]


class OutputError(Exception):
    pass


def prepare(out: str) -> None:
    """Creates out if needed, proves it writable and deletes what an earlier
    run wrote there (only the files named in OWNED)."""
    try:
        os.makedirs(out, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise OutputError(f"cannot write to --out {out}: {e.strerror}") from None
    for name in os.listdir(out):
        if any(fnmatch.fnmatch(name, pattern) for pattern in OWNED):
            path = os.path.join(out, name)
            try:
                os.unlink(path)
            except OSError as e:
                raise OutputError(f"cannot remove {path} left by an earlier run: {e.strerror}") from None
