"""Rule text from spec/SPEC.md to HTML, with markdown-it-py (Debian's
python3-markdown-it).

What the report adds to CommonMark, as markdown-it rules rather than edits
of the HTML it writes:
- raw HTML in the spec is text, never markup (html disabled);
- tables (GitHub style), marked class="md" for the stylesheet;
- a mention of a known rule ID (SPN-1) links to that rule in the report;
- only links inside the report are clickable: an archived report must not
  send a reader off to the network, so a link elsewhere (or an image) keeps
  its text and shows its target beside it;
- headings inside a rule's text sit below the rule's own <h4>: h5, h6.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import List

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_RULE_REF = re.compile(r"\b([A-Z]{2,6}-[0-9]+[a-z]?)\b")
_KNOWN = "actorspec_known_rules"  # env key: the rule IDs that may be linked


def _rule_link(rule_id: str) -> List[Token]:
    open_ = Token("link_open", "a", 1, attrs={"href": f"#rule-{rule_id}"})
    return [open_, Token("text", "", 0, content=rule_id), Token("link_close", "a", -1)]


def _link_rule_refs(children: List[Token], known: frozenset) -> List[Token]:
    """Text tokens outside links: known rule IDs become in-report links
    (code spans are their own token type and stay as written)."""
    out: List[Token] = []
    in_link = 0
    for tok in children:
        if tok.type == "link_open":
            in_link += 1
        elif tok.type == "link_close":
            in_link = max(0, in_link - 1)
        if tok.type != "text" or in_link:
            out.append(tok)
            continue
        pos = 0
        for m in _RULE_REF.finditer(tok.content):
            if m.group(1) not in known:
                continue
            if m.start() > pos:
                out.append(Token("text", "", 0, content=tok.content[pos:m.start()]))
            out.extend(_rule_link(m.group(1)))
            pos = m.end()
        out.append(tok if pos == 0 else Token("text", "", 0, content=tok.content[pos:]))
    return out


def _report_rules(state: StateCore) -> None:
    """Core rule, after inline parsing: rule-ID links, table class, heading levels."""
    known = state.env.get(_KNOWN, frozenset())
    for tok in state.tokens:
        if tok.type == "inline" and tok.children and known:
            tok.children = _link_rule_refs(tok.children, known)
        elif tok.type == "table_open":
            tok.attrSet("class", "md")
        elif tok.type in ("heading_open", "heading_close"):
            tok.tag = f"h{min(6, max(5, int(tok.tag[1])))}"


def _internal(href: object) -> bool:
    return isinstance(href, str) and href.startswith("#")


def _link_open(self, tokens, idx, options, env) -> str:
    if _internal(tokens[idx].attrGet("href")):
        return self.renderToken(tokens, idx, options, env)
    return ""  # the link text follows as plain text


def _link_close(self, tokens, idx, options, env) -> str:
    # Find the matching link_open: links do not nest, so it is the last one.
    opener = next(t for t in reversed(tokens[:idx]) if t.type == "link_open")
    href = opener.attrGet("href")
    if _internal(href):
        return self.renderToken(tokens, idx, options, env)
    if opener.markup == "autolink":
        return ""  # its text already is the address
    return f' <span class="url">({escapeHtml(str(href))})</span>'


def _image(self, tokens, idx, options, env) -> str:
    tok = tokens[idx]
    alt = self.renderInlineAsText(tok.children or [], options, env)
    return f'{escapeHtml(alt)} <span class="url">({escapeHtml(str(tok.attrGet("src")))})</span>'


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.core.ruler.push("actorspec_report", _report_rules)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    md.add_render_rule("image", _image)
    return md


def render(markdown: str, known_rules: frozenset = frozenset()) -> str:
    """A block of Markdown (a rule's text) to HTML."""
    return _md().render(markdown, {_KNOWN: known_rules})


def inline(text: str, known_rules: frozenset = frozenset()) -> str:
    """One line of inline Markdown (a rule's title) to HTML, without <p>."""
    return _md().renderInline(text, {_KNOWN: known_rules})
