"""Scholarly Markdown: footnotes, tables, math, figures, ids and typography, rendered safely."""

from .context import BodyContext, MarkdownOptions
from .inline import inline_text, render_inline
from .pipeline import render_body

__all__ = ["BodyContext", "MarkdownOptions", "render_body", "render_inline", "inline_text"]
