"""Pygments at build time: find a lexer for a fence's language and colour code line by line.

The HTML is our own, not Pygments' HtmlFormatter: each token becomes a span with one of a
small set of classes (Pygments' own short names, so its themes still fit), everything else
stays plain text, and the result comes as a list of lines so line numbers and marked lines
can wrap whole lines. Spans never cross a line end.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Iterable

from pygments.lexer import Lexer
from pygments.lexers import get_all_lexers, get_lexer_by_name
from pygments.token import Comment, Generic, Keyword, Name, Number, Operator, String, _TokenType
from pygments.util import ClassNotFound

# Names that ask for no highlighting at all: plain text, program output, tabular data.
PLAIN_NAMES = frozenset({"text", "txt", "plain", "plaintext", "none", "nohighlight", "output", "csv", "tsv"})
# Shown to screen readers in the block's name where Pygments' own name would mislead.
DISPLAY_NAMES = {"r": "R", "s": "S", "splus": "S-PLUS"}

# The token types that get a colour; a subtype takes the class of its nearest listed parent.
CLASSES: dict[_TokenType, str] = {
    Comment: "c", Comment.Preproc: "cp", Comment.PreprocFile: "cp",
    Keyword: "k", Keyword.Constant: "kc", Keyword.Type: "kt",
    Name.Builtin: "nb", Name.Builtin.Pseudo: "bp", Name.Function: "nf", Name.Class: "nc",
    Name.Decorator: "nd", Name.Exception: "ne", Name.Tag: "nt", Name.Attribute: "na",
    Name.Variable: "nv", Name.Constant: "no", Name.Entity: "ni", Name.Namespace: "nn", Name.Label: "nl",
    String: "s", String.Escape: "se", String.Interpol: "si", String.Regex: "sr", String.Symbol: "ss",
    String.Doc: "sd", Number: "m", Operator.Word: "ow",
    Generic.Prompt: "gp", Generic.Output: "go", Generic.Deleted: "gd", Generic.Inserted: "gi",
    Generic.Heading: "gh", Generic.Subheading: "gu", Generic.Emph: "ge", Generic.Strong: "gs",
    Generic.Traceback: "gt", Generic.Error: "gr",
}


@lru_cache(maxsize=None)
def lexer_for(language: str) -> Lexer | None:
    """The lexer for a language name or alias (case-insensitive); None for plain text or unknown.

    stripnl=False keeps leading blank lines, so numbered and marked lines stay where the
    author counted them.
    """
    if not language or language.lower() in PLAIN_NAMES:
        return None
    try:
        return get_lexer_by_name(language.lower(), stripnl=False, ensurenl=True)
    except ClassNotFound:
        return None


def is_plain(language: str) -> bool:
    return not language or language.lower() in PLAIN_NAMES


def display_name(language: str, lexer: Lexer) -> str:
    return DISPLAY_NAMES.get(language.lower(), lexer.name)


@lru_cache(maxsize=1)
def known_names() -> tuple[str, ...]:
    """Every alias Pygments knows, for did-you-mean suggestions."""
    names = {alias for _name, aliases, _files, _mimes in get_all_lexers() for alias in aliases}
    return tuple(sorted(names | PLAIN_NAMES))


@lru_cache(maxsize=4096)
def css_class(ttype: _TokenType) -> str:
    """The class of a token type: its own or its nearest listed parent's; '' for none."""
    while ttype is not None:
        if ttype in CLASSES:
            return CLASSES[ttype]
        ttype = ttype.parent
    return ""


def highlight_lines(code: str, lexer: Lexer) -> list[str]:
    """The code as HTML lines (without their line ends), one per source line."""
    lines: list[list[str]] = [[]]
    for cls, text in _merged(lexer.get_tokens(code)):
        parts = text.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append([])
            if part:
                html = escape(part, quote=False)
                lines[-1].append(f'<span class="{cls}">{html}</span>' if cls else html)
    if lines and not lines[-1]:
        lines.pop()  # the text ended with a line end (ensurenl)
    return ["".join(line) for line in lines]


def plain_lines(code: str) -> list[str]:
    """Unhighlighted code as escaped HTML lines, split like highlight_lines."""
    lines = code.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [escape(line, quote=False) for line in lines]


def _merged(tokens: Iterable[tuple[_TokenType, str]]) -> Iterable[tuple[str, str]]:
    """Neighbouring tokens of the same class as one run, so the HTML has fewer spans."""
    current, buffer = "", []
    for ttype, text in tokens:
        cls = css_class(ttype)
        if cls != current and buffer:
            yield current, "".join(buffer)
            buffer = []
        current = cls
        buffer.append(text)
    if buffer:
        yield current, "".join(buffer)
