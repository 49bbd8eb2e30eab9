"""Reading the rules out of spec/SPEC.md.

A rule is a level-3 or level-4 heading that starts with an ID such as
`### LNK-5 — Kill is untrappable`; its text runs to the next rule heading or
the next heading at the same or a higher level. Areas are level-2 headings.
Headings inside fenced code blocks are text, not structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# Emphasis or code around the ID is tolerated: ### **LNK-5** — ...
_RULE_TITLE = re.compile(
    r"^[*_`]*([A-Z]{2,6}-[0-9]+[a-z]?)[*_`]*(?:\s*[—–:.\-]+\s*|\s+|$)(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class Rule:
    id: str
    title: str
    area: str
    body: str  # Markdown source of the rule's text


@dataclass
class Spec:
    title: str = ""
    rules: List[Rule] = field(default_factory=list)
    duplicates: List[str] = field(default_factory=list)

    def by_id(self) -> Dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def areas(self) -> List[str]:
        seen: List[str] = []
        for r in self.rules:
            if r.area not in seen:
                seen.append(r.area)
        return seen


def parse(text: str) -> Spec:
    spec = Spec()
    area = ""
    current: Rule | None = None
    current_level = 0
    body: List[str] = []
    seen_ids: Dict[str, Rule] = {}
    in_fence = False

    def close() -> None:
        nonlocal current, body
        if current is not None:
            current.body = "\n".join(body).strip("\n")
            if current.id in seen_ids:
                spec.duplicates.append(current.id)
            else:
                seen_ids[current.id] = current
                spec.rules.append(current)
        current, body = None, []

    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            if current is not None:
                body.append(line)
            continue
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            title = heading.group(2).strip()
            rule = _RULE_TITLE.match(title) if level in (3, 4) else None
            if rule:
                close()
                current = Rule(id=rule.group(1), title=rule.group(2).strip(), area=area, body="")
                current_level = level
                continue
            if current is not None and level <= current_level:
                close()
            if level == 1 and not spec.title:
                spec.title = title
            if level == 2:
                close()
                area = title
                continue
        if current is not None:
            body.append(line)
    close()
    return spec


def load(path: str) -> Spec:
    with open(path, encoding="utf-8") as f:
        return parse(f.read())
