"""Tables, from GFM or raw HTML, each in a labelled, focusable region that scrolls sideways on small screens."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from mistune.plugins.table import table, table_in_list, table_in_quote
from mistune.util import escape

from .context import Session, Token, add_hook, set_render


def number_table(tok: Token, session: Session) -> None:
    """Hook: 'Table N' names the scroll region for screen readers, in document order."""
    tok["attrs"] = {"label": table_label(session)}


def table_label(session: Session) -> str:
    return f"{session.ctx.label('table')} {session.next_number('table')}"


def scroll_region(label: str) -> str:
    # tabindex lets keyboard users scroll a table wider than the screen.
    return f'<div class="table-wrap" role="region" tabindex="0" aria-label="{escape(label)}">'


def render_table(renderer: Any, text: str, label: str = "") -> str:
    return f"{scroll_region(label)}\n<table>\n{text}</table>\n</div>\n"


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
    table_in_quote(md)
    table_in_list(md)
    add_hook(md, "table", number_table)
    set_render(md, "table", render_table)
    set_render(md, "table_cell", render_table_cell)
