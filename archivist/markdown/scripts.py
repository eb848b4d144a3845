"""Subscript `~x~`, superscript `^x^` and strikethrough `~~x~~`, without rewriting text that only looks like them.

Pandoc's rules: the text between the markers is not empty and holds no unescaped space or
line break (`P~a\\ cat~` is allowed, `a ~ b ~ c` is not), nor the marker itself, so `^^^`
stays as written; `~~x~~` is strikethrough, tried before subscript. Two rules go further,
because a converted archive is full of tildes and carets that are not markup:

- a marker inside a URL (`https://host/a~1~b`, link text that is a URL) is never applied;
- a word whose markers read as an identifier rather than a formula is kept as written and
  reported (`body.ambiguous-script`): one where a `~x~` or `^x^` is directly followed by a
  digit (`RUMSEY~8~1~2505~310017`, `PROGRA~1\\MICROS~1`), or one with an odd number of
  single markers (`a~b~c~d`), whose pairing would be a guess.

Formulas (`H~2~O`, `C~6~H~12~O~6~`, `x^2^`, `4^th^`, `10^-3^`) are applied. A word is a run
of characters between spaces and brackets. A site may switch either marker off (settings
`markdown_subscript`, `markdown_superscript`); then `~` or `^` is always literal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Match

from .context import MarkdownOptions, Session, Token, add_hook, set_render
from .positions import LineInlineState

OPTIONS = "archivist_options"  # env key: the site's MarkdownOptions
SUBSCRIPT_PATTERN = r"~(?:\\[^\n]|[^\s~\\\[\]])+~"
SUPERSCRIPT_PATTERN = r"\^(?:\\[^\n]|[^\s^\\\[\]])+\^"
STRIKETHROUGH_PATTERN = r"~~(?=[^\s~])"
_PATTERNS = {"~": re.compile(SUBSCRIPT_PATTERN), "^": re.compile(SUPERSCRIPT_PATTERN)}
_SPACE = frozenset(" \t\n\r\f\v")
_WORD_BOUNDARY = _SPACE | frozenset("[](){}<>")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://\S*|www\.\S*")


@dataclass
class Word:
    """One word of the inline text, judged once however many markers it holds."""

    start: int
    end: int
    text: str
    urls: list[tuple[int, int]]
    doubtful: dict[str, bool] = field(default_factory=dict)
    reported: set[str] = field(default_factory=set)

    def in_url(self, start: int, end: int) -> bool:
        return any(u_start < end and start < u_end for u_start, u_end in self.urls)

    def is_doubtful(self, marker: str) -> bool:
        if marker not in self.doubtful:
            self.doubtful[marker] = _reads_as_identifier(self.text, marker)
        return self.doubtful[marker]


def _reads_as_identifier(word: str, marker: str) -> bool:
    if _single_markers(word, marker) % 2:
        return True
    return any(m.end() < len(word) and word[m.end()].isdigit() for m in _PATTERNS[marker].finditer(word))


def _single_markers(word: str, marker: str) -> int:
    """Unescaped markers not next to another marker ('~~' belongs to strikethrough)."""
    count, i = 0, 0
    while i < len(word):
        if word[i] == "\\":
            i += 2
            continue
        if word[i] == marker and word[i - 1:i] != marker and word[i + 1:i + 2] != marker:
            count += 1
        i += 1
    return count


def word_at(state: LineInlineState, pos: int) -> Word:
    """The word holding `pos`; the last one found is kept, since the parser reads left to right."""
    last = getattr(state, "_script_word", None)
    if last is not None and last.start <= pos < last.end:
        return last
    start, end = _span(state.src, pos, _WORD_BOUNDARY)
    word = Word(start, end, state.src[start:end], _urls_around(state, pos))
    state._script_word = word  # type: ignore[attr-defined]
    return word


def _urls_around(state: LineInlineState, pos: int) -> list[tuple[int, int]]:
    """URLs in the space-delimited run holding `pos` (a URL may hold brackets), kept like the word."""
    last = getattr(state, "_script_chunk", None)
    if last is None or not last[0] <= pos < last[1]:
        start, end = _span(state.src, pos, _SPACE)
        urls = [(start + m.start(), start + m.end()) for m in _URL.finditer(state.src[start:end])]
        last = state._script_chunk = (start, end, urls)  # type: ignore[attr-defined]
    return last[2]


def _span(src: str, pos: int, boundary: frozenset[str]) -> tuple[int, int]:
    start = pos
    while start > 0 and not _is_boundary(src, start - 1, boundary):
        start -= 1
    end = pos
    while end < len(src) and not _is_boundary(src, end, boundary):
        end += 1
    return start, end


def _is_boundary(src: str, i: int, boundary: frozenset[str]) -> bool:
    # An escaped space belongs to the word: Pandoc's 'P~a\ cat~'.
    return src[i] in boundary and not (src[i] == " " and i > 0 and src[i - 1] == "\\")


def parse_subscript(inline: Any, m: Match[str], state: LineInlineState) -> int | None:
    return _parse_script(inline, m, state, "subscript")


def parse_superscript(inline: Any, m: Match[str], state: LineInlineState) -> int | None:
    return _parse_script(inline, m, state, "superscript")


def _parse_script(inline: Any, m: Match[str], state: LineInlineState, kind: str) -> int | None:
    """Apply the marker, or return None so mistune keeps its first character as text."""
    options: MarkdownOptions = state.env.get(OPTIONS) or MarkdownOptions()
    if not getattr(options, kind) or state.depth >= inline.max_nested_level:
        return None
    word = word_at(state, m.start())
    if word.in_url(m.start(), m.end()):
        return None
    marker = m.group(0)[0]
    if word.is_doubtful(marker):
        return _keep(word, marker, kind, m, state)
    nested = state.inner(m.start() + 1, m.group(0)[1:-1].replace("\\ ", " "))
    state.append_token({"type": kind, "children": inline.render(nested)})
    return m.end()


def _keep(word: Word, marker: str, kind: str, m: Match[str], state: LineInlineState) -> int | None:
    """A doubtful word stays as written; its first marker carries the warning."""
    if marker in word.reported:
        return None
    word.reported.add(marker)
    text = {"type": "text", "raw": marker, "_emphasis": False}
    shown = word.text.rstrip(".,;:!?")  # the sentence's punctuation is not part of the word
    state.append_token({"type": "kept_script", "children": [text], "attrs": {"word": shown, "kind": kind},
                        "_line": state.line_at(m.start())})
    return m.start() + 1


def parse_strikethrough(inline: Any, m: Match[str], state: LineInlineState) -> int | None:
    if state.depth >= inline.max_nested_level:
        return None
    close = state.delimiters.find("~~", m.end(), formatting=True)
    if close is None:
        return None
    nested = state.inner(m.end(), state.src[m.end():close])
    state.append_token({"type": "strikethrough", "children": inline.render(nested)})
    return close + 2


def report_kept(tok: Token, session: Session) -> None:
    """Hook: say why a marker was left alone, and how to decide."""
    attrs = tok["attrs"]
    marker = tok["children"][0]["raw"]
    tag = "sub" if attrs["kind"] == "subscript" else "sup"
    session.warning(
        "body.ambiguous-script",
        f"'{attrs['word']}' is kept as written: its {marker}…{marker} reads as part of an identifier, not a "
        f"{attrs['kind']}; write <{tag}>…</{tag}> for a {attrs['kind']}, or \\{marker} to keep it without this warning",
        session.line_of(tok),
    )


def _render_tag(name: str) -> Any:
    return lambda renderer, text: f"<{name}>{text}</{name}>"


def render_kept(renderer: Any, text: str, word: str = "", kind: str = "") -> str:
    return text


def register(md: Any) -> None:
    md.inline.register("strikethrough", STRIKETHROUGH_PATTERN, parse_strikethrough, before="link", start_chars="~")
    md.inline.register("superscript", SUPERSCRIPT_PATTERN, parse_superscript, before="linebreak", start_chars="^")
    md.inline.register("subscript", SUBSCRIPT_PATTERN, parse_subscript, before="linebreak", start_chars="~")
    add_hook(md, "kept_script", report_kept)
    for kind, tag in (("subscript", "sub"), ("superscript", "sup"), ("strikethrough", "del")):
        set_render(md, kind, _render_tag(tag))
    set_render(md, "kept_script", render_kept)
