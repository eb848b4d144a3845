"""Pandoc's fenced divs, `::: {#fig-map}` … `:::`: the block rule, which hands each div to what it asks for.

A div whose id is a figure or table label (`fig-…`, `tbl-…`) is a numbered float (floats.py);
one with a callout class is a box (callouts.py). Any other div stays text, as in CommonMark,
so an author sees at once that nothing of it was understood.
"""

from __future__ import annotations

import re
from typing import Any, Match

from .callouts import callout_token, kind_of
from .crossrefs import label_kind
from .floats import KINDS as FLOAT_KINDS, float_token

_DIV_OPEN = re.compile(r" {0,3}(:{3,})[ \t]*(\{[^}\n]*\}|[A-Za-z][\w-]*)[ \t]*:*[ \t]*$")
_DIV_CLOSE = re.compile(r" {0,3}:{3,}[ \t]*$")
_VALUES = re.compile(r"""=\s*(?:"[^"]*"|'[^']*'|[^\s}]*)""")
DIV_PATTERN = r"^ {0,3}:{3,}[ \t]*(?:\{[^}\n]*\}|[A-Za-z][\w-]*)[ \t]*:*[ \t]*(?:\n|$)"


def parse_fenced_div(block: Any, m: Match[str], state: Any) -> int | None:
    """Block rule: a float or a callout, parsed with what it holds; None leaves the lines to the paragraph."""
    opening = _DIV_OPEN.match(m.group(0).rstrip("\n"))
    if opening is None or state.depth() >= block.max_nested_level:
        return None
    attributes = opening.group(2)
    label = div_id(attributes)
    float_kind = label_kind(label) if label_kind(label) in FLOAT_KINDS else ""
    callout = None if float_kind else kind_of([word.lower() for word in div_classes(attributes)])
    end = _closing_fence(state, m.end()) if float_kind or callout else None
    if end is None:
        return None
    line = state.line_at(m.start())
    state.next_child_line = state.line_at(m.end())
    child = state.child_state(state.src[m.end():end[0]])
    block.parse(child)
    if float_kind:
        state.append_token(float_token(float_kind, label, child.tokens, line, state))
    else:
        state.append_token(callout_token(callout, attributes, child.tokens))  # type: ignore[arg-type]
    return end[1]


def div_classes(attributes: str) -> list[str]:
    """The classes of a fenced div: each '.name' in braces (values left out), or its one bare word."""
    if not attributes.startswith("{"):
        return [attributes]
    return re.findall(r"(?<![\w-])\.([A-Za-z][\w-]*)", _VALUES.sub("", attributes))


def div_id(attributes: str) -> str:
    """The id of a fenced div, '#name' in braces (values left out), or ''."""
    found = re.search(r"(?<![\w-])#([^\s{}]+)", _VALUES.sub("", attributes)) if attributes.startswith("{") else None
    return found.group(1) if found else ""


def _closing_fence(state: Any, pos: int) -> tuple[int, int] | None:
    """(start, end) of the line closing the div that opens before `pos`; nested divs count."""
    depth = 1
    while pos < state.cursor_max:
        line = state.get_line(pos)
        text = line.rstrip("\n")
        if _DIV_CLOSE.fullmatch(text):
            depth -= 1
            if not depth:
                return pos, pos + len(line)
        elif _DIV_OPEN.fullmatch(text):
            depth += 1
        pos += len(line)
    return None


def register(md: Any) -> None:
    md.block.register("fenced_div", DIV_PATTERN, parse_fenced_div, before="list")
    for rules in (md.block.block_quote_rules, md.block.list_rules):
        md.block.insert_rule(rules, "fenced_div", before="list")
