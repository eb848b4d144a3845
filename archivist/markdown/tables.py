"""GFM tables, each in a labelled, focusable region that scrolls sideways on small screens."""

from __future__ import annotations

from typing import Any

from mistune.plugins.table import table, table_in_list, table_in_quote
from mistune.util import escape

from .context import Session, Token, add_hook, set_render


def number_table(tok: Token, session: Session) -> None:
    """Hook: 'Table N' names the scroll region for screen readers, in document order."""
    number = session.next_number("table")
    tok["attrs"] = {"label": f"{session.ctx.label('table')} {number}"}


def render_table(renderer: Any, text: str, label: str = "") -> str:
    # tabindex lets keyboard users scroll a table wider than the screen.
    return (
        f'<div class="table-wrap" role="region" tabindex="0" aria-label="{escape(label)}">\n'
        f"<table>\n{text}</table>\n</div>\n"
    )


def render_table_cell(renderer: Any, text: str, align: str | None = None, head: bool = False) -> str:
    tag = "th" if head else "td"
    # A class rather than style="text-align": the body carries no inline styles.
    cls = f' class="align-{align}"' if align else ""
    return f"<{tag}{cls}>{text}</{tag}>\n"


def register(md: Any) -> None:
    table(md)
    table_in_quote(md)
    table_in_list(md)
    add_hook(md, "table", number_table)
    set_render(md, "table", render_table)
    set_render(md, "table_cell", render_table_cell)
