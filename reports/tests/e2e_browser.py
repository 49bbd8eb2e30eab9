#!/usr/bin/env python3
"""End-to-end check of the HTML report in a real browser (headless Chromium).

Generates the report from the given inputs, then proves what a person
opening it would see:
  * every chart was drawn (markers left by the page's script),
  * the conformance matrix is complete (rules x backends cells),
  * hostile input stayed inert (nothing set data-pwned, no script error),
  * the page fetched nothing: no request in Chromium's net log that the page
    initiated to any scheme but file:/data:/browser internals, and no
    Content-Security-Policy violation on the console,
and saves a screenshot for a human to look at.

Chromium itself talks to Google at start-up (component updater, account
list) whatever flags it gets; those requests carry initiator "not an origin"
and are listed but not counted against the report. `--host-resolver-rules`
makes every host name unresolvable, so even they never leave the machine.

Usage:
  e2e_browser.py --perf perf.json --conformance a.json [b.json ...] \\
                 --spec SPEC.md --out-dir DIR [--baseline old.json] [--meta meta.json] \\
                 [--expect LNK-5/tbb=fail ...]
Exit status 0 when every check passed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
MAKE_REPORT = os.path.join(os.path.dirname(HERE), "make_report.py")
DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Schemes a self-contained page may touch: itself, inline data, and the
# browser's own internals.
ALLOWED_SCHEMES = {"file", "data", "blob", "about", "chrome", "chrome-untrusted",
                   "chrome-extension", "devtools", "chrome-search"}
# Requests Chromium makes on its own behalf are logged with this initiator.
BROWSER_INITIATOR = "not an origin"

sys.path.insert(0, os.path.dirname(HERE))
from actorspec_report.browser import FIRST_SCREEN, FLAGS as CHROMIUM_FLAGS  # noqa: E402


class Checks:
    def __init__(self) -> None:
        self.passed: List[str] = []
        self.failed: List[str] = []

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        if ok:
            self.passed.append(what)
            print(f"  ok    {what}")
        else:
            self.failed.append(what)
            print(f"  FAIL  {what}" + (f"\n        {detail}" if detail else ""))
        return ok


# ------------------------------------------------------------------ parsing

class DomScan(HTMLParser):
    """Collects what the checks need from a (dumped) HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.body: Dict[str, str] = {}
        self.canvases: List[Dict[str, str]] = []
        self.cells: List[Dict[str, str]] = []
        self.matrix: Optional[Dict[str, str]] = None
        self.tags: Dict[str, int] = {}
        self.external_refs: List[str] = []
        self.csp: Optional[str] = None
        self.ids: Dict[str, Dict[str, str]] = {}
        self.overview_cards: List[str] = []
        self.descriptions: List[str] = []
        self.families = 0

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if "id" in a:
            self.ids[a["id"]] = a
        classes = a.get("class", "").split()
        if "ov-card" in classes:
            self.overview_cards.append(a.get("data-backend", ""))
        if "fam-desc" in classes:
            self.descriptions.append(a.get("data-described", ""))
        if tag == "article" and "family" in classes:
            self.families += 1
        if tag == "body":
            self.body = a
        elif tag == "canvas":
            self.canvases.append(a)
        elif tag == "table" and a.get("id") == "matrix":
            self.matrix = a
        elif tag == "td" and "data-rule" in a:
            self.cells.append(a)
        elif tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.csp = a.get("content", "")
        for key in ("src", "href", "action", "poster", "data", "srcset"):
            value = a.get(key)
            if value and not value.startswith("#"):
                scheme = value.split(":", 1)[0].lower() if ":" in value else ""
                if scheme not in ("data",):
                    self.external_refs.append(f"<{tag} {key}={value[:80]}>")


def scan(html_text: str) -> DomScan:
    d = DomScan()
    d.feed(html_text)
    d.close()
    return d


def png_size(path: str) -> Optional[Tuple[int, int]]:
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def net_requests(path: str) -> Tuple[List[str], List[str], Optional[str]]:
    """(page-initiated non-local URLs, browser background URLs, error)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError as e:
        return [], [], f"no net log written ({e})"
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        # A browser that was killed leaves the events array unterminated.
        try:
            doc = json.loads(text.rstrip().rstrip(",") + "]}")
        except json.JSONDecodeError as e:
            return [], [], f"net log is not JSON ({e})"
    # Several events name the same URL (CORS, stream jobs, ...); only the
    # URL_REQUEST ones say who asked, so the verdict is per URL.
    initiators: Dict[str, set] = {}
    for ev in doc.get("events", []):
        params = ev.get("params") or {}
        for key in ("url", "original_url"):
            url = params.get(key)
            if isinstance(url, str):
                who = initiators.setdefault(url, set())
                if "initiator" in params:
                    who.add(str(params["initiator"]))
    page, background = [], []
    for url, who in initiators.items():
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme in ALLOWED_SCHEMES:
            continue
        (background if who == {BROWSER_INITIATOR} else page).append(url)
    return sorted(set(page)), sorted(set(background)), None


# ------------------------------------------------------------------ running

def run_chromium(chromium: str, extra: List[str], url: str, out_dir: str, name: str,
                 timeout: float) -> Tuple[int, str, str, str]:
    """Run one headless Chromium with a fresh profile; returns rc, stdout, stderr, netlog path."""
    profile = tempfile.mkdtemp(prefix="actorspec-e2e-profile-")
    netlog = os.path.join(out_dir, f"netlog-{name}.json")
    cmd = [chromium] + CHROMIUM_FLAGS + [f"--user-data-dir={profile}", f"--log-net-log={netlog}"] + extra + [url]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            errors="replace", start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # Chromium forks helpers; end the whole group this script started.
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        err += f"\n[e2e] chromium timed out after {timeout:.0f} s"
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    with open(os.path.join(out_dir, f"chromium-{name}.log"), "w", encoding="utf-8") as f:
        f.write(err)
    return proc.returncode, out, err, netlog


def console_problems(stderr: str) -> List[str]:
    bad = []
    for line in stderr.splitlines():
        if "CONSOLE" not in line:
            continue
        if re.search(r"Content Security Policy|Uncaught|ReferenceError|TypeError|SyntaxError", line):
            bad.append(line.strip()[:300])
    return bad


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--perf", action="append", default=[])
    p.add_argument("--conformance", nargs="+", action="extend", default=[])
    p.add_argument("--spec")
    p.add_argument("--baseline", action="append", default=[])
    p.add_argument("--meta")
    p.add_argument("--out-dir", required=True)
    p.add_argument("--chromium", default=os.environ.get("ACTORSPEC_CHROMIUM", DEFAULT_CHROMIUM))
    p.add_argument("--chartjs", help="passed on to make_report.py")
    p.add_argument("--window-size", default="1400,3000")
    p.add_argument("--budget-ms", type=int, default=5000, help="--virtual-time-budget for Chromium")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per Chromium run")
    p.add_argument("--expect", action="append", default=[], metavar="RULE/BACKEND=STATUS",
                   help="a matrix cell that must have this status (pass, fail, 'not run')")
    p.add_argument("--min-charts", type=int, default=1, help="fewest charts the report must contain")
    p.add_argument("--min-scaling", type=int, default=0, help="fewest scaling charts the report must contain")
    p.add_argument("--all-described", action="store_true",
                   help="every family must carry the perf suite's description (real runs)")
    args = p.parse_args(argv)

    if not (os.path.isfile(args.chromium) and os.access(args.chromium, os.X_OK)):
        print(f"report_e2e: Chromium not found at {args.chromium}.\n"
              f"  This test needs Debian's chromium package: apt-get install chromium\n"
              f"  (the project's install script does this), or set ACTORSPEC_CHROMIUM / "
              f"-DACTORSPEC_CHROMIUM=PATH.", file=sys.stderr)
        return 1

    out_dir = os.path.abspath(args.out_dir)
    os.makedirs(out_dir, exist_ok=True)
    report = os.path.join(out_dir, "index.html")
    screenshot = os.path.join(out_dir, "report.png")
    for stale in (report, screenshot):
        if os.path.exists(stale):
            os.unlink(stale)
    checks = Checks()

    print("== generating the report")
    cmd = [sys.executable, MAKE_REPORT, "--out", report]
    for f in args.perf:
        cmd += ["--perf", f]
    for f in args.conformance:
        cmd += ["--conformance", f]
    for f in args.baseline:
        cmd += ["--baseline", f]
    if args.spec:
        cmd += ["--spec", args.spec]
    if args.meta:
        cmd += ["--meta", args.meta]
    if args.chartjs:
        cmd += ["--chartjs", args.chartjs]
    gen = subprocess.run(cmd, capture_output=True, text=True)
    with open(os.path.join(out_dir, "summary.txt"), "w", encoding="utf-8") as f:
        f.write(gen.stdout)
    sys.stdout.write(gen.stdout)
    if gen.stderr:
        sys.stderr.write(gen.stderr)
    if not checks.check(gen.returncode == 0 and os.path.isfile(report), "make_report.py wrote the report",
                        f"exit status {gen.returncode}"):
        return 1

    print("== static checks")
    with open(report, encoding="utf-8") as f:
        static = scan(f.read())
    checks.check(bool(static.csp) and "default-src 'none'" in (static.csp or ""),
                 "CSP meta tag forbids network access", str(static.csp))
    checks.check(not static.external_refs, "no src/href pointing outside the file", "; ".join(static.external_refs[:5]))
    for tag in ("iframe", "img", "link", "object", "embed"):
        checks.check(static.tags.get(tag, 0) == 0, f"no <{tag}> element")
    expected = int(static.body.get("data-charts-expected", "-1"))
    checks.check(expected == len(static.canvases) and expected >= args.min_charts,
                 f"report declares {expected} charts for {len(static.canvases)} canvases (at least {args.min_charts})")

    url = "file://" + report
    budget = f"--virtual-time-budget={args.budget_ms}"

    print("== the first screen and the new sections (static)")
    checks.check("overview" in static.ids, "the report opens with the per-backend summary (#overview)")
    want_backends = int(static.body.get("data-matrix-backends", "0"))
    checks.check(len(static.overview_cards) >= max(1, want_backends),
                 f"one summary card per backend ({len(static.overview_cards)}: {', '.join(static.overview_cards)})")
    checks.check("all-rules" in static.ids, "the full rule matrix sits behind 'show all rules'")
    all_pass = static.body.get("data-matrix-failing", "") == "0"
    if all_pass:
        checks.check("open" not in static.ids.get("all-rules", {}), "everything passes: the matrix starts collapsed")
    checks.check(len(static.descriptions) == static.families,
                 f"every family section has a description block ({len(static.descriptions)}/{static.families})")
    if args.all_described:
        missing = static.descriptions.count("0")
        checks.check(missing == 0, f"every family is described by the perf suite ({missing} without)")
    kinds = [c.get("data-kind", "") for c in static.canvases]
    checks.check(kinds.count("scaling") >= args.min_scaling,
                 f"scaling charts: {kinds.count('scaling')} (at least {args.min_scaling})")
    checks.check("bar" not in kinds, "no bar charts (dot/interval plots only)")

    print("== rendering in headless Chromium (--dump-dom)")
    first = f"--window-size={FIRST_SCREEN[0]},{FIRST_SCREEN[1]}"
    rc, dom_text, err, netlog_dom = run_chromium(args.chromium, [budget, first, "--dump-dom"], url, out_dir, "dom",
                                                 args.timeout)
    with open(os.path.join(out_dir, "dom.html"), "w", encoding="utf-8") as f:
        f.write(dom_text)
    checks.check(rc == 0 and "<body" in dom_text, "Chromium loaded the page and dumped its DOM", f"exit status {rc}")
    dom = scan(dom_text)
    body = dom.body
    checks.check("data-charts-error" not in body, "page script reported no error", body.get("data-charts-error", ""))
    rendered = body.get("data-charts-rendered", "missing")
    checks.check(rendered == str(expected), f"all charts rendered (data-charts-rendered={rendered}, expected {expected})")
    drawn = sum(1 for c in dom.canvases if c.get("data-rendered") == "1")
    checks.check(drawn == len(dom.canvases) == expected, f"every canvas marked data-rendered=1 ({drawn}/{len(dom.canvases)})")
    checks.check("data-pwned" not in body, "hostile input did not execute (no data-pwned on <body>)",
                 f"data-pwned={body.get('data-pwned')}")
    checks.check(dom.tags.get("img", 0) == 0 and dom.tags.get("iframe", 0) == 0,
                 "no element was injected (<img>/<iframe>) into the live DOM")
    rules = int(body.get("data-matrix-rules", "0"))
    backends = int(body.get("data-matrix-backends", "0"))
    if args.conformance or args.spec:
        checks.check(dom.matrix is not None and rules > 0 and backends > 0,
                     f"conformance matrix present ({rules} rules x {backends} backends)")
    checks.check(len(dom.cells) == rules * backends, f"matrix has one cell per rule and backend ({len(dom.cells)})")
    statuses = {(c["data-rule"], c.get("data-backend", "")): c.get("data-status", "") for c in dom.cells}
    for exp in args.expect:
        m = re.match(r"^([^/=]+)/([^=]+)=(.+)$", exp)
        if not m:
            checks.check(False, f"--expect {exp!r} is RULE/BACKEND=STATUS")
            continue
        got = statuses.get((m.group(1), m.group(2)), "missing")
        checks.check(got == m.group(3), f"matrix cell {m.group(1)} on {m.group(2)} is '{m.group(3)}'", f"got '{got}'")
    bad_console = console_problems(err)
    checks.check(not bad_console, "console shows no CSP violation or script error", "\n        ".join(bad_console[:5]))
    bottom = body.get("data-overview-bottom")
    checks.check(bottom is not None and 0 < int(bottom) <= FIRST_SCREEN[1],
                 f"the per-backend summary ends at y={bottom}, inside the first screen ({FIRST_SCREEN[1]} px)")

    print("== screenshot")
    rc, _, err2, netlog_shot = run_chromium(
        args.chromium, [budget, "--hide-scrollbars", f"--window-size={args.window_size}", f"--screenshot={screenshot}"],
        url, out_dir, "screenshot", args.timeout)
    size = png_size(screenshot) if os.path.isfile(screenshot) else None
    want = tuple(int(v) for v in args.window_size.split(","))
    checks.check(rc == 0 and size == want, f"screenshot saved: {screenshot} {size}", f"exit status {rc}")
    bad_console = console_problems(err2)
    checks.check(not bad_console, "console clean during screenshot run", "\n        ".join(bad_console[:5]))

    first_png = os.path.join(out_dir, "first-screen.png")
    if os.path.exists(first_png):
        os.unlink(first_png)
    rc, _, err3, netlog_first = run_chromium(
        args.chromium, [budget, "--hide-scrollbars", first, f"--screenshot={first_png}"],
        url, out_dir, "first-screen", args.timeout)
    size = png_size(first_png) if os.path.isfile(first_png) else None
    checks.check(rc == 0 and size == FIRST_SCREEN, f"first screen saved: {first_png} {size}", f"exit status {rc}")
    bad_console = console_problems(err3)
    checks.check(not bad_console, "console clean during first-screen run", "\n        ".join(bad_console[:5]))

    print("== network")
    for name, log in (("dump-dom", netlog_dom), ("screenshot", netlog_shot), ("first-screen", netlog_first)):
        page, background, problem = net_requests(log)
        if not checks.check(problem is None, f"net log of the {name} run is readable", problem or ""):
            continue
        checks.check(not page, f"page fetched nothing from the network ({name} run)", "\n        ".join(page[:10]))
        if background:
            print(f"        (ignored {len(background)} request(s) Chromium made on its own behalf, e.g. "
                  f"{background[0].split('?')[0]}; none could resolve)")

    total = len(checks.passed) + len(checks.failed)
    print(f"\nreport_e2e: {len(checks.passed)} passed, {len(checks.failed)} failed (of {total} checks)")
    print(f"report_e2e: report {report}\nreport_e2e: screenshot {screenshot}\nreport_e2e: first screen {first_png}")
    return 0 if not checks.failed else 1


if __name__ == "__main__":
    sys.exit(main())
