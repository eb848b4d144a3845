"""kramdown's attribute lists (`{: #id .class}` on the line after a block), applied where safe.

An inline attribute list (IAL) on a line of its own gives the block just before it (or just
after it, with no blank line between) an id, classes or attributes. Archivist applies:

- `#id` on a heading: its id, for links written to it (unless the page already uses that id);
- `.no_toc` on a heading: left out of the contents, as kramdown's contents leave it;
- `.language-ruby` on a code block without a language: its language;
- callout classes (`.alert .alert-warning`, `.note`, …) on a paragraph, quote, list or table:
  the block becomes a callout box, as the same classes in HTML do;
- `{:toc}` after a list (kramdown's `* TOC` placeholder): the page shows its own contents, so
  the placeholder is left out, and with it a heading marked `.no_toc` that only introduced it.

The line itself is never shown. Anything else (other classes, attributes, attribute list
definitions `{:name: …}`) is reported on its line: nothing an author writes vanishes unsaid.
"""

from __future__ import annotations

import re
from typing import Any, Match

from .callouts import kind_of
from .context import Session, Token, add_hook, add_list_hook, set_render
from .ids import SAFE_ID, is_reserved

PATTERN = r"^ {0,3}\{:(?!:)(?P<ial_text>[^}\n]*)\}[ \t]*(?:\n|$)"
_ITEM = re.compile(r"""#([\w-]+)|\.([\w-]+)|([\w-]+)=(?:"[^"]*"|'[^']*')|([\w-]+)|(\S)""")
_DEFINITION = re.compile(r"\s*[\w-]+:")
BOXES = frozenset({"paragraph", "block_quote", "list", "table", "def_list"})


def parse_ial(block: Any, m: Match[str], state: Any) -> int:
    """Block rule: keep the list as a token, applied (by the list hook) to its neighbour."""
    previous = state.tokens[-1] if state.tokens else None
    state.append_token({"type": "block_ial", "text_raw": m.group("ial_text"),
                        "_after": previous is not None and previous["type"] != "blank_line"})
    return m.end()


def apply_lists(tokens: list[Token], session: Session) -> None:
    """List hook: apply each attribute list to the block beside it, then drop its line."""
    for index in range(len(tokens) - 1, -1, -1):
        if tokens[index]["type"] == "list":
            _hoist_from_last_item(tokens, index)
    if not any(tok["type"] == "block_ial" for tok in tokens):
        return
    for index in [i for i, tok in enumerate(tokens) if tok["type"] == "block_ial"]:
        _apply(tokens, index, session)  # in order: a '.no_toc' heading is marked before the '{:toc}' after it


def _apply(tokens: list[Token], index: int, session: Session) -> None:
    ial = tokens[index]
    line, text = session.line_of(ial), ial["text_raw"]
    tokens[index] = {"type": "blank_line", "_line": line}
    target = _target(tokens, index, ial["_after"])
    if _DEFINITION.match(text) or target is None:
        why = "defines attributes for later use" if _DEFINITION.match(text) else "stands beside no block"
        session.warning("body.attribute-list", f"the attribute list '{{:{text[:40]}}}' {why}; it is not applied", line)
        return
    ids, classes, refs, other = _items(text)
    if "toc" in refs and tokens[target]["type"] == "list":
        _drop_toc(tokens, target, session, line)
        refs.remove("toc")
    kind = tokens[target]["type"]
    if kind == "block_code":
        classes = _apply_language(tokens[target], classes)
    unused = _apply_heading(tokens[target], ids, classes) if kind == "heading" else _apply_box(tokens, target, ids, classes)
    unused += [f"{name}" for name in refs + other]
    if unused:
        session.warning("body.attribute-list", f"'{' '.join(unused)[:60]}' in the attribute list '{{:{text[:40]}}}' "
                        "is not applied; only an id and .no_toc on a heading, and callout classes, are", line)


def _hoist_from_last_item(tokens: list[Token], index: int) -> None:
    """`* TOC` then `{:toc}`: a list at the end of a list's last item belongs to the list."""
    items = tokens[index].get("children") or []
    inside = items[-1].get("children") if items else None
    if inside and inside[-1]["type"] == "block_ial":
        ial = inside.pop()
        tokens.insert(index + 1, {**ial, "_after": True})


def _target(tokens: list[Token], index: int, after: bool) -> int | None:
    """The block the list belongs to: the one just before it, else the one just after."""
    if after and index > 0:
        return index - 1
    following = index + 1
    if following < len(tokens) and tokens[following]["type"] not in ("blank_line", "block_ial"):
        return following
    return None


def _items(text: str) -> tuple[list[str], list[str], list[str], list[str]]:
    ids, classes, refs, other = [], [], [], []  # type: list[str], list[str], list[str], list[str]
    for found in _ITEM.finditer(text):
        if found.group(1):
            ids.append(found.group(1))
        elif found.group(2):
            classes.append(found.group(2))
        elif found.group(4):
            refs.append(found.group(4))
        else:
            other.append(found.group(0))
    return ids, classes, refs, other


def _apply_heading(tok: Token, ids: list[str], classes: list[str]) -> list[str]:
    """An id and .no_toc are read (by the heading hook, after ids.py has named it); the rest is not."""
    tok["_ial_id"] = next((i for i in ids if SAFE_ID.fullmatch(i) and not is_reserved(i)), None)
    tok["_no_toc"] = "no_toc" in classes
    return [f"#{i}" for i in ids if i != tok["_ial_id"]] + [f".{c}" for c in classes if c != "no_toc"]


def _apply_language(tok: Token, classes: list[str]) -> list[str]:
    """kramdown's `{: .language-ruby}` after a code block without a language names its language."""
    languages = [c for c in classes if c.startswith("language-") and len(c) > len("language-")]
    attrs = tok.setdefault("attrs", {})
    if not languages or attrs.get("info"):
        return classes
    attrs["info"] = languages[0][len("language-"):]
    return [c for c in classes if c != languages[0]]


def _apply_box(tokens: list[Token], target: int, ids: list[str], classes: list[str]) -> list[str]:
    """Callout classes make a paragraph, quote, list or table a box; nothing else is applied."""
    tok = tokens[target]
    kind = kind_of([c.lower() for c in classes]) if tok["type"] in BOXES else None
    if kind:
        tokens[target] = {"type": "callout", "children": [tok], "attrs": {"kind": kind, "title": None},
                          "_line": tok.get("_line")}
        classes = [c for c in classes if kind_of([c.lower()]) is None]
    return [f"#{i}" for i in ids] + [f".{c}" for c in classes]


def _drop_toc(tokens: list[Token], target: int, session: Session, line: int) -> None:
    """kramdown's `* TOC` list, and a `.no_toc` heading that only introduced it, are left out."""
    dropped = [target]
    before = target - 1
    while before >= 0 and tokens[before]["type"] == "blank_line":
        before -= 1
    if before >= 0 and tokens[before]["type"] == "heading" and tokens[before].get("_no_toc"):
        dropped.append(before)
    for index in dropped:
        tokens[index] = {"type": "blank_line", "_line": tokens[index].get("_line")}
    what = "and the heading before it are" if len(dropped) > 1 else "is"
    session.warning("body.toc-marker", f"kramdown's table of contents ('{{:toc}}') {what} left out: the page "
                    "shows its own contents", line)


def name_heading(tok: Token, session: Session) -> None:
    """Hook, after ids.py's: the id an attribute list asks for, and .no_toc."""
    wanted = tok.pop("_ial_id", None)
    if wanted and wanted not in session.used_ids:
        session.used_ids.add(wanted)
        tok["attrs"]["id"] = wanted
    if tok.pop("_no_toc", False) and tok in session.headings:
        session.headings.remove(tok)


def render_nothing(renderer: Any, text: str = "", **_: Any) -> str:
    return ""


def register(md: Any) -> None:
    """Must follow ids.register (its heading hook names the heading first) and callouts.register."""
    md.block.register("block_ial", PATTERN, parse_ial, before="paragraph")
    for rules in (md.block.block_quote_rules, md.block.list_rules):
        md.block.insert_rule(rules, "block_ial", before="paragraph")
    add_list_hook(md, apply_lists, needs=("list", "block_ial"))  # a list's last item may end with one
    add_hook(md, "heading", name_heading)
    set_render(md, "block_ial", render_nothing)
