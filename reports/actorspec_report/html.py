"""What the templates cannot do for the page: the CSP, data for <script>
blocks (Jinja2's autoescape is for HTML, not for script text), and ids.

Input text reaches markup only through the templates (autoescaped, see
templates.py) or json_for_script.
"""

from __future__ import annotations

import json

# No network at all: the report is opened from disk or from a CI artifact
# store and must not fetch anything, even by accident.
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


def json_for_script(data: object) -> str:
    """JSON that is safe inside <script>: no '</script', '<!--', or ']]>'.

    json.dumps leaves '<', '>' and '&' alone, and U+2028/U+2029 are line
    terminators to older JavaScript parsers, so all of them are written as
    \\u escapes, which JSON.parse reads back unchanged.
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def inline_script_safe(source: str, what: str) -> str:
    """Check third-party script text can sit inside <script> unchanged."""
    lowered = source.lower()
    if "</script" in lowered or "<!--" in lowered:
        raise ValueError(f"{what} contains '</script' or '<!--' and cannot be inlined safely")
    return source


def slug(text: str) -> str:
    """A fragment-safe id derived from arbitrary text (ids stay unique by prefixing)."""
    out = []
    for ch in text:
        if ch.isascii() and (ch.isalnum() or ch in "-_"):
            out.append(ch)
        else:
            out.append("-")
    s = "".join(out).strip("-")
    while "--" in s:
        s = s.replace("--", "-")
    return s or "x"
