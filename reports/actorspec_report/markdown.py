"""A deliberately small Markdown-to-HTML renderer for rule text.

The report must not depend on anything outside the standard library, and rule
text is short: paragraphs, lists, inline code, emphasis, fenced code, simple
tables and blockquotes cover it. Everything is escaped first and markup is
added afterwards, so no input can inject HTML. Links keep their text and show
their target, but are never made clickable unless they point inside the
report: an archived report should not send a reader off to the network.
"""

from __future__ import annotations

import html
import re
from typing import List

_CODE_SPAN = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_EM = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])|(?<![_\w])_(?!\s)(.+?)(?<!\s)_(?![_\w])")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_RULE_REF = re.compile(r"\b([A-Z]{2,6}-[0-9]+[a-z]?)\b")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_ORDERED = re.compile(r"^\s*[0-9]+[.)]\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def inline(text: str, known_rules: frozenset = frozenset()) -> str:
    """Render inline Markdown in one line of text, escaping everything first."""
    # Code spans are cut out first so nothing inside them is interpreted.
    pieces: List[str] = []
    pos = 0
    for m in _CODE_SPAN.finditer(text):
        pieces.append(_inline_plain(text[pos:m.start()], known_rules))
        pieces.append("<code>" + html.escape(m.group(1)) + "</code>")
        pos = m.end()
    pieces.append(_inline_plain(text[pos:], known_rules))
    return "".join(pieces)


def _inline_plain(text: str, known_rules: frozenset) -> str:
    out = html.escape(text)

    def link(m: re.Match) -> str:
        label, target = m.group(1), m.group(2)
        # Both groups are already escaped, so they are safe to reuse.
        if target.startswith("#"):
            return f'<a href="{target}">{label}</a>'
        return f'{label} <span class="url">({target})</span>'

    out = _LINK.sub(link, out)
    out = _BOLD.sub(lambda m: f"<strong>{m.group(1) or m.group(2)}</strong>", out)
    out = _EM.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", out)
    if known_rules:
        out = _link_rule_refs(out, known_rules)
    return out


def _link_rule_refs(rendered: str, known_rules: frozenset) -> str:
    """Turn mentions of known rule IDs into anchors, outside tags and links."""
    parts = re.split(r"(<[^>]*>)", rendered)
    in_link = 0
    for n, part in enumerate(parts):
        if part.startswith("<"):
            if part.startswith("<a "):
                in_link += 1
            elif part == "</a>":
                in_link = max(0, in_link - 1)
            continue
        if not in_link:
            parts[n] = _RULE_REF.sub(
                lambda m: f'<a href="#rule-{m.group(1)}">{m.group(1)}</a>' if m.group(1) in known_rules else m.group(0),
                part)
    return "".join(parts)


def _split_row(line: str) -> List[str]:
    cells = line.strip()
    if cells.startswith("|"):
        cells = cells[1:]
    if cells.endswith("|"):
        cells = cells[:-1]
    return [c.strip() for c in cells.split("|")]


def render(markdown: str, known_rules: frozenset = frozenset()) -> str:
    """Render a block of Markdown to HTML (block structure + inline)."""
    lines = markdown.splitlines()
    out: List[str] = []
    para: List[str] = []
    i = 0

    def flush_para() -> None:
        if para:
            out.append("<p>" + inline(" ".join(s.strip() for s in para), known_rules) + "</p>")
            para.clear()

    while i < len(lines):
        line = lines[i]
        if not line.strip():
            flush_para()
            i += 1
            continue
        if _FENCE.match(line):
            flush_para()
            fence = _FENCE.match(line).group(1)
            code: List[str] = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(fence):
                code.append(lines[i])
                i += 1
            i += 1
            out.append("<pre><code>" + html.escape("\n".join(code)) + "</code></pre>")
            continue
        if line.lstrip().startswith("#"):
            flush_para()
            level = min(6, max(5, len(line) - len(line.lstrip("#"))))
            out.append(f"<h{level}>" + inline(line.lstrip("#").strip(), known_rules) + f"</h{level}>")
            i += 1
            continue
        if line.lstrip().startswith("|") and i + 1 < len(lines) and _TABLE_SEP.match(lines[i + 1]):
            flush_para()
            head = _split_row(line)
            i += 2
            rows: List[List[str]] = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(_split_row(lines[i]))
                i += 1
            parts = ["<table class=\"md\"><thead><tr>"]
            parts += ["<th>" + inline(c, known_rules) + "</th>" for c in head]
            parts.append("</tr></thead><tbody>")
            for r in rows:
                parts.append("<tr>" + "".join("<td>" + inline(c, known_rules) + "</td>" for c in r) + "</tr>")
            parts.append("</tbody></table>")
            out.append("".join(parts))
            continue
        if line.lstrip().startswith(">"):
            flush_para()
            quote: List[str] = []
            while i < len(lines) and lines[i].lstrip().startswith(">"):
                quote.append(lines[i].lstrip()[1:])
                i += 1
            out.append("<blockquote>" + render("\n".join(quote), known_rules) + "</blockquote>")
            continue
        bullet, ordered = _BULLET.match(line), _ORDERED.match(line)
        if bullet or ordered:
            flush_para()
            tag = "ul" if bullet else "ol"
            pattern = _BULLET if bullet else _ORDERED
            items: List[str] = []
            while i < len(lines) and lines[i].strip():
                m = pattern.match(lines[i])
                if m:
                    items.append(m.group(1))
                elif items and lines[i].startswith((" ", "\t")):
                    items[-1] += " " + lines[i].strip()  # continuation line
                else:
                    break
                i += 1
            out.append(f"<{tag}>" + "".join("<li>" + inline(it, known_rules) + "</li>" for it in items) + f"</{tag}>")
            continue
        para.append(line)
        i += 1
    flush_para()
    return "\n".join(out)
