"""Tables, from GFM or raw HTML, each in a labelled, focusable region that scrolls sideways on small screens.

Pipe tables follow GFM: a body row with fewer cells than the header is filled with empty
cells, and one with more loses the extra cells, with a warning naming them (mistune instead
turned the whole table into a paragraph). Header and delimiter rows of different lengths make
no table in GFM (kramdown and Pandoc accept them): the lines stay a paragraph, as GFM has it,
and a warning on the header line says why.

A paragraph that starts with ':' (or 'Table:') directly after or before a pipe table, with at most
blank lines between, is the table's caption, as in Pandoc; it may end in a cross-reference
label, `: Prices in 1802 {#tbl-prices}` (crossrefs.py), which becomes the table's id; a table div,
`::: {#tbl-prices}`, gives the same (floats.py). A captioned table shows its number in its caption
("Table 2. Prices in 1802").
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any, Callable, Match

from mistune.plugins.table import (
    _parse_invalid_pipe_table,
    _process_thead,
    _split_table_cells,
    _strip_pipe_table_row,
    _strip_table_line,
    table,
    table_in_list,
    table_in_quote,
)
from mistune.util import escape

from .context import Session, Token, add_hook, add_list_hook, set_render, warn_while_parsing
from .crossrefs import claim_label, label_kind
from .idschemes import AS_TYPED

_DELIMITER_CELL = re.compile(r"\s*:?-+:?\s*")
# Pandoc's caption line: 'Table:' or ':' not followed by punctuation (so ':-)' and '::' are prose).
_CAPTION_START = re.compile(r"(?:[Tt]able:|:(?![^\w\s]))[ \t]*")
_CAPTION_LABEL = re.compile(r"\s*\{#(?P<label>[^\s{}]+)\}\s*$")


def parse_pipe_table(block: Any, m: Match[str], state: Any) -> int | None:
    """A table whose rows start and end with '|'."""
    return _parse_table(m, state, _strip_pipe_table_row, pipes=True)


def parse_nptable(block: Any, m: Match[str], state: Any) -> int | None:
    """A table whose rows need not start or end with '|'."""
    return _parse_table(m, state, _strip_table_line, pipes=False)


def _parse_table(m: Match[str], state: Any, strip: Callable[[str], str | None], pipes: bool) -> int | None:
    header = strip(m.group(0))
    pos = m.end()
    delimiter_line = state.get_line(pos)
    delimiter = strip(delimiter_line) if header is not None else None
    if delimiter is None:
        return None
    thead, aligns = _process_thead(header, delimiter)
    if thead is None:
        _explain_non_table(state, m.start(), header, delimiter_line, delimiter)
        return _parse_invalid_pipe_table(state, pos + len(delimiter_line)) if pipes else None
    pos += len(delimiter_line)
    rows = []
    while pos < state.cursor_max:
        line = state.get_line(pos)
        text = strip(line)
        if text is None:
            break
        rows.append(_row(text, aligns, state, pos))
        pos += len(line)
    state.append_token({"type": "table", "children": [thead, {"type": "table_body", "children": rows}]})
    return pos


def _row(text: str, aligns: list[str | None], state: Any, pos: int) -> Token:
    """GFM: missing cells are empty; extra cells are not shown, and the author is told which."""
    cells = _split_table_cells(text)
    extra = [cell for cell in cells[len(aligns):]]
    if extra:
        shown = ", ".join(f"'{cell[:30]}'" for cell in extra[:3]) + (", ..." if len(extra) > 3 else "")
        warn_while_parsing(state, "body.table-cells", f"this row has {len(cells)} cells but the table "
                           f"{len(aligns)} columns; the extra cells ({shown}) are not shown", state.line_at(pos))
    cells = cells[:len(aligns)] + [""] * (len(aligns) - len(cells))
    return {"type": "table_row", "children": [
        {"type": "table_cell", "text": cell, "attrs": {"align": align, "head": False}}
        for cell, align in zip(cells, aligns)]}


def _explain_non_table(state: Any, start: int, header: str, line: str, delimiter: str) -> None:
    """Warn when the second line is a delimiter row, so the author meant a table."""
    cells = _split_table_cells(delimiter)
    if "|" not in line or not all(_DELIMITER_CELL.fullmatch(cell) for cell in cells):
        return  # not a delimiter row (or a setext underline): ordinary text
    count = len(_split_table_cells(header))
    warn_while_parsing(state, "body.table-cells", f"not a table: the header row has {count} cells and the "
                       f"delimiter row {len(cells)}; a table needs as many in both, so these lines are shown as text",
                       state.line_at(start))


def attach_captions(tokens: list[Token], session: Session) -> None:
    """List hook: a ': Caption' paragraph beside a table becomes its caption (the one after it first)."""
    for index, tok in enumerate(tokens):
        if tok["type"] != "paragraph" or not _is_caption(tok):
            continue
        table = next((t for t in (_neighbour(tokens, index, -1), _neighbour(tokens, index, 1))
                      if t is not None and "_caption" not in t), None)
        if table is not None:
            table["_caption"] = _caption_of(tok)
            tokens[index] = {"type": "blank_line", "_line": tok.get("_line")}


def _is_caption(tok: Token) -> bool:
    first = tok["children"][0] if tok.get("children") else None
    return first is not None and first["type"] == "text" and _CAPTION_START.match(first["raw"]) is not None


def _neighbour(tokens: list[Token], index: int, step: int) -> Token | None:
    """The table just before (step -1) or after (+1) a paragraph, past blank lines only."""
    index += step
    while 0 <= index < len(tokens) and tokens[index]["type"] == "blank_line":
        index += step
    found = tokens[index] if 0 <= index < len(tokens) else None
    return found if found is not None and found["type"] == "table" else None


def strip_caption_start(text: str) -> str:
    """A caption's text without Pandoc's leading ':' or 'Table:'."""
    m = _CAPTION_START.match(text)
    return text[m.end():] if m else text


def _caption_of(tok: Token) -> Token:
    """The caption's inline tokens without the leading ':' and the closing '{#label}'."""
    children = tok["children"]
    children[0] = {**children[0], "raw": _CAPTION_START.sub("", children[0]["raw"], count=1)}
    label, last = "", children[-1]
    m = _CAPTION_LABEL.search(last["raw"]) if last["type"] == "text" else None
    if m:
        label = m.group("label").translate(AS_TYPED)
        children[-1] = {**last, "raw": last["raw"][:m.start()].rstrip()}
    return {"type": "table_caption", "children": children, "_inline": True, "_line": tok.get("_line"),
            "_label": label}


def number_table(tok: Token, session: Session) -> None:
    """Hook: 'Table N' names the scroll region for screen readers, in document order; a caption shows it."""
    number = session.next_number("table")
    label = f"{session.ctx.label('table')} {number}"
    tok["attrs"] = {"label": label, "number": number}
    caption = tok.pop("_caption", None)
    if caption is None:
        return
    caption["attrs"] = {"label": label}
    if not tok["children"] or tok["children"][0] is not caption:  # a table div's caption is in place already
        tok["children"].insert(0, caption)
    wanted, line = caption.pop("_label"), caption.pop("_label_line", None) or session.line_of(caption)
    if wanted and label_kind(wanted) != "table":
        session.warning("body.crossref", f"the table label '{wanted}' does not start with 'tbl-', so it is not "
                        "applied", line)
    elif wanted and claim_label(session, wanted, "table", tok["attrs"], line):
        tok["attrs"]["id"] = wanted


def table_label(session: Session) -> str:
    return f"{session.ctx.label('table')} {session.next_number('table')}"


def scroll_region(label: str, id: str = "") -> str:
    # tabindex lets keyboard users scroll a table wider than the screen.
    named = f' id="{escape(id)}"' if id else ""
    return f'<div class="table-wrap"{named} role="region" tabindex="0" aria-label="{escape(label)}">'


def render_table(renderer: Any, text: str, label: str = "", id: str = "", **_: Any) -> str:
    return f"{scroll_region(label, id)}\n<table>\n{text}</table>\n</div>\n"


def render_table_caption(renderer: Any, text: str, label: str = "") -> str:
    words = f" {text}" if text.strip() else ""  # a table div without a caption paragraph shows its number alone
    return f'<caption><span class="table-label">{escape(label)}.</span>{words}</caption>\n'



def render_table_cell(renderer: Any, text: str, align: str | None = None, head: bool = False) -> str:
    tag = "th" if head else "td"
    # A class rather than style="text-align": the body carries no inline styles.
    cls = f' class="align-{align}"' if align else ""
    return f"<{tag}{cls}>{text}</{tag}>\n"


class _OutermostTables(HTMLParser):
    """Finds where each outermost <table> of sanitised HTML starts and ends.

    A parse, not a pattern: attribute values may hold '<table>' as text (the serialiser escapes
    only '&' and '"' in them), and tables nest; a table inside another already scrolls with it.
    """

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self.html, self.depth, self.start = html, 0, 0
        self.spans: list[tuple[int, int]] = []
        self._line_starts = [0] + [i + 1 for i, ch in enumerate(html) if ch == "\n"]
        self.feed(html)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            if self.depth == 0:
                self.start = self._offset()
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            self.depth -= 1
            if self.depth == 0:
                end = self.html.index(">", self._offset()) + 1
                self.spans.append((self.start, end))


def wrap_raw_tables(html: str, session: Session) -> str:
    """Put every outermost table of sanitised author HTML in the same scroll region as a Markdown table.

    Only sanitised HTML comes here: the sanitiser has balanced the tags and dropped every attribute
    an author might use to fake a region, so each table found is a whole, unwrapped one.
    """
    if "<table" not in html:
        return html
    pieces, done = [], 0
    for start, end in _OutermostTables(html).spans:
        pieces += [html[done:start], scroll_region(table_label(session)), html[start:end], "</div>"]
        done = end
    return "".join(pieces) + html[done:]


def register(md: Any) -> None:
    table(md)
    md.block.register("table", None, parse_pipe_table)
    md.block.register("nptable", None, parse_nptable)
    table_in_quote(md)
    table_in_list(md)
    add_list_hook(md, attach_captions, needs=("table",))
    add_hook(md, "table", number_table)
    set_render(md, "table", render_table)
    set_render(md, "table_caption", render_table_caption)
    set_render(md, "table_cell", render_table_cell)
