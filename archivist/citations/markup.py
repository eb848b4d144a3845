"""Converts Markdown and CSL rich text into the markup each citation format understands."""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

import mistune

# Markdown element -> the CSL rich-text tag citeproc-js understands. <code> keeps its case,
# so it becomes a nocase span; everything else is reduced to its text.
_HTML_TO_CSL = {
    "em": ('<i>', '</i>'),
    "i": ('<i>', '</i>'),
    "strong": ('<b>', '</b>'),
    "b": ('<b>', '</b>'),
    "sup": ('<sup>', '</sup>'),
    "sub": ('<sub>', '</sub>'),
    "code": ('<span class="nocase">', '</span>'),
}
_BLOCK_TAGS = {"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "tr"}
_CSL_TAG = re.compile(r'<(/?)(i|b|sup|sub|span)(?: class="nocase")?>')


@lru_cache(maxsize=1)
def _markdown() -> mistune.Markdown:
    return mistune.create_markdown(escape=True, plugins=["superscript", "subscript"])


class _Converter(HTMLParser):
    """Walks rendered HTML, keeping only the tags CSL rich text can express."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _HTML_TO_CSL:
            self.parts.append(_HTML_TO_CSL[tag][0])

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag in _HTML_TO_CSL:
            self.parts.append(_HTML_TO_CSL[tag][1])

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def result(self) -> str:
        return "".join(self.parts)


def _convert(html: str) -> str:
    converter = _Converter()
    converter.feed(html)
    converter.close()
    return converter.result()


def markdown_to_csl(text: str) -> str:
    """Inline Markdown ('On *Moby-Dick*') as CSL rich text ('On <i>Moby-Dick</i>')."""
    if not text:
        return ""
    html = _markdown()(text)
    return " ".join(_convert(html).split())


def csl_to_plain(rich: str) -> str:
    """CSL rich text without its tags, as formats without markup (RIS, meta tags) need."""
    return _CSL_TAG.sub("", rich)


_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_COMMANDS = {"i": r"\emph{", "b": r"\textbf{", "sup": r"\textsuperscript{", "sub": r"\textsubscript{", "span": "{"}


_LATEX_TABLE = str.maketrans(_LATEX_SPECIALS)
_BRACE_TOKEN = re.compile(r"\\.|[{}]", re.DOTALL)  # an escaped character, or a brace


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters; other Unicode stays as is (BibLaTeX reads UTF-8)."""
    return text.translate(_LATEX_TABLE)


def csl_to_latex(rich: str) -> str:
    """CSL rich text as LaTeX: <i> -> \\emph{}, nocase spans -> braces that keep case."""
    out: list[str] = []
    position = 0
    for match in _CSL_TAG.finditer(rich):
        out.append(latex_escape(rich[position:match.start()]))
        out.append("}" if match.group(1) else _LATEX_COMMANDS[match.group(2)])
        position = match.end()
    out.append(latex_escape(rich[position:]))
    return _balance("".join(out))


def _balance(latex: str) -> str:
    """Close braces a malformed rich text left open, so one entry cannot break a .bib file; a
    closing brace with none open is dropped, and an escaped one is text."""
    depth = 0
    kept: list[str] = []
    position = 0
    for match in _BRACE_TOKEN.finditer(latex):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            if depth == 0:
                kept.append(latex[position:match.start()])
                position = match.end()
                continue
            depth -= 1
    kept.append(latex[position:])
    return "".join(kept) + "}" * depth
