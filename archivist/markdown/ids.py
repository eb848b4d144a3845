"""Stable ids: headings get Unicode slugs, body paragraphs p1, p2, ... in document order."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .context import Session, Token, add_hook, set_render
from .text import plain_text

# Ids the page itself uses: paragraphs, notes, figures, the citation box, the top anchor.
RESERVED_IDS = frozenset({"notes", "notes-title", "cite", "top", "main", "toc"})
RESERVED_PATTERN = re.compile(r"p\d+|(?:fn|fnref|fig)-.*")
TOC_LEVELS = (2, 3)
_HYPHENS = re.compile(r"-{2,}")


def slugify(text: str) -> str:
    """Lower-cased letters, marks and digits of any script; spaces and dashes become '-'."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text).lower():
        category = unicodedata.category(ch)
        if category[0] in "LMN" or ch == "_":
            out.append(ch)
        elif ch.isspace() or category == "Pd":
            out.append("-")
    return _HYPHENS.sub("-", "".join(out)).strip("-")


def is_reserved(candidate: str) -> bool:
    return candidate in RESERVED_IDS or RESERVED_PATTERN.fullmatch(candidate) is not None


def unique_id(base: str, used: set[str]) -> str:
    """The slug, or slug-2, slug-3...; prefixed 'section-' where it would hit a page id."""
    base = base or "section"
    n = 1
    while True:
        candidate = base if n == 1 else f"{base}-{n}"
        if is_reserved(candidate):
            candidate = f"section-{candidate}"
        if candidate not in used:
            used.add(candidate)
            return candidate
        n += 1


def number_heading(tok: Token, session: Session) -> None:
    """Hook: shift the level under the page's h1, give an id, remember it for the contents."""
    attrs = tok["attrs"]
    level = min(attrs["level"] + session.heading_shift, 6)
    attrs["level"] = level
    attrs["id"] = unique_id(slugify(plain_text(tok["children"])), session.used_ids)
    if session.depth == 0 and not session.in_notes and level in TOC_LEVELS:
        session.headings.append(tok)


def number_paragraph(tok: Token, session: Session) -> None:
    """Hook: body paragraphs get p1, p2, ... so readers can cite and link a passage."""
    if _is_empty(tok["children"]):
        tok.clear()  # e.g. a paragraph that held only removed HTML: no <p>, no id
        tok["type"] = "blank_line"
        return
    if session.in_notes or tok.get("_no_id"):
        return
    pid = f"p{session.next_number('paragraph')}"
    tok["attrs"] = {"id": pid}
    session.paragraph_ids.append(pid)


def _is_empty(children: list[Token]) -> bool:
    return all(
        (c["type"] == "inline_html" and not c["raw"]) or (c["type"] == "text" and not c["raw"].strip())
        for c in children
    )


def heading_shift(tokens: list[Token]) -> int:
    """1 when the author used '#' (h1), which the page title already is; else 0."""
    return int(any(t["type"] == "heading" and t["attrs"]["level"] == 1 for t in tokens))


def render_paragraph(renderer: Any, text: str, id: str | None = None) -> str:
    return f'<p id="{id}">{text}</p>\n' if id else f"<p>{text}</p>\n"


def render_heading(renderer: Any, text: str, level: int, id: str = "", **_: Any) -> str:
    return f'<h{level} id="{id}">{text}</h{level}>\n'


def register(md: Any) -> None:
    add_hook(md, "heading", number_heading)
    add_hook(md, "paragraph", number_paragraph)
    set_render(md, "paragraph", render_paragraph)
    set_render(md, "heading", render_heading)
