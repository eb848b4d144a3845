"""Titles and other one-line fields: inline Markdown only, never links, HTML or notes."""

from __future__ import annotations

import threading

from mistune import InlineParser, Markdown
from mistune.core import BlockState
from mistune.plugins.formatting import subscript, superscript

from . import renderer
from .context import Token
from .sanitize import final_pass
from .text import plain_text
from .typography import smarten

# Emphasis, code and sub/superscript; '[x](y)' and '<b>' stay literal, escaped text.
TITLE_RULES = ("escape", "codespan", "emphasis", "superscript", "subscript", "softbreak")

_local = threading.local()


def _title_markdown() -> Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = Markdown(renderer=renderer.create_renderer(), inline=InlineParser())
        renderer.register(md)
        superscript(md)
        subscript(md)
        md.inline.rules = [rule for rule in md.inline.rules if rule in TITLE_RULES]
        _local.md = md
    return md


def _title_tokens(md: Markdown, source: str, lang: str) -> list[Token]:
    text = " ".join(source.split())
    tokens = md.inline(text, {}) if text else []
    smarten(tokens, lang)
    return tokens


def render_inline(source: str, lang: str) -> str:
    """A title as HTML without <p>: emphasis, code, sub/sup, typographic quotes."""
    md = _title_markdown()
    html = md.renderer.render_tokens(_title_tokens(md, source, lang), BlockState())
    return final_pass(html)


def inline_text(source: str, lang: str) -> str:
    """The same title as plain text, for <title> and meta tags."""
    return plain_text(_title_tokens(_title_markdown(), source, lang)).strip()
