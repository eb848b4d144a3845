"""Footnotes: mistune's [^key] syntax, numbered by first reference and linked both ways."""

from __future__ import annotations

import re
from typing import Any, Callable

from mistune.core import BlockState
from mistune.plugins.footnotes import footnotes as mistune_footnotes
from mistune.plugins.footnotes import md_footnotes_hook, parse_footnote_item
from mistune.util import escape, unikey

from .context import Session, Token, add_hook, set_render

_UNDEFINED_REF = re.compile(r"\[\^([^\]\s]+)\]")
_DEFINITION = re.compile(r"^ {0,4}\[\^((?:[^\\\[\]\s]|\\.)+)\]:", re.M)


def build_notes(md: Any, state: BlockState, parse_inlines: Callable[[list[Token]], None]) -> Token | None:
    """The notes section token, its items in order of first reference.

    Items are parsed one at a time because a note may itself cite a later note,
    which appends to the list being walked.
    """
    keys: list[str] = state.env.get("footnotes") or []
    items: list[Token] = []
    while len(items) < len(keys):
        item = parse_footnote_item(md.block, keys[len(items)], len(items) + 1, state)
        parse_inlines(item["children"])
        items.append(item)
        keys = state.env.get("footnotes") or keys
    if not items:
        return None
    return {"type": "footnotes", "children": items}


def check_definitions(state: BlockState, session: Session) -> None:
    """Report notes defined twice and notes nobody cites, on their definition line."""
    used = set(state.env.get("footnotes") or [])
    defined = state.env.get("ref_footnotes") or {}
    seen: set[str] = set()
    for m in _DEFINITION.finditer(session.locator.source):
        key = unikey(m.group(1))
        line = session.locator.line_at(m.start())
        if key in seen:
            session.warning_at(line, "body.duplicate-footnote", f"footnote [^{m.group(1)}] is defined twice; the first definition is used")
        elif key in defined and key not in used:
            session.warning_at(line, "body.unused-footnote", f"footnote [^{m.group(1)}] is defined but never cited")
        seen.add(key)


def number_reference(tok: Token, session: Session) -> None:
    """Hook: give each citation of a note its own id, so every one has a way back."""
    index = tok["attrs"]["index"]
    refs = session.footnote_refs.setdefault(index, [])
    ref_id = f"fnref-{index}" if not refs else f"fnref-{index}-{len(refs) + 1}"
    refs.append(ref_id)
    tok["attrs"]["ref_id"] = ref_id


def label_item(tok: Token, session: Session) -> None:
    """Hook: the item shares the session's list of its references, complete by render time."""
    index = tok["attrs"]["index"]
    tok["attrs"]["backrefs"] = session.footnote_refs.setdefault(index, [])
    tok["attrs"]["back_label"] = session.ctx.label("back_to_text")


def label_section(tok: Token, session: Session) -> None:
    tok["attrs"] = {"title": session.ctx.label("notes")}


def report_undefined(tok: Token, session: Session) -> None:
    """Hook: mistune leaves a citation of an undefined note as text; report it."""
    raw = tok["raw"]
    if "[^" not in raw:
        return
    for m in _UNDEFINED_REF.finditer(raw):
        session.error("body.undefined-footnote", f"footnote {m.group(0)} is cited but not defined", m.group(0))


def render_footnote_ref(renderer: Any, key: str, index: int, ref_id: str = "") -> str:
    return (
        f'<sup class="fnref"><a id="{ref_id}" href="#fn-{index}" role="doc-noteref"'
        f' aria-describedby="notes-title">{index}</a></sup>'
    )


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
    mistune_footnotes(md)
    md.after_render_hooks.remove(md_footnotes_hook)  # the pipeline builds the section itself
    add_hook(md, "footnote_ref", number_reference)
    add_hook(md, "footnote_item", label_item)
    add_hook(md, "footnotes", label_section)
    add_hook(md, "text", report_undefined)
    set_render(md, "footnote_ref", render_footnote_ref)
    set_render(md, "footnote_item", render_footnote_item)
    set_render(md, "footnotes", render_footnotes)
