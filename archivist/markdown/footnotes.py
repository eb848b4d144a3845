"""Footnotes: [^key] citations and their definitions, numbered by first citation and linked both ways.

Definitions follow what kramdown, Pandoc and GitHub accept: `[^1]:Text` needs no space
after the colon; a definition may stand inside a list item or a block quote; its first
paragraph may run on over unindented lines, and later paragraphs are indented four spaces.
A definition is found by the block parser, so a footnote-like line in code is never one.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Match

from mistune.util import escape, unikey

from .context import Session, Token, add_hook, set_render
from .ids import heading_words
from .positions import LineState
from .text import plain_text
from .typography import smarten

_LABEL = r"(?:[^\\\[\]\s]|\\.){1,500}"
DEFINITION_PATTERN = r"^ {0,3}\[\^(?P<footnote_key>" + _LABEL + r")\]:"
REFERENCE_PATTERN = r"\[\^(?P<footnote_key>" + _LABEL + r")\]"
# Lines that start a block of their own end a definition's run-on first paragraph.
_INTERRUPTING = ("ref_footnote", "atx_heading", "fenced_code", "thematic_break", "block_quote", "list", "block_html")
_COMMENTS = re.compile(r"\s*(?:<!--.*?-->\s*)+", re.S)
DEFINED = "notes_defined"  # env key: key -> (body text, file line of the definition)
CITATION_NOTES = "archivist_citation_notes"  # env key: note key -> the citation token a note style made a note
DEFINITIONS = "notes_definitions"  # env key: every definition in order, (key, label, line)


def parse_definition(block: Any, m: Match[str], state: LineState) -> int:
    """Block rule: store the note's text and line; it renders only where it is cited."""
    body, end = _definition_body(block, state, m.end())
    key, line = unikey(m.group("footnote_key")), state.line_at(m.start())
    state.env.setdefault(DEFINITIONS, []).append((key, m.group("footnote_key"), line))
    state.env.setdefault(DEFINED, {}).setdefault(key, (body, line))
    return end


def _definition_body(block: Any, state: LineState, pos: int) -> tuple[str, int]:
    """The note's text, one line per source line, and where the definition ends."""
    end = state.find_line_end_at(pos)
    lines = [state.src[pos:end].lstrip(" \t")]
    pos, after_blank = end, False
    while pos < state.cursor_max:
        end = state.find_line_end_at(pos)
        line = state.src[pos:end]
        if not line.strip():
            if not _continues_after_blank(state, end):
                break
            lines.append("\n")
            pos, after_blank = end, True
            continue
        if _indent(line) < 4 and (after_blank or _interrupts(block, state, pos)):
            break
        lines.append(_dedent(line))
        pos, after_blank = end, False
    return "".join(lines), pos


def _continues_after_blank(state: LineState, pos: int) -> bool:
    """After blank lines a note goes on only with a line indented four columns."""
    while pos < state.cursor_max:
        end = state.find_line_end_at(pos)
        line = state.src[pos:end]
        if line.strip():
            return _indent(line) >= 4
        pos = end
    return False


def _interrupts(block: Any, state: LineState, pos: int) -> bool:
    rules = [name for name in _INTERRUPTING if name in block.specification]
    return block.compile_sc(rules).match(state.src, pos) is not None


def _indent(line: str) -> int:
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _dedent(line: str) -> str:
    """Up to four columns of indentation removed, as from a list item's continuation."""
    stripped = line.lstrip(" \t")
    indent = _indent(line)
    return " " * max(indent - 4, 0) + stripped


def parse_reference(inline: Any, m: Match[str], state: Any) -> int:
    """Inline rule: a citation of a defined note, numbered by first citation; else kept as text."""
    key = unikey(m.group("footnote_key"))
    if key not in (state.env.get(DEFINED) or {}):
        text = {"type": "text", "raw": m.group(0), "_emphasis": False}
        state.append_token({"type": "undefined_footnote", "children": [text]})
        return m.end()
    order: list[str] = state.env.setdefault("footnotes", [])
    indexes: dict[str, int] = state.env.setdefault("footnote_indexes", {})
    if key not in indexes:
        order.append(key)
        indexes[key] = len(order)
    state.append_token({"type": "footnote_ref", "raw": key, "attrs": {"index": indexes[key]}})
    return m.end()


def build_notes(md: Any, state: LineState, parse_inlines: Callable[[list[Token]], None]) -> Token | None:
    """The notes section token, its items in order of first reference.

    Items are parsed one at a time because a note may itself cite a later note,
    which appends to the list being walked.
    """
    keys: list[str] = state.env.get("footnotes") or []
    items: list[Token] = []
    while len(items) < len(keys):
        item = _note_item(md, state, keys[len(items)], len(items) + 1)
        parse_inlines(item["children"])
        items.append(item)
    if not items:
        return None
    return {"type": "footnotes", "children": items}


def adopt_heading(tokens: list[Token], state: LineState, notes: Token | None, lang: str) -> None:
    """An author's own last heading ('# Endnotes', '## Notas') under which stand only note
    definitions titles the notes section instead of staying, empty, above it: the words are
    the author's, and the page has one notes heading, not two."""
    last = next((i for i in range(len(tokens) - 1, -1, -1) if not shows_nothing(tokens[i])), None)
    if notes is None or last is None or tokens[last]["type"] != "heading":
        return
    heading = tokens[last]
    if not any(line > heading.get("_line", 0) for _, _, line in state.env.get(DEFINITIONS) or ()):
        return
    smarten(heading["children"], lang)
    title = heading_words(heading["children"])
    if title:
        notes["_title"] = title
        del tokens[last]


def shows_nothing(tok: Token) -> bool:
    """A blank line, or an HTML comment (an editor's note to itself), which the page never shows."""
    return tok["type"] == "blank_line" or (tok["type"] == "block_html" and _COMMENTS.fullmatch(tok["raw"]) is not None)


def _note_item(md: Any, state: LineState, key: str, index: int) -> Token:
    """A note of one line is one paragraph (as mistune makes it); a longer one is parsed as blocks."""
    made = (state.env.get(CITATION_NOTES) or {}).get(key)
    if made is not None:  # a note style made this citation into a note of its own
        return {"type": "footnote_item", "children": [{"type": "paragraph", "children": [made], "_inline": True}],
                "attrs": {"key": key, "index": index}, "_line": state.env[DEFINED][key][1]}
    body, line = state.env[DEFINED][key]
    text = body.strip()
    if "\n" not in text:
        skipped = body[:len(body) - len(body.lstrip())].count("\n")  # '[^1]:' alone on its line
        children = [{"type": "paragraph", "text": text, "_line": line + skipped}]
    else:
        child = LineState(state, line_base=line)
        child.process(body.rstrip() + "\n")
        md.block.parse(child)
        children = child.tokens
    return {"type": "footnote_item", "children": children, "attrs": {"key": key, "index": index}, "_line": line}


def check_definitions(state: LineState, session: Session) -> None:
    """Report notes defined twice and notes nobody cites, on their definition line."""
    used = set(state.env.get("footnotes") or [])
    seen: set[str] = set()
    for key, label, line in state.env.get(DEFINITIONS) or []:
        if key in seen:
            session.warning("body.duplicate-footnote", f"footnote [^{label}] is defined twice; the first definition is used", line)
        elif key not in used:
            session.warning("body.unused-footnote", f"footnote [^{label}] is defined but never cited", line)
        seen.add(key)


def number_reference(tok: Token, session: Session) -> None:
    """Hook: give each citation of a note its own id, so every one has a way back."""
    index = tok["attrs"]["index"]
    refs = session.footnote_refs.setdefault(index, [])
    ref_id = f"fnref-{index}" if not refs else f"fnref-{index}-{len(refs) + 1}"
    refs.append(ref_id)
    tok["attrs"]["ref_id"] = ref_id
    if not session.in_notes:
        session.note_passages.setdefault(index, session.passage)
        session.note_positions.setdefault(index, len(session.citations))


def label_item(tok: Token, session: Session) -> None:
    """Hook: the item shares the session's list of its references, complete by render time."""
    index = tok["attrs"]["index"]
    session.current_note = index
    tok["attrs"]["backrefs"] = session.footnote_refs.setdefault(index, [])
    tok["attrs"]["back_label"] = session.ctx.label("back_to_text")


def label_section(tok: Token, session: Session) -> None:
    tok["attrs"] = {"title": tok.get("_title") or session.ctx.label("notes")}


def report_undefined(tok: Token, session: Session) -> None:
    """Hook: a citation of a note nobody defined stays text; report it where it stands."""
    raw = tok["children"][0]["raw"]
    session.error("body.undefined-footnote", f"footnote {raw} is cited but not defined", session.line_of(tok))


def render_footnote_ref(renderer: Any, key: str, index: int, ref_id: str = "") -> str:
    return (
        f'<sup class="fnref"><a id="{ref_id}" href="#fn-{index}" role="doc-noteref"'
        f' aria-describedby="notes-title">{index}</a></sup>'
    )


def render_undefined(renderer: Any, text: str) -> str:
    return text


def render_footnotes(renderer: Any, text: str, title: str = "") -> str:
    return (
        '<section class="footnotes" id="notes" role="doc-endnotes" aria-labelledby="notes-title">\n'
        f'<h2 id="notes-title">{escape(title)}</h2>\n<ol>\n{text}</ol>\n</section>\n'
    )


def render_footnote_item(renderer: Any, text: str, key: str, index: int, backrefs: list[str] = (), back_label: str = "") -> str:  # type: ignore[assignment]
    links = " ".join(_backlink(ref, n, back_label) for n, ref in enumerate(backrefs, 1))
    text = text.rstrip()
    if text.endswith("</p>"):
        text = f"{text[:-4]} {links}</p>"
    else:
        text = f"{text}\n{links}"
    return f'<li id="fn-{index}">{text}</li>\n'


def _backlink(ref_id: str, n: int, label: str) -> str:
    if n == 1:
        return f'<a href="#{ref_id}" class="fn-back" role="doc-backlink" aria-label="{escape(label)}">↩</a>'
    return (
        f'<a href="#{ref_id}" class="fn-back" role="doc-backlink" aria-label="{escape(label)} ({n})">'
        f"↩<sup>{n}</sup></a>"
    )


def register(md: Any) -> None:
    md.inline.register("footnote", REFERENCE_PATTERN, parse_reference, before="link", start_chars="[")
    md.block.register("ref_footnote", DEFINITION_PATTERN, parse_definition, before="ref_link")
    for rules in (md.block.block_quote_rules, md.block.list_rules):
        md.block.insert_rule(rules, "ref_footnote", before="ref_link")
    add_hook(md, "footnote_ref", number_reference)
    add_hook(md, "footnote_item", label_item)
    add_hook(md, "footnotes", label_section)
    add_hook(md, "undefined_footnote", report_undefined)
    set_render(md, "footnote_ref", render_footnote_ref)
    set_render(md, "undefined_footnote", render_undefined)
    set_render(md, "footnotes", render_footnotes)
    set_render(md, "footnote_item", render_footnote_item)
