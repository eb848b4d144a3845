"""Titles and other one-line fields: inline Markdown only, never links, HTML or notes."""

from __future__ import annotations

import threading

from mistune import Markdown
from mistune.core import BlockState

from . import renderer, scripts
from .context import MarkdownOptions, Token
from .positions import LineInlineParser
from .sanitize import final_pass
from .text import plain_text
from .typography import smarten

# Emphasis, code and sub/superscript; '[x](y)' and '<b>' stay literal, escaped text.
TITLE_RULES = ("escape", "codespan", "emphasis", "superscript", "subscript", "softbreak")

_local = threading.local()


def _title_markdown() -> Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = Markdown(renderer=renderer.create_renderer(), inline=LineInlineParser())
        renderer.register(md)
        scripts.register(md)
        md.inline.rules = [rule for rule in md.inline.rules if rule in TITLE_RULES]
        _local.md = md
    return md


def _title_tokens(md: Markdown, source: str, lang: str, options: MarkdownOptions) -> list[Token]:
    text = " ".join(source.split())
    tokens = md.inline(text, {scripts.OPTIONS: options}) if text else []
    smarten(tokens, lang)
    return tokens


def render_inline(source: str, lang: str, options: MarkdownOptions = MarkdownOptions()) -> str:
    """A title as HTML without <p>: emphasis, code, sub/sup (by the site's options), typographic quotes."""
    md = _title_markdown()
    html = md.renderer.render_tokens(_title_tokens(md, source, lang, options), BlockState())
    return final_pass(html)


def inline_text(source: str, lang: str, options: MarkdownOptions = MarkdownOptions()) -> str:
    """The same title as plain text, for <title> and meta tags."""
    return plain_text(_title_tokens(_title_markdown(), source, lang, options)).strip()
