"""Raw HTML that holds Markdown: kramdown's `markdown` attribute, and elements that span blank lines.

Two ways authors put Markdown inside HTML:

- kramdown, PHP Markdown Extra and Pandoc read the content of an element with `markdown="1"`,
  `markdown="block"` or `markdown="span"` as Markdown (`<td markdown="span">**ἀ**ληθινῷ</td>`):
  as inline text for `span` (and for `1` on elements that hold text, such as `p`, `th`, `h2`),
  as blocks otherwise;
- CommonMark ends an HTML block at a blank line and reads what follows as Markdown, so
  `<div class="alert">`, a blank line, paragraphs, and `</div>` make a box of paragraphs, and
  `<details>` works the same way.

Each piece of author HTML is still sanitised, but together with the pieces it belongs to:
the pieces are joined with a marker where the Markdown goes, cleaned in one pass (so the
sanitiser sees the element whole and does not close it early), and split again at the
markers. The Markdown between them is rendered like any other, at the same level, so its
paragraphs get passage ids, its notes their numbers and its headings a place in the contents.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any, Match

from .context import Session, Token, add_hook, add_list_hook, set_render
from .rawhtml import sanitise_block

FRAGMENT = "html_fragment"
MARK, MARK_END = "\ue000", "\ue001"  # private-use characters: never in an author's HTML we split
_SPLIT = re.compile(MARK + "\n*" + MARK_END)
# Elements whose content kramdown reads as inline text when markdown="1" (its span model).
SPAN_MODEL = frozenset("p h1 h2 h3 h4 h5 h6 th dt caption summary legend a abbr b bdo cite del dfn em i ins q s "
                       "small span strong sub sup u".split())
VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
# Elements that hold blocks, whose start and end may stand in HTML blocks apart (CommonMark).
CONTAINERS = frozenset("div details blockquote figure section aside article header footer main nav".split())


class _MarkdownElements(HTMLParser):
    """The outermost elements of an HTML text with a markdown attribute, closed within it:
    (content start, content end, 'span' or 'block') for each, in order."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html, self.found = html, []  # type: tuple[str, list[tuple[int, int, str]]]
        self._starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self._open: tuple[str, int, str, int] | None = None  # tag, content start, mode, depth
        self.feed(html)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        if self._open:
            name, start, mode, depth = self._open
            self._open = (name, start, mode, depth + (tag == name))
            return
        value = (dict(attrs).get("markdown") or "").strip().lower()
        if value in ("1", "block", "span"):
            mode = "span" if value == "span" or (value == "1" and tag in SPAN_MODEL) else "block"
            text = self.get_starttag_text() or ""
            self._open = (tag, self._offset() + len(text), mode, 0)

    def handle_endtag(self, tag: str) -> None:
        if not self._open or tag != self._open[0]:
            return
        name, start, mode, depth = self._open
        if depth:
            self._open = (name, start, mode, depth - 1)
            return
        self.found.append((start, self._offset(), mode))
        self._open = None

    @property
    def unclosed(self) -> tuple[str, int] | None:
        """The element with a markdown attribute left open at the end, with its nesting depth."""
        return (self._open[0], self._open[3] + 1) if self._open else None


def parse_html_with_markdown(block: Any, previous: Any, m: Match[str], state: Any) -> int | None:
    """An HTML block rule, then: the content of each element with a markdown attribute is parsed
    as Markdown, and the block becomes HTML pieces with that Markdown between them."""
    count = len(state.tokens)
    end = previous(m, state)
    if end is None or len(state.tokens) != count + 1 or state.tokens[-1]["type"] != "block_html":
        return end
    raw = state.tokens[-1]["raw"]
    if "markdown" not in raw.lower() or MARK in raw or MARK_END in raw or state.depth() >= block.max_nested_level:
        return end
    scan = _MarkdownElements(raw)
    if scan.unclosed:  # kramdown reads the element to its end tag, past blank lines
        closing = _closing_line(state, end, *scan.unclosed)
        if closing is not None:
            end, raw = closing, state.src[m.start():closing]
            scan = _MarkdownElements(raw)
    if scan.found:
        state.tokens[-1:] = _split(block, state, raw, scan.found, state.line_at(m.start()))
    return end


def _closing_line(state: Any, pos: int, tag: str, depth: int) -> int | None:
    """The end of the line on which the open `tag` (nested `depth` deep) is closed, after `pos`."""
    for found in re.finditer(rf"<(/?){tag}\b[^>]*>", state.src[pos:state.cursor_max], re.I):
        depth += -1 if found.group(1) else (0 if found.group(0).endswith("/>") else 1)
        if not depth:
            after = pos + found.end()
            newline = state.src.find("\n", after, state.cursor_max)
            return state.cursor_max if newline < 0 else newline + 1
    return None


def _split(block: Any, state: Any, raw: str, elements: list[tuple[int, int, str]], line: int) -> list[Token]:
    pieces, pads, parts, starts = [], [], [], [0]
    for start, end, mode in elements:
        content, at = raw[start:end], line + raw.count("\n", 0, start)
        pieces.append(raw[starts[-1]:start])
        pads.append(content.count("\n"))
        parts.append(_span(content, at) if mode == "span" else _blocks(block, state, content, at))
        starts.append(end)
    pieces.append(raw[starts[-1]:])
    group = _group(pieces, pads, line)
    tokens: list[Token] = []
    for index, start in enumerate(starts):
        tokens.append(_fragment(group, index, line + raw.count("\n", 0, start)))
        tokens.extend(parts[index] if index < len(parts) else ())
    return tokens


def _span(content: str, line: int) -> list[Token]:
    text = content.strip()
    skipped = content[:len(content) - len(content.lstrip())].count("\n")
    return [{"type": "md_span", "text": text, "_line": line + skipped}] if text else []


def _blocks(block: Any, state: Any, content: str, line: int) -> list[Token]:
    state.next_child_line = line
    child = state.child_state(content)
    block.parse(child)
    return child.tokens


def _group(raws: list[str], pads: list[int], line: int) -> dict[str, Any]:
    """Pieces of author HTML cleaned together; `pads` keeps each piece on its file line."""
    return {"raws": raws, "pads": pads, "line": line, "cleaned": None}


def _fragment(group: dict[str, Any], index: int, line: int) -> Token:
    # 'raw' stays empty until the group is sanitised: nothing unsanitised can be rendered.
    return {"type": FRAGMENT, "raw": "", "_group": group, "_index": index, "_line": line}


def pair_containers(tokens: list[Token], session: Session) -> None:
    """List hook: an HTML block that leaves a container open (`<div class="alert">`) and a later
    one that closes it (`</div>`) become pieces of one element, with the blocks between inside."""
    if sum(tok["type"] == "block_html" for tok in tokens) < 2:
        return
    waiting: list[tuple[int, list[str]]] = []
    for index, tok in enumerate(tokens):
        if tok["type"] != "block_html":
            continue
        opened, closed = _unbalanced(tok["raw"])
        if closed and not opened and waiting and waiting[-1][1][::-1] == closed:
            first = waiting.pop()[0]
            _join(tokens, first, index, session)
        elif opened and not closed:
            waiting.append((index, opened))


def _join(tokens: list[Token], first: int, last: int, session: Session) -> None:
    opening, closing = tokens[first], tokens[last]
    line, end_line = session.line_of(opening), session.line_of(closing)
    pad = max(end_line - line - opening["raw"].count("\n"), 0)
    group = _group([opening["raw"], closing["raw"]], [pad], line)
    tokens[first], tokens[last] = _fragment(group, 0, line), _fragment(group, 1, end_line)


def _unbalanced(html: str) -> tuple[list[str], list[str]]:
    """The containers an HTML text leaves open, and those it closes that it did not open."""
    if MARK in html or MARK_END in html:
        return [], []
    scan = _Containers()
    scan.feed(html)
    scan.close()
    return scan.open, scan.closed


class _Containers(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.closed: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in CONTAINERS:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in CONTAINERS:
            return
        if tag in self.open:
            while self.open.pop() != tag:  # close what was opened inside it, as a browser does
                pass
        else:
            self.closed.append(tag)


def clean_fragment(tok: Token, session: Session) -> None:
    """Hook: sanitise the pieces of a group together (at its first piece), then take this one."""
    group = tok["_group"]
    if group["cleaned"] is None:
        group["cleaned"] = _clean_group(group, session)
    tok["raw"] = group["cleaned"][tok["_index"]]


def _clean_group(group: dict[str, Any], session: Session) -> list[str]:
    raws, pads = group["raws"], group["pads"]
    joined = raws[0] + "".join(MARK + "\n" * pad + MARK_END + raw for pad, raw in zip(pads, raws[1:]))
    pieces = _SPLIT.split(sanitise_block(joined, session, group["line"]))
    if len(pieces) != len(raws):  # the sanitiser moved a marker: keep the HTML whole, in the first piece
        pieces = [_SPLIT.sub("", "".join(pieces))] + [""] * (len(raws) - 1)
    return [piece.replace(MARK, "").replace(MARK_END, "") for piece in pieces]


def render_fragment(renderer: Any, text: str) -> str:
    return text


def register(md: Any) -> None:
    """Must follow rawhtml.register: the pieces are sanitised as its blocks are."""
    for name in ("raw_html", "block_html"):
        previous = md.block._methods[name]  # mistune keeps rules there; no public getter
        md.block.register(name, None, lambda block, m, state, previous=previous:
                          parse_html_with_markdown(block, previous, m, state))
    add_list_hook(md, pair_containers, needs=("block_html",))
    add_hook(md, FRAGMENT, clean_fragment)
    set_render(md, FRAGMENT, render_fragment)
    set_render(md, "md_span", render_fragment)
