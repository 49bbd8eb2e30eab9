"""Headless Chromium for pictures of a report (Debian package `chromium`).

Used by scripts/run for the first-screen screenshot and by the browser
end-to-end test (tests/e2e_browser.py), with the same flags: nothing can
leave the machine (every host name is unresolvable) and Chromium's own
background traffic is turned off as far as flags go.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from typing import List, Optional, Tuple

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# The first screen a reader sees: what the overview must fit in.
FIRST_SCREEN = (1400, 900)

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--no-pings", "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=NetworkTimeServiceQuerying,MediaRouter,OptimizationHints,Translate",
    # No host name resolves: nothing can leave the machine, whoever asks.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--enable-logging=stderr", "--v=0",
]


def run(chromium: str, extra: List[str], url: str, timeout: float) -> Tuple[Optional[int], str, str]:
    """One headless Chromium with a fresh profile: (exit status or None on
    timeout, stdout, stderr). Its whole process group ends with it."""
    profile = tempfile.mkdtemp(prefix="actorspec-chromium-profile-")
    cmd = [chromium] + FLAGS + [f"--user-data-dir={profile}"] + extra + [url]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            errors="replace", start_new_session=True)
    rc: Optional[int]
    try:
        out, err = proc.communicate(timeout=timeout)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        err += f"\n[chromium timed out after {timeout:.0f} s]"
        rc = None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return rc, out, err


def screenshot(html_path: str, png_path: str, size: Tuple[int, int] = FIRST_SCREEN,
               chromium: str = DEFAULT_CHROMIUM, timeout: float = 120.0) -> Optional[str]:
    """Saves a picture of the page's top `size`; None on success, else why not."""
    if not (os.path.isfile(chromium) and os.access(chromium, os.X_OK)):
        return f"no Chromium at {chromium} (Debian package chromium)"
    if os.path.exists(png_path):
        os.unlink(png_path)
    rc, _, err = run(chromium, ["--virtual-time-budget=5000", "--hide-scrollbars",
                                f"--window-size={size[0]},{size[1]}", f"--screenshot={os.path.abspath(png_path)}"],
                     "file://" + os.path.abspath(html_path), timeout)
    if rc != 0 or not os.path.isfile(png_path):
        last = (err.strip().splitlines() or ["no output"])[-1]
        return f"chromium exited with {rc}: {last[:200]}"
    return None
