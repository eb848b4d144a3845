"""Quarto-style cross-references: `@fig-map` becomes a link to the element labelled `fig-map`, by its number.

Labels are given where the element is written (see figures.py, tables.py, floats.py, math.py, ids.py) and
start with a reserved prefix: `fig-`, `tbl-`, `eq-` or `sec-`. Each element keeps its automatic
number, and its label becomes its id. References are read here:

- `@fig-map` (or `[@fig-map]`) -> "Figure 2", in the article's language;
- `@Fig-map` -> the word with a capital first letter (for a word a site writes in lower case);
- `[-@fig-map]` -> the number alone, "2".

Headings are not numbered, so a section is named by its text: `@sec-results` -> Section "Results"
in the language's quotation marks, and `[-@sec-results]` -> "Results" alone.

References may come before their target: they are resolved once the whole body has been walked.
A reference to a label the article does not define is an error on the line and column of its `@`
and is shown as written. An `@` right after a letter, digit or '_' (an e-mail address) or inside
code is no reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Match

from mistune.util import escape

from archivist.diagnostics import did_you_mean

from .context import Session, Token, add_end_hook, add_hook, add_list_hook, set_render
from .typography import quotes_for

CROSSREF_PREFIXES = ("fig", "tbl", "eq", "sec")
KINDS = {"fig": "figure", "tbl": "table", "eq": "equation", "sec": "section"}  # prefix -> interface word
CODE = "body.crossref"
# A prefix (its first letter in either case), '-', then an identifier ending in a letter, digit or '_',
# so a sentence's full stop or colon after a reference is not part of it.
_KEY = r"(?:[Ff]ig|[Tt]bl|[Ee]q|[Ss]ec)-\w(?:[\w.:-]*\w)?"
_KEY_RE = re.compile(_KEY)
NARRATIVE = r"(?<!\w)@(?P<crossref_key>" + _KEY + r")"
BRACKETED = r"\[(?P<crossref_minus>-?)@(?P<crossref_bkey>" + _KEY + r")\]"


def is_crossref_key(key: str) -> bool:
    """Whether a citation-like key (without '@') is a cross-reference, which the citation parser leaves alone."""
    return _KEY_RE.fullmatch(key) is not None


def label_kind(label: str) -> str:
    """'figure', 'table', 'equation' or 'section' for a label with a reserved prefix (lower case), else ''."""
    prefix, dash, rest = label.partition("-")
    return KINDS.get(prefix, "") if dash and rest and is_crossref_key(label) else ""


@dataclass(frozen=True)
class Target:
    """A labelled element. Its number is read from its attrs once the body is numbered (an
    article whose captions number themselves takes its figures' numbers from the captions)."""

    kind: str
    line: int
    attrs: dict[str, Any]  # the element's token attrs; 'number' is its number ('' for none)
    text: str = ""  # a section's heading text


def claim_label(session: Session, label: str, kind: str, attrs: dict[str, Any], line: int, text: str = "") -> bool:
    """Record an element's label; False (and an error) when the article already has it."""
    earlier = session.crossref_targets.get(label)
    if earlier is not None or label in session.used_ids:
        where = f" on line {earlier.line}" if earlier is not None else " on this page"
        session.error(CODE, f"label '{label}' is already used{where}; give each element a label of its own", line)
        return False
    session.used_ids.add(label)
    session.crossref_targets[label] = Target(kind, line, attrs, text)
    return True


def parse_narrative(inline: Any, m: Match[str], state: Any) -> int:
    return _reference(state, m, m.group("crossref_key"), False, m.start())


def parse_bracketed(inline: Any, m: Match[str], state: Any) -> int:
    return _reference(state, m, m.group("crossref_bkey"), bool(m.group("crossref_minus")), m.start("crossref_bkey") - 1)


def _reference(state: Any, m: Match[str], key: str, number_only: bool, at: int) -> int:
    column = state.column_at(at) if hasattr(state, "column_at") else 1
    line = state.line_at(at) if hasattr(state, "line_at") else None
    state.append_token({"type": "crossref", "raw": m.group(0), "_line": line, "_column": column,
                        "attrs": {"key": key[0].lower() + key[1:], "capital": key[0].isupper(),
                                  "number_only": number_only}})
    return m.end()


def collect(tok: Token, session: Session) -> None:
    """Hook: keep the reference, to resolve once every label of the body is known."""
    tok["_line"] = session.line_of(tok)
    session.gather("crossrefs", tok)


def mark_in_links(tokens: list[Token], session: Session) -> None:
    """List hook: a reference inside a link's text shows its words without a link of its own."""
    for tok in tokens:
        if tok["type"] == "link":
            _mark(tok.get("children", ()))


def _mark(tokens: Any) -> None:
    for tok in tokens:
        if tok["type"] == "crossref":
            tok["attrs"]["in_link"] = True
        _mark(tok.get("children", ()))


def resolve(state: Any, session: Session) -> None:
    """End hook: each reference gets its target's words, or is reported and shown as written."""
    for tok in session.gathered.get("crossrefs", ()):
        attrs = tok["attrs"]
        target = session.crossref_targets.get(attrs["key"])
        if target is None:
            _unknown(tok, session)
            continue
        shown = reference_text(target, session, attrs["capital"], attrs["number_only"])
        if shown:
            attrs.update(href=attrs["key"], shown=shown)
        else:
            session.warning(CODE, f"'{tok['raw']}' refers to a {target.kind} without a number (the article's "
                            "captions number themselves); it is shown as written", tok["_line"], tok["_column"])


def _unknown(tok: Token, session: Session) -> None:
    key = tok["attrs"]["key"]
    hint = did_you_mean(key, session.crossref_targets)
    session.error(CODE, f"unknown cross-reference '{tok['raw']}': no figure, table, equation or section of the "
                  f"article has the label '{key}'{hint}", tok["_line"], tok["_column"])


def reference_text(target: Target, session: Session, capital: bool, number_only: bool) -> str:
    """'Figure 2', '2', or for a section its heading text in quotation marks; '' when there is no number."""
    if target.kind == "section":
        opening, closing = quotes_for(session.lang)[:2]
        word, number = session.ctx.label("section"), f"{opening}{target.text}{closing}"
    else:
        word, number = session.ctx.label(target.kind), str(target.attrs.get("number") or "")
    if number_only or not number:
        return number
    return f"{word[:1].upper() + word[1:] if capital else word} {number}"


def render_crossref(renderer: Any, text: str, key: str = "", capital: bool = False, number_only: bool = False,
                    href: str = "", shown: str = "", in_link: bool = False) -> str:
    if not href:
        return escape(text)
    if in_link:
        return escape(shown)
    return f'<a class="crossref" href="#{escape(href)}">{escape(shown)}</a>'


def register(md: Any) -> None:
    """Put the reference rules first, so they win over any other rule at an '@' or '[' (the
    citation parser's `[@key]` and `@key` among them), whatever order the others register in."""
    first = md.inline.rules[0]
    md.inline.register("crossref_bracketed", BRACKETED, parse_bracketed, before=first, start_chars="[")
    md.inline.register("crossref", NARRATIVE, parse_narrative, before=first, start_chars="@")
    add_hook(md, "crossref", collect)
    add_list_hook(md, mark_in_links, needs=("link",))
    add_end_hook(md, resolve)
    set_render(md, "crossref", render_crossref)
