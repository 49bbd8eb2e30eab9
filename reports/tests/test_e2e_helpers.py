"""The browser test's own judgement: net log, console and PNG parsing."""

import json
import os
import struct
import tempfile
import unittest
import zlib

import support  # noqa: F401
import e2e_browser as e2e


def netlog(events):
    return {"constants": {}, "events": events}


class NetLog(unittest.TestCase):
    def write(self, doc, truncate=False):
        fd, path = tempfile.mkstemp(suffix=".json")
        self.addCleanup(os.unlink, path)
        text = json.dumps(doc)
        if truncate:
            text = text[: text.rindex("]")] + ","  # as a killed browser leaves it
        with os.fdopen(fd, "w") as f:
            f.write(text)
        return path

    def test_page_and_browser_requests_are_told_apart(self):
        events = [
            # Chromium's own updater ping: no origin asked for it.
            {"source": {"id": 1}, "params": {"url": "https://update.example/x", "initiator": "not an origin"}},
            {"source": {"id": 2}, "params": {"url": "https://update.example/x"}},
            # The page (a file: document has the opaque origin "null").
            {"source": {"id": 3}, "params": {"url": "http://cdn.example/chart.js", "initiator": "null"}},
            {"source": {"id": 4}, "params": {"url": "file:///tmp/index.html", "initiator": "null"}},
            {"source": {"id": 5}, "params": {"url": "data:image/png;base64,xx"}},
        ]
        page, background, err = e2e.net_requests(self.write(netlog(events)))
        self.assertIsNone(err)
        self.assertEqual(page, ["http://cdn.example/chart.js"])
        self.assertEqual(background, ["https://update.example/x"])

    def test_url_without_any_initiator_counts_against_the_page(self):
        page, _, _ = e2e.net_requests(self.write(netlog([{"params": {"url": "ws://x.example/"}}])))
        self.assertEqual(page, ["ws://x.example/"])

    def test_truncated_log_is_read(self):
        doc = netlog([{"params": {"url": "https://evil.example/", "initiator": "null"}}, {"params": {}}])
        page, _, err = e2e.net_requests(self.write(doc, truncate=True))
        self.assertIsNone(err)
        self.assertEqual(page, ["https://evil.example/"])

    def test_missing_log(self):
        self.assertIsNotNone(e2e.net_requests("/nonexistent/netlog.json")[2])


class Console(unittest.TestCase):
    def test_csp_violation_and_errors_are_caught(self):
        err = ('[1:1:INFO:CONSOLE:1] "Loading the image \'http://x/y.png\' violates the following Content '
               'Security Policy directive: "img-src data:".", source: file:///r.html (1)\n'
               '[1:1:INFO:CONSOLE:9] "Uncaught TypeError: x is undefined", source: file:///r.html (9)\n'
               '[1:1:ERROR:dbus/bus.cc:405] Failed to connect to the bus\n')
        self.assertEqual(len(e2e.console_problems(err)), 2)
        self.assertEqual(e2e.console_problems("[1:1:ERROR:dbus] no bus\n"), [])


class Png(unittest.TestCase):
    def test_size_from_header(self):
        ihdr = struct.pack(">IIBBBBB", 1400, 3000, 8, 2, 0, 0, 0)
        chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
        fd, path = tempfile.mkstemp(suffix=".png")
        self.addCleanup(os.unlink, path)
        with os.fdopen(fd, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + chunk)
        self.assertEqual(e2e.png_size(path), (1400, 3000))


class DomScan(unittest.TestCase):
    def test_reads_markers_and_cells(self):
        d = e2e.scan('<body data-charts-rendered="2"><canvas data-rendered="1"></canvas>'
                     '<table id="matrix"><tr><td data-rule="A-1" data-backend="tbb" data-status="fail"></td></tr>'
                     '</table><script>var s = "<img src=x>";</script></body>')
        self.assertEqual(d.body["data-charts-rendered"], "2")
        self.assertEqual(len(d.canvases), 1)
        self.assertEqual(d.cells[0]["data-status"], "fail")
        self.assertNotIn("img", d.tags)  # text inside <script> is not markup


if __name__ == "__main__":
    unittest.main()
