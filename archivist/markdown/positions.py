"""Source lines from the parse: every block token, and each inline token a check may report on, carries `_line`.

mistune's tokens hold no positions, and searching the source for a token's text finds the
wrong copy when the text occurs twice or inside a code block. So the parsers here record,
as they go, the file line at which each token starts: a block state knows the file line of
its first source line, and the states mistune makes for the inside of a quote, a list item
or a figure are told theirs, since their lines map one to one onto the lines of the file.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any, Callable, Iterable, Match

from mistune import BlockParser, InlineParser
from mistune.core import BlockState, InlineState
from mistune.plugins.def_list import _collect_definitions  # pure: where each definition's text runs

Token = dict[str, Any]
# env key: (file line of the body's first line, the body's lines), for the column of an inline token.
SOURCE_LINES = "archivist_source_lines"

# A list item whose marker line holds nothing else starts its content on the next line.
_EMPTY_ITEM = re.compile(r" {0,3}(?:[*+-]|\d{1,9}[.)])[ \t]*(?:\n|$)")


class _Lines:
    """The newline offsets of one source text, found once, for position -> line."""

    def __init__(self) -> None:
        self._src: str | None = None
        self._newlines: list[int] = []

    def count_before(self, src: str, pos: int) -> int:
        if src is not self._src:
            self._src = src
            self._newlines = [m.start() for m in re.finditer("\n", src)]
        return bisect_left(self._newlines, pos)


class StartLine:
    """A block quote, a figure or any other rule: what it holds starts on the rule's own first line."""

    def __init__(self, state: "LineState", start: int):
        self.line = state.line_at(start)

    def child_line(self, state: "LineState") -> int:
        return self.line


class ListItems:
    """Each item's content starts on its marker line (or the next, when that line holds only the marker).

    mistune asks for an item's state after reading its lines, by when the parent's cursor
    stands just past the next item's marker line; that line is where the next item starts.
    """

    def __init__(self, state: "LineState", start: int):
        self.start = start
        self.lines: list[int] = []

    def child_line(self, state: "LineState") -> int:
        line = state.line_at(self.start) + bool(_EMPTY_ITEM.match(state.src, self.start))
        self.lines.append(line)
        self.start = state.src.rfind("\n", 0, max(state.cursor - 1, 0)) + 1
        return line


# The one rule whose children do not all start where it matched; every other rule is a StartLine.
CONTAINERS: dict[str, Callable[["LineState", int], Any]] = {"list": ListItems}


class LineState(BlockState):
    """A block state that knows the file line of its first source line."""

    def __init__(self, parent: Any = None, line_base: int = 1):
        super().__init__(parent)
        self.line_base = line_base
        self.next_child_line: int | None = None  # set by a plugin that makes a child state itself
        self.open_rules: list[Any] = []  # the rules being parsed on this state, innermost last
        self._lines = _Lines()

    def line_at(self, pos: int) -> int:
        return self.line_base + self._lines.count_before(self.src, pos)

    def child_state(self, src: str, lazy_line_starts: Any = None) -> "LineState":
        child = super().child_state(src, lazy_line_starts)
        child.line_base = self._child_line()
        return child

    def _child_line(self) -> int:
        if self.next_child_line is not None:
            line, self.next_child_line = self.next_child_line, None
            return line
        if self.open_rules:
            return self.open_rules[-1].child_line(self)
        return self.line_at(self.cursor)

    def append_token(self, token: Token) -> None:
        # Outside a rule (mistune's fast path for indented code) the cursor is the token's start.
        if not self.open_rules:
            token.setdefault("_line", self.line_at(self.cursor))
        super().append_token(token)

    def add_paragraph(self, text: str) -> None:
        last = self.last_token()
        super().add_paragraph(text)
        if self.last_token() is not last:  # a new paragraph, starting at the cursor
            self.tokens[-1].setdefault("_line", self.line_at(self.cursor))


class LineBlockParser(BlockParser):
    """mistune's block parser, marking each token it makes with the line where its rule matched."""

    state_cls = LineState

    def parse_method(self, m: Match[str], state: BlockState) -> int | None:
        assert isinstance(state, LineState)
        start, before = m.start(), len(state.tokens)
        rule = CONTAINERS.get(m.lastgroup or "", StartLine)(state, start)
        state.open_rules.append(rule)
        try:
            end = super().parse_method(m, state)
        finally:
            state.open_rules.pop()
        # A quote or list that another block interrupted is inserted before that block, and a
        # definition list replaces the paragraph before it: look from a little earlier.
        for tok in state.tokens[max(before - 2, 0):]:
            if "_line" not in tok:
                tok["_line"] = state.line_at(start)
                _mark_parts(tok, rule)
        return end


def _mark_parts(tok: Token, rule: Any) -> None:
    """Lines of the parts mistune builds without a state: list items and table rows."""
    if tok["type"] == "list" and isinstance(rule, ListItems):
        for item, line in zip(tok["children"], rule.lines):
            item.setdefault("_line", line)
    elif tok["type"] == "table":
        head, body = tok["children"]
        head["_line"] = tok["_line"]
        for number, row in enumerate(body["children"]):
            row["_line"] = tok["_line"] + 2 + number  # after the header and the alignment row
        body["_line"] = body["children"][0]["_line"] if body["children"] else tok["_line"]
        for part in (head, *body["children"]):
            for cell in part["children"]:
                cell["_line"] = part["_line"]


def wrap_definition_lists(md: Any) -> None:
    """Give definition lists their lines: mistune parses each definition in a fresh state
    that knows nothing of where it stands, so the wrapper tells each one its first line."""
    block = md.block
    original = block._methods["def_list"]

    def parse(m: Match[str], state: LineState) -> int | None:
        head = _head_paragraph(state)
        if head is None:
            return original(m, state)
        texts, _ = _collect_definitions(state.src, state.cursor, state.cursor_max, False)
        starts = _running_lines(state.line_at(state.cursor), (text for text, _ in texts))
        saved = block.__dict__.get("state_cls")
        block.state_cls = lambda: LineState(line_base=next(starts, state.line_at(state.cursor)))
        try:
            end = original(m, state)
        finally:
            _restore_state_cls(block, saved)
        _mark_heads(state, head)
        return end

    block._methods["def_list"] = parse


def _head_paragraph(state: LineState) -> Token | None:
    tokens = state.tokens
    if tokens and tokens[-1]["type"] == "paragraph":
        return tokens[-1]
    if len(tokens) > 1 and tokens[-1]["type"] == "blank_line" and tokens[-2]["type"] == "paragraph":
        return tokens[-2]
    return None


def _running_lines(first: int, texts: Iterable[str]) -> Any:
    line = first
    for text in texts:
        yield line
        line += text.count("\n")


def _restore_state_cls(block: Any, saved: Any) -> None:
    if saved is None:
        del block.state_cls
    else:
        block.state_cls = saved


def _mark_heads(state: LineState, head: Token) -> None:
    """The list takes the line of the paragraph it replaced; each term is one of its lines."""
    if not state.tokens or state.tokens[-1]["type"] != "def_list":
        return
    dl = state.tokens[-1]
    dl.setdefault("_line", head.get("_line", state.line_base))
    term_line = head.get("_line", dl["_line"])
    for child in dl["children"]:
        if child["type"] == "def_list_head" and "_line" not in child:
            child["_line"] = term_line
            term_line += 1


class LineInlineState(InlineState):
    """An inline state that knows the file line of the first line of its text."""

    def __init__(self, env: Any):
        super().__init__(env)
        self.line_base = 1
        self._lines = _Lines()

    def line_at(self, pos: int) -> int:
        return self.line_base + self._lines.count_before(self.src, pos)

    def column_at(self, pos: int) -> int:
        """The 1-based file column of `pos`, or 1 when the text's line cannot be placed in the file.

        A block's inline text is its file lines less a prefix (indentation, '> ', a list marker)
        and sometimes a suffix (a heading's closing '#'s): the text's line is placed in its file
        line as that line's tail, else where it occurs once in it.
        """
        first, lines = self.env.get(SOURCE_LINES, (0, ()))
        start = self.src.rfind("\n", 0, pos) + 1
        end = self.src.find("\n", pos)
        piece = self.src[start:end if end >= 0 else len(self.src)].rstrip()
        index = self.line_at(pos) - first
        if not piece or not 0 <= index < len(lines):
            return 1
        line = lines[index].rstrip()
        if line.endswith(piece):
            return len(line) - len(piece) + pos - start + 1
        return line.find(piece) + pos - start + 1 if line.count(piece) == 1 else 1

    def copy(self) -> "LineInlineState":
        """A state for the same text, one level deeper (mistune's own use of copy)."""
        state = super().copy()
        assert isinstance(state, LineInlineState)
        state.line_base, state._lines = self.line_base, self._lines
        return state

    def inner(self, start: int, text: str) -> "LineInlineState":
        """A state, one level deeper, for `text`: the part of this text from `start` between two
        markers, with any escaped spaces already resolved (so on the same lines)."""
        state = self.copy()
        state.src, state.line_base, state._lines = text, self.line_at(start), _Lines()
        return state


class LineInlineParser(InlineParser):
    """mistune's inline parser, marking the tokens each rule makes with the line it matched on."""

    state_cls = LineInlineState

    def parse_method(self, m: Match[str], state: InlineState) -> int | None:
        assert isinstance(state, LineInlineState)
        before = len(state.tokens)
        end = super().parse_method(m, state)
        # A closed link replaces the tokens since its '[' with one token: the last.
        line = state.line_at(m.start())
        for tok in state.tokens[max(min(before, len(state.tokens) - 1), 0):]:
            tok.setdefault("_line", line)
        return end

    def parse_text(self, text: str, env: Any, line: int) -> list[Token]:
        """Parse one block's inline text, which starts on file line `line`."""
        state = self.state_cls(env)
        assert isinstance(state, LineInlineState)
        state.src = text
        state.line_base = line
        return self.render(state)
