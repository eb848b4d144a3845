"""Citations in Pandoc's syntax: `[@key]`, `[see @a, ch. 2; @b, pp. 4-7]`, `[-@key]`, and `@key` in a sentence.

The renderer only records each citation (a CitationUse: its works, locators, affixes, line, column,
the passage and the note it stands in) and leaves a placeholder in the HTML. What a citation reads
depends on every other citation of the article (disambiguation, "ibid.", numbering), so the cite
step formats them all at once with citeproc-js and puts the results in place (citations/references.py).

Citations are read only in an article that has a bibliography (its own, the site's, or `nocite`):
elsewhere `@name` and `[@name]` are text, as GitHub and kramdown show them.

In a note style (Chicago notes), a citation in running text becomes a footnote of its own, numbered
with the author's notes, as Pandoc makes it; a citation inside an author's note stays in that note.
"""

from __future__ import annotations

import re
from typing import Any, Match

from archivist.model import CitationUse, CiteItem

from .context import Session, Token, add_hook, set_render
from .crossrefs import is_crossref_key
from .footnotes import CITATION_NOTES, DEFINED

# Pandoc: a key starts with a letter, digit or '_' and may hold internal punctuation; or is braced.
_KEY = r"(?:\{[^{}\n]+\}|[\w](?:[\w:.#$%&\-+?<>~/]*[\w])?)"
BRACKETED = r"\[(?P<cite_body>[^\[\]]*?@[^\[\]]*)\](?![\(\[:])"
NARRATIVE = r"(?<![\w@\\])@(?P<cite_key>" + _KEY + r")(?:[ \t]?\[(?P<cite_locator>[^\[\]\n]*)\](?![\(\[:]))?"
_ONE = re.compile(r"^(?P<prefix>.*?)(?:(?<=[\s\[;])|^)(?P<minus>-?)@(?P<key>" + _KEY + r")(?P<suffix>.*)$", re.S)
_OPEN_BRACKET = re.compile(r"\[")
ENABLED = "archivist_citations"  # env key: True when the article has a bibliography
NOTE_STYLE = "archivist_note_style"  # env key: True when its style is a note style
USES = "archivist_citation_uses"
IN_NOTES = "archivist_in_note_text"  # env key: True while the notes' text is parsed
PLACEHOLDER = "\ue020{}\ue021"
PLACEHOLDER_PATTERN = re.compile("\ue020(cite-\\d+(?:-author)?)\ue021")

# CSL locator terms and the abbreviations Pandoc reads for them (English; longest first when matching).
LOCATOR_TERMS: dict[str, str] = {
    "book": "book", "bk.": "book", "bks.": "book", "chapter": "chapter", "chapters": "chapter", "chap.": "chapter",
    "chaps.": "chapter", "ch.": "chapter", "chs.": "chapter", "column": "column", "columns": "column", "col.": "column",
    "cols.": "column", "figure": "figure", "figures": "figure", "fig.": "figure", "figs.": "figure", "folio": "folio",
    "folios": "folio", "fol.": "folio", "fols.": "folio", "number": "number", "numbers": "number", "no.": "number",
    "nos.": "number", "line": "line", "lines": "line", "l.": "line", "ll.": "line", "note": "note", "notes": "note",
    "n.": "note", "nn.": "note", "opus": "opus", "opera": "opus", "op.": "opus", "opp.": "opus", "page": "page",
    "pages": "page", "p.": "page", "pp.": "page", "paragraph": "paragraph", "paragraphs": "paragraph",
    "para.": "paragraph", "paras.": "paragraph", "¶": "paragraph", "¶¶": "paragraph", "part": "part", "parts": "part",
    "pt.": "part", "pts.": "part", "section": "section", "sections": "section", "sec.": "section", "secs.": "section",
    "§": "section", "§§": "section", "sub verbo": "sub-verbo", "sub verbis": "sub-verbo", "s.v.": "sub-verbo",
    "s.vv.": "sub-verbo", "verse": "verse", "verses": "verse", "v.": "verse", "vv.": "verse", "volume": "volume",
    "volumes": "volume", "vol.": "volume", "vols.": "volume",
}
_TERM = "|".join(re.escape(term) for term in sorted(LOCATOR_TERMS, key=len, reverse=True))
# A locator: a term (or none, meaning pages) and a value of numbers, ranges and lists, or a braced value.
_LOCATOR = re.compile(
    r"^\s*,?\s*(?:(?P<term>" + _TERM + r")\s*)?(?:\{(?P<braced>[^{}]*)\}|(?P<value>[\dIVXLCDMivxlcdm]+(?:\.\d+)*[a-z]?"
    r"(?:\s*(?:[-–—,&]|and)\s*[\dIVXLCDMivxlcdm]+(?:\.\d+)*[a-z]?)*))(?P<rest>(?:[,;.\s].*)?)$", re.S)


def parse_bracketed(inline: Any, m: Match[str], state: Any) -> int | None:
    """Inline rule: `[see @a, p. 3; @b]`. Anything that is not a list of citations is left to
    the other rules (a link, a span, a footnote, text)."""
    if not state.env.get(ENABLED) or state.in_link:
        return _open_bracket(inline, m, state)
    parts = _split_cluster(m.group("cite_body"))
    items = [_item(part) for part in parts] if parts else []
    if not items or any(item is None for item in items):
        return _open_bracket(inline, m, state)
    _append(state, m, tuple(items), narrative=False)  # type: ignore[arg-type]
    return m.end()


def _open_bracket(inline: Any, m: Match[str], state: Any) -> int | None:
    """Not a citation: its '[' is read as the link rule reads one, so `[see @fig-a](url)` is a link and
    `[see @fig-a]{.mark}` a span (declining would make the '[' plain text before that rule sees it)."""
    return inline.parse_link(_OPEN_BRACKET.match(state.src, m.start()), state)


def parse_narrative(inline: Any, m: Match[str], state: Any) -> int | None:
    """Inline rule: `@key` in a sentence, or `@key [p. 33]`."""
    key = _bare(m.group("cite_key"))
    if not state.env.get(ENABLED) or state.in_link or is_crossref_key(key):
        return None
    locator, label, suffix = _locator(m.group("cite_locator") or "")
    if m.group("cite_locator") is not None and not (locator or suffix):
        return None
    _append(state, m, (CiteItem(key, locator, label, "", suffix),), narrative=True)
    return m.end()


def _split_cluster(body: str) -> list[str]:
    """The citations of a bracketed cluster, split on ';' outside braces."""
    parts, depth, start = [], 0, 0
    for n, char in enumerate(body):
        depth += char == "{"
        depth -= char == "}"
        if char == ";" and depth == 0:
            parts.append(body[start:n])
            start = n + 1
    parts.append(body[start:])
    return parts


def _item(part: str) -> CiteItem | None:
    found = _ONE.match(part.strip())
    if not found:
        return None
    key = _bare(found.group("key"))
    if is_crossref_key(key):
        return None
    locator, label, suffix = _locator(found.group("suffix"))
    return CiteItem(key, locator, label, found.group("prefix").strip(), suffix, bool(found.group("minus")))


def _bare(key: str) -> str:
    return key[1:-1].strip() if key.startswith("{") else key


def _locator(text: str) -> tuple[str, str, str]:
    """(locator, CSL label, suffix) from what follows a key: `, pp. 33-35, emphasis added`."""
    found = _LOCATOR.match(text)
    if not found:
        return "", "", _affix(text)
    value = found.group("braced") if found.group("braced") is not None else found.group("value")
    term = found.group("term")
    return value.strip(), LOCATOR_TERMS[term] if term else "page", _affix(found.group("rest"))


def _affix(text: str) -> str:
    """A suffix as citeproc-js joins it: Pandoc keeps the author's comma, a space after it."""
    text = text.rstrip()
    return text if not text.strip() else (text if text[0] in ",;." else " " + text.lstrip())


def _append(state: Any, m: Match[str], items: tuple[CiteItem, ...], narrative: bool) -> None:
    number = state.env[USES] = state.env.get(USES, 0) + 1
    column = state.column_at(m.start())
    citation = {"type": "citation", "attrs": {"id": f"cite-{number}", "items": items, "narrative": narrative,
                                              "column": column, "raw": m.group(0)}}
    if not state.env.get(NOTE_STYLE) or state.env.get(IN_NOTES):
        state.append_token(citation)
        return
    if narrative:  # the author's name stays in the sentence; the work goes to the note
        state.append_token({"type": "citation", "attrs": {**citation["attrs"], "id": f"cite-{number}-author",
                                                          "author_only": True}})
    _own_note(state, citation)




def _own_note(state: Any, citation: Token) -> None:
    """Make the citation a footnote of its own, numbered where it stands among the author's."""
    key = f"\x00{citation['attrs']['id']}"
    order: list[str] = state.env.setdefault("footnotes", [])
    indexes: dict[str, int] = state.env.setdefault("footnote_indexes", {})
    order.append(key)
    indexes[key] = len(order)
    citation["attrs"]["own_note"] = True
    state.env.setdefault(CITATION_NOTES, {})[key] = citation
    state.env.setdefault(DEFINED, {})[key] = ("", state.line_at(0))
    state.append_token({"type": "footnote_ref", "raw": key, "attrs": {"index": indexes[key]}})


def record(tok: Token, session: Session) -> None:
    """Hook: the citation, where it stands, in reading order."""
    attrs = tok["attrs"]
    note = session.current_note if session.in_notes else 0
    if attrs.get("own_note"):
        note = session.current_note
    session.citations.append(CitationUse(
        id=attrs["id"], items=attrs["items"], note=note, narrative=attrs["narrative"],
        in_own_note=bool(attrs.get("own_note")), line=session.line_of(tok), column=attrs["column"],
        passage=session.passage if not session.in_notes else session.note_passage,
        author_only=bool(attrs.get("author_only"))))


def in_reading_order(session: Session, body_count: int) -> tuple[CitationUse, ...]:
    """The citations as a reader meets them: a note's citations where its mark stands in the text
    (citeproc-js numbers works and decides "ibid." in this order), the body's first `body_count`."""
    body = [((n, 1, 0), use) for n, use in enumerate(session.citations[:body_count])]
    notes = [((session.note_positions.get(use.note, body_count), 0, n), use)
             for n, use in enumerate(session.citations[body_count:])]
    return tuple(use for _key, use in sorted(body + notes, key=lambda pair: pair[0]))


def unlink(tok: Token, session: Session) -> None:
    """Hook: link text is not a citation (`[see @here](url)`): what was read as one there is text again."""
    for n, child in enumerate(tok.get("children") or ()):
        if child["type"] == "citation":
            tok["children"][n] = {"type": "text", "raw": child["attrs"]["raw"]}


def render_citation(renderer: Any, **attrs: Any) -> str:
    return PLACEHOLDER.format(attrs["id"])


def register(md: Any) -> None:
    # Each rule names the characters its matches start with, as every other inline rule does: one rule
    # without them sends mistune back to searching the whole combined pattern at every position,
    # which made parsing a long article's text several times slower.
    md.inline.register("citation_cluster", BRACKETED, parse_bracketed, before="link", start_chars="[")
    md.inline.register("citation_narrative", NARRATIVE, parse_narrative, before="link", start_chars="@")
    add_hook(md, "citation", record)
    add_hook(md, "link", unlink)
    set_render(md, "citation", render_citation)
