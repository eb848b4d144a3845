"""Turns citeproc-js HTML into the small, safe HTML pages embed, and into plain text."""

from __future__ import annotations

import html
import re

import nh3

# Bump when the mapping changes, so cached results made with the old one are not reused.
SANITIZER_VERSION = "1"

# citeproc-js writes formatting as inline styles; pages style classes instead.
_STYLE_TO_CLASS = {
    "font-variant:small-caps;": "smallcaps",
    "font-style:normal;": "roman",
    "font-weight:normal;": "upright",
    "font-variant:normal;": "normal-variant",
    "text-decoration:underline;": "underline",
    "text-decoration:none;": "no-decoration",
    "baseline": "baseline",
}
_SPAN_STYLE = re.compile(r'<span style="([^"]*)">')
_DIV = re.compile(r'<div class="(csl-[a-z-]+)">')
_ENTRY = re.compile(r'^\s*<div class="csl-entry">(.*)</div>\s*$', re.S)
_ALLOWED_CLASSES = {"span": set(_STYLE_TO_CLASS.values()) | {
    "nocase", "csl-left-margin", "csl-right-inline", "csl-block", "csl-indent"}}


def _span_with_class(match: re.Match) -> str:
    name = _STYLE_TO_CLASS.get(match.group(1).replace(" ", ""))
    return f'<span class="{name}">' if name else "<span>"


def clean_html(engine_html: str) -> str:
    """Allow-listed HTML: i, b, sup, sub, classed spans and http(s) links, nothing else."""
    inner = _ENTRY.sub(r"\1", engine_html.strip())
    inner = inner.replace('</div><div class="csl-right-inline">', '</div> <div class="csl-right-inline">')
    inner = _DIV.sub(r'<span class="\1">', inner).replace("</div>", "</span>")
    inner = _SPAN_STYLE.sub(_span_with_class, inner)
    return nh3.clean(
        inner,
        tags={"i", "b", "sup", "sub", "span", "a"},
        attributes={"a": {"href"}},
        allowed_classes=_ALLOWED_CLASSES,
        url_schemes={"http", "https"},
        link_rel=None,
        strip_comments=True,
    ).strip()


def html_to_text(clean: str) -> str:
    """The visible text of cleaned HTML, entities decoded."""
    return html.unescape(nh3.clean(clean, tags=set())).strip()
