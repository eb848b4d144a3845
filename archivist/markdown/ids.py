"""Stable ids: headings get Unicode slugs (or the id their author gives), body paragraphs p1, p2, ... in order."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .context import Session, Token, add_hook, set_render
from .crossrefs import claim_label, label_kind
from .idschemes import AS_TYPED
from .text import plain_text

# Ids an article page itself uses, around the body and in it (notes, passages, figures), and the
# names its scripts read from `window`, which an element's id would shadow: no heading or author id
# may take one.
PAGE_IDS = frozenset({
    "notes", "notes-title", "cite", "cite-title", "top", "main", "toc", "toc-details", "article-body",
    "article-abstract", "article-abstract-title", "article-keywords", "article-translations", "where-to-read",
    "where-to-read-title", "find-box-q", "find-box-status", "note-editor", "note-editor-text",
    "note-editor-title", "notes-panel", "notes-panel-title", "selection-hint", "passage-panel",
    "passage-panel-title", "print-citation-title", "reader-data", "reader-mark-descriptions", "related-title",
    "site-search-q", "ArchivistReader", "PagefindHighlight", "references", "references-title", "cited-by-title",
})
RESERVED_PATTERN = re.compile(
    r"p\d+|(?:fn|fnref|fig|tbl|eq|sec|fn-popover|notes-quote|note-desc|site-search|ref|cite-card)-.*"
    r"|(?:cite|cite-style|cite-text|affiliation|pinpoint|pinpoint-title)-\d+|cite-\d+-author"
)
TOC_LEVELS = (2, 3)
# An id an author may give in Markdown: a name, never markup or a selector's punctuation.
SAFE_ID = re.compile(r"[A-Za-z][\w-]*")
_HYPHENS = re.compile(r"-{2,}")
# Pandoc's and kramdown's header attributes closing a heading: '## Results {#results .unnumbered}'.
_ATTRIBUTES = re.compile(r"\s*\{((?:\s*(?:#[^\s{}#]+|\.[^\s{}.#]+|[A-Za-z_][\w.-]*=\S+|-))+)\s*\}\s*$")


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
    return candidate in PAGE_IDS or RESERVED_PATTERN.fullmatch(candidate) is not None


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
    if not session.in_notes:
        _check_level(attrs["level"], level, session, session.line_of(tok))
    attrs["level"] = level
    given = _take_attributes(tok["children"])
    text = plain_text(tok["children"])
    if given and _claim(given, tok, text.strip(), session):
        attrs["id"] = given
    else:
        attrs["id"] = unique_id(slugify(text), session.used_ids)
        if not session.in_notes:
            session.named_headings.append((text.strip(), attrs["id"]))
    if session.depth == 0 and not session.in_notes and level in TOC_LEVELS:
        session.headings.append(tok)


def _check_level(written: int, level: int, session: Session, line: int) -> None:
    """Warn when a heading skips a level ('####' under '##'): screen readers and the page's
    outline go by levels, and the page is left as written since only the author knows which
    level was meant. The page title is the level above the body's first."""
    previous = session.gathered.setdefault("heading-level", [1])
    if level > previous[0] + 1:
        above = "the title" if previous[0] == 1 else f"'{'#' * (previous[0] - session.heading_shift)}'"
        session.warning("body.heading-level", f"heading '{'#' * written}' follows {above} and skips a level;"
                        f" write '{'#' * (previous[0] + 1 - session.heading_shift)}' or fill the level between", line)
    previous[0] = level


def heading_words(children: list[Token]) -> str:
    """A heading's text as a title, without its closing attribute list ('References {-}' -> 'References')."""
    text = " ".join(plain_text(children).split())
    return _ATTRIBUTES.sub("", text).strip()


def _take_attributes(children: list[Token]) -> str:
    """Remove a closing '{#id .class key=value}' from a heading's text; return the id it gives, if any.

    Classes and other attributes are read and left out, as nothing of them reaches the page."""
    last = children[-1] if children else None
    if last is None or last["type"] != "text":
        return ""
    m = _ATTRIBUTES.search(last["raw"])
    if m is None:
        return ""
    last["raw"] = last["raw"][:m.start()]
    ids = [part[1:] for part in m.group(1).split() if part.startswith("#")]
    return ids[-1].translate(AS_TYPED) if ids else ""  # typography has set '--' in it as a dash


def _claim(given: str, tok: Token, text: str, session: Session) -> bool:
    """A `sec-` id is a cross-reference label (crossrefs.py); any other is an ordinary id."""
    if label_kind(given) == "section" and not session.in_notes:
        return claim_label(session, given, "section", tok["attrs"], session.line_of(tok), text)
    return claim_id(given, session, session.line_of(tok))


def claim_id(given: str, session: Session, line: int, column: int = 1) -> bool:
    """Take an id the author gave, unless the page already has it (around this text too) or uses it itself."""
    if given in session.used_ids or given in session.ctx.known_ids or is_reserved(given):
        session.warning("body.duplicate-id", f"id '{given}' is already used on this page; choose another", line,
                        column)
        return False
    session.used_ids.add(given)
    return True


def number_paragraph(tok: Token, session: Session) -> None:
    """Hook: body paragraphs get p1, p2, ... so readers can cite and link a passage."""
    if _is_empty(tok["children"]):
        tok.clear()  # e.g. a paragraph that held only removed HTML: no <p>, no id
        tok["type"] = "blank_line"
        return
    if session.in_notes or tok.get("_no_id"):
        return
    pid = f"p{session.next_number('paragraph')}"
    session.passage = pid
    tok["attrs"] = {"id": pid}
    session.paragraph_ids.append(pid)


def _is_empty(children: list[Token]) -> bool:
    """Nothing to show: removed HTML, raw content for another output format (spans.py), spaces."""
    return all(
        (c["type"] in ("inline_html", "omitted_raw") and not c["raw"])
        or (c["type"] == "text" and not c["raw"].strip())
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
