"""The base HTML renderer: mistune's, with escaping by construction and a few plain tags."""

from __future__ import annotations

from typing import Any

from mistune import HTMLRenderer
from mistune.util import escape, safe_entity

from .context import Session, Token, add_end_hook, add_hook, report_parse_warnings, set_render


def create_renderer() -> HTMLRenderer:
    """escape=False only because raw HTML never reaches it unsanitised (see rawhtml)."""
    return HTMLRenderer(escape=False)


def report_block_error(tok: Token, session: Session) -> None:
    """Hook: an unknown ```{name} directive is shown as code; tell the author why."""
    first = tok["raw"].strip().split("\n", 1)[0]
    session.warning("body.unknown-directive", f"unknown directive '{first[:40]}'; only {{figure}} is supported",
                    session.line_of(tok))


def render_text(renderer: Any, text: str) -> str:
    return safe_entity(text)


def render_block_error(renderer: Any, text: str) -> str:
    return f"<pre><code>{escape(text)}</code></pre>\n"


def render_linebreak(renderer: Any) -> str:
    return "<br>\n"


def render_thematic_break(renderer: Any) -> str:
    return "<hr>\n"


def register(md: Any) -> None:
    add_hook(md, "block_error", report_block_error)
    add_end_hook(md, report_parse_warnings)
    set_render(md, "text", render_text)
    set_render(md, "block_error", render_block_error)
    set_render(md, "linebreak", render_linebreak)
    set_render(md, "thematic_break", render_thematic_break)
