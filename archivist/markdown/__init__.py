"""Scholarly Markdown: footnotes, tables, math, figures, ids and typography, rendered safely."""

from .context import BodyContext
from .inline import inline_text, render_inline
from .pipeline import render_body

__all__ = ["BodyContext", "render_body", "render_inline", "inline_text"]
