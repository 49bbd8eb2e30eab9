"""Escaping: hostile names, messages and spec text must stay inert."""

import json
import os
import tempfile
import unittest
from html.parser import HTMLParser

import support
from actorspec_report import html as h
from actorspec_report import markdown, model, render, templates

HOSTILE = '</script><img src=x onerror="alert(1)">&amp;\u2028"\''


class Primitives(unittest.TestCase):
    def test_json_for_script_has_no_markup_and_round_trips(self):
        data = {"name": HOSTILE, "list": ["<!--", "]]>", "\u2029"]}
        text = h.json_for_script(data)
        for bad in ("<", ">", "&", "\u2028", "\u2029"):
            self.assertNotIn(bad, text)
        self.assertEqual(json.loads(text), data)

    def test_json_refuses_nan(self):
        with self.assertRaises(ValueError):
            h.json_for_script({"x": float("nan")})

    def test_third_party_script_is_checked(self):
        self.assertEqual(h.inline_script_safe("var a = 1 < 2;", "x"), "var a = 1 < 2;")
        with self.assertRaises(ValueError):
            h.inline_script_safe("s = '</SCRIPT>'", "x")

    def test_slug(self):
        self.assertEqual(h.slug('ring"/><x'), "ring-x")
        self.assertEqual(h.slug("<>"), "x")


class Markdown(unittest.TestCase):
    """markdown-it-py with the report's own rules (markdown.py)."""

    def test_raw_html_is_escaped(self):
        out = markdown.render("Text <script>alert(1)</script> and <b>bold</b>")
        self.assertNotIn("<script>", out)
        self.assertIn("&lt;script&gt;", out)
        self.assertIn("&lt;b&gt;bold&lt;/b&gt;", out)

    def test_inline_markup(self):
        out = markdown.inline("`a<b>` **strong** *em* spawn_exit_fast")
        self.assertIn("<code>a&lt;b&gt;</code>", out)
        self.assertIn("<strong>strong</strong>", out)
        self.assertIn("<em>em</em>", out)
        self.assertIn("spawn_exit_fast", out)  # underscores inside words are not emphasis
        self.assertFalse(out.startswith("<p>"))  # titles sit inside a heading or cell

    def test_links(self):
        out = markdown.inline('[see](#rule-LNK-5) [ext](https://example.org/"x) <https://a.example>')
        self.assertIn('<a href="#rule-LNK-5">see</a>', out)
        self.assertIn('ext <span class="url">(https://example.org/%22x)</span>', out)
        self.assertIn("https://a.example", out)
        self.assertNotIn('href="https', out)

    def test_images_are_not_fetched(self):
        out = markdown.render("![diagram](https://example.org/d.png)")
        self.assertNotIn("<img", out)
        self.assertIn('diagram <span class="url">(https://example.org/d.png)</span>', out)

    def test_rule_references_become_anchors(self):
        out = markdown.inline("see LNK-5 and XYZ-9, `LNK-5`, [LNK-5 here](#x)", frozenset({"LNK-5"}))
        self.assertIn('<a href="#rule-LNK-5">LNK-5</a> and XYZ-9', out)  # unknown IDs stay text
        self.assertIn("<code>LNK-5</code>", out)
        self.assertIn('<a href="#x">LNK-5 here</a>', out)  # no link inside a link
        self.assertNotIn("rule-LNK-5", markdown.inline("see LNK-5"))

    def test_blocks(self):
        out = markdown.render("# Note\n\n- a\n- b\n\n| h1 | h2 |\n| --- | --- |\n| <x> | 2 |\n\n"
                              "```\n<code>\n```\n\n> quoted SPN-1\n", frozenset({"SPN-1"}))
        flat = out.replace("\n", "")
        self.assertIn("<h5>Note</h5>", flat)  # below the rule's own <h4>
        self.assertIn("<ul><li>a</li><li>b</li></ul>", flat)
        self.assertIn('<table class="md"><thead><tr><th>h1</th><th>h2</th></tr></thead>', flat)
        self.assertIn("<td>&lt;x&gt;</td>", flat)
        self.assertIn("<pre><code>&lt;code&gt;</code></pre>", flat)
        self.assertIn('<blockquote><p>quoted <a href="#rule-SPN-1">SPN-1</a></p></blockquote>', flat)


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self.data = [], [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in = dict(attrs)
            self.scripts.append([dict(attrs), ""])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None

    def handle_data(self, data):
        if self._in is not None:
            self.scripts[-1][1] += data
        else:
            self.data.append(data)


class WholePage(unittest.TestCase):
    """A report built from hostile inputs parses back into exactly our own markup."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        perf = {"context": {"actorspec_git_commit": HOSTILE, "actorspec_compiler": "<b>gcc</b>"},
                "benchmarks": [{"name": f"evil{HOSTILE}/k:{k}/{b}", "run_type": "iteration", "real_time": 1.0 + k,
                                "time_unit": "ns", "<i>counter</i>": 3.0}
                               for k in (1, 2) for b in ("thread", "tbb")]}
        gtest = {"testsuites": [{"name": "S<script>", "testsuite": [
            {"name": "AB_1_x/thread", "status": "RUN", "result": "COMPLETED",
             "failures": [{"failure": f"message {HOSTILE}"}]},
            {"name": f"AB_1_x/tbb{HOSTILE}", "status": "RUN", "result": "COMPLETED"}]}]}
        paths = {}
        for name, doc in (("perf.json", perf), ("conf.json", gtest)):
            paths[name] = os.path.join(d, name)
            with open(paths[name], "w") as f:
                json.dump(doc, f)
        paths["spec"] = os.path.join(d, "SPEC.md")
        with open(paths["spec"], "w") as f:
            f.write(f"## Area {HOSTILE}\n### AB-1 — Title {HOSTILE}\nBody {HOSTILE}\n")
        report = model.build(model.Inputs(perf=[paths["perf.json"]], conformance=[paths["conf.json"]],
                                          spec=paths["spec"], baseline=[paths["perf.json"]]))
        cls.html = render.to_html(report, support.STUB_CHARTJS)
        cls.page = Collect()
        cls.page.feed(cls.html)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_no_injected_elements(self):
        tags = {t for t, _ in self.page.tags}
        self.assertNotIn("img", tags)
        self.assertNotIn("i", tags)
        self.assertEqual(len(self.page.scripts), 3)  # data, Chart.js, report.js

    def test_no_event_handler_attributes(self):
        for tag, attrs in self.page.tags:
            self.assertFalse([a for a in attrs if a.startswith("on")], tag)

    def test_hostile_text_shows_as_text(self):
        text = "".join(self.page.data)
        self.assertIn('</script><img src=x onerror="alert(1)">', text)
        self.assertIn("message </script>", text)

    def test_inline_json_parses_back_to_the_names(self):
        attrs, data = self.page.scripts[0]
        self.assertEqual(attrs.get("type"), "application/json")
        charts = json.loads(data)["charts"]
        self.assertIn(HOSTILE, charts[0]["series"][0]["points"][0]["name"])
        self.assertNotIn("</script", data.lower())

    def test_csp_forbids_network(self):
        metas = [a for t, a in self.page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        self.assertEqual(metas[0]["content"], h.CSP)
        self.assertIn("default-src 'none'", h.CSP)

    def test_markers_for_the_browser_test(self):
        body = next(a for t, a in self.page.tags if t == "body")
        canvases = [a for t, a in self.page.tags if t == "canvas"]
        self.assertEqual(body["data-charts-expected"], str(len(canvases)))
        self.assertEqual(body["data-charts-rendered"], "0")

    def test_footer_names_the_inlined_chartjs(self):
        text = "".join(self.page.data)
        self.assertIn("Chart.js (version unknown)", text)  # the stub has no banner
        report = model.build(model.Inputs(spec=support.fixture("SPEC.md")))
        page = render.to_html(report, "/*!\n * Chart.js v3.9.1\n */\n" + support.STUB_CHARTJS)
        self.assertIn("Chart.js 3.9.1 (MIT licence, inlined)", page)


class Templates(unittest.TestCase):
    def test_every_template_compiles_with_autoescape(self):
        env = templates._env
        names = env.list_templates()
        self.assertIn("report.html", names)
        for name in names:
            env.get_template(name)  # a syntax error raises here
            self.assertTrue(env.autoescape(name), name)

    def test_input_is_escaped_and_own_markup_is_not(self):
        out = templates.render("toc.html", has_perf=False, has_baseline=False, has_spec=False)
        self.assertIn('<a href="#conformance">', out)
        out = templates.render("mutants.html", doc={"mutants": [{"mutant": "<b>m</b>", "verdict": "killed"}]},
                               trusted=True, summary="<i>s</i>")
        self.assertIn("&lt;b&gt;m&lt;/b&gt;", out)
        self.assertIn("&lt;i&gt;s&lt;/i&gt;", out)
        self.assertNotIn("<b>", out)


if __name__ == "__main__":
    unittest.main()
