"""The Jinja2 environment that renders the report's templates (templates/).

Autoescape is on for every .html template: input text (benchmark names,
failure messages, spec text, context values) is escaped where it is placed.
Only markup this package made itself enters unescaped, as markupsafe.Markup:
markdown-it's rendering of the spec (filters `md`, `md_inline`), JSON that
json_for_script made safe, and the inlined CSS and scripts.
"""

from __future__ import annotations

import os
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import badges, markdown
from .gtest import DEVIATION, FAIL, NOT_APPLICABLE, NOT_RUN, PASS
from .meta import UNKNOWN
from .html import slug

_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")

_env = Environment(loader=FileSystemLoader(_DIR), autoescape=select_autoescape(["html"]),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                   keep_trailing_newline=False)
_env.filters["md"] = lambda text, known=frozenset(): Markup(markdown.render(text, known))
_env.filters["md_inline"] = lambda text, known=frozenset(): Markup(markdown.inline(text, known))
_env.filters["slug"] = slug
_env.globals.update(BADGE=badges.BADGE, STATUS_CLASS=badges.STATUS_CLASS, UNKNOWN=UNKNOWN,
                    PASS=PASS, FAIL=FAIL, NOT_RUN=NOT_RUN, DEVIATION=DEVIATION, NOT_APPLICABLE=NOT_APPLICABLE)


def render(name: str, **context: Any) -> Markup:
    """A template's HTML, marked safe so another template can include it."""
    return Markup(_env.get_template(name).render(**context))
