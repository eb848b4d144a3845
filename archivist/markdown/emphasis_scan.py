"""Faster paths through mistune 3.4.0's emphasis, with the same results.

mistune 3.4.0 finds the next `*` or `_` in a run of text by stepping through it one character at a
time in Python (`mistune._inline.emphasis._next_delimiter_run`). Every paragraph with emphasis is
scanned so, and on long articles it was the largest single cost of rendering Markdown: about a
tenth of it. A compiled regular expression finds the same position.

Once the markers are found, mistune runs the full CommonMark delimiter algorithm on every inline
run that holds one: a token per piece of text, a record per marker, an index over them. Most runs
that hold markers at all hold exactly two single ones around a word or phrase (`*sic*`, `_et al._`),
and for those the algorithm's answer is known in advance: `single_pair` makes that answer directly.
A run without markers (half of them) is answered as mistune answers it, and every other run goes to
mistune.

Only the version this was measured against is changed; any other keeps its own code (the dependency
is pinned, and tests compare both paths with mistune's on arbitrary input)."""

from __future__ import annotations

import re
from typing import Any

import mistune
from mistune import inline_parser
from mistune._inline import emphasis
from mistune.core import token_depth

MEASURED_VERSION = "3.4.0"
_MARKER = re.compile(r"[*_]")
Token = dict[str, Any]


def next_delimiter_run(text: str, pos: int) -> int:
    """The position of the first `*` or `_` at or after `pos`, or the text's length when none is."""
    found = _MARKER.search(text, pos)
    return found.start() if found is not None else max(pos, len(text))


def finalize_emphasis_tokens(tokens: list[Token], enabled: bool, max_depth: int) -> list[Token]:
    """mistune's `finalize_emphasis_tokens`, answered directly for a run without markers or with one
    pair of single markers; any other run goes to mistune's own."""
    if not enabled:
        return ORIGINAL_FINALIZE(tokens, enabled, max_depth)  # type: ignore[misc]
    run = emphasis._coalesce_emphasis_text(tokens) if len(tokens) > 1 else tokens
    holder, first, second = _the_two_markers(run)
    if holder is None:
        return [emphasis._clean_emphasis_token(token) for token in run]  # no marker: mistune's first answer
    found = _paired(run, holder, first, second, max_depth) if first >= 0 else None
    return found if found is not None else ORIGINAL_FINALIZE(tokens, enabled, max_depth)  # type: ignore[misc]


def single_pair(tokens: list[Token], max_depth: int) -> list[Token] | None:
    """The tokens with `*x*` or `_x_` made emphasis, when the run holds just those two markers, in one
    text token, and they pair; else None (mistune decides)."""
    run = emphasis._coalesce_emphasis_text(tokens) if len(tokens) > 1 else tokens
    holder, first, second = _the_two_markers(run)
    return _paired(run, holder, first, second, max_depth) if holder is not None and first >= 0 else None


def _paired(tokens: list[Token], holder: int, first: int, second: int, max_depth: int) -> list[Token] | None:
    """Every step mirrors what mistune does with such a run (already coalesced): the same flanking
    tests, depth limit and merging of the text before and after."""
    raw: str = tokens[holder]["raw"]
    marker = raw[first]
    source = emphasis._emphasis_source_text(tokens)
    offset = sum(emphasis._emphasis_source_length(token) for token in tokens[:holder])
    if not (emphasis._can_open_emphasis(source, offset + first, 1, marker)
            and emphasis._can_close_emphasis(source, offset + second, 1, marker)):
        return None
    children = [{"type": "text", "raw": raw[first + 1:second]}]
    if max_depth > 0 and token_depth(children) >= max_depth:
        return None
    parts = [_part(token) for token in tokens[:holder]]
    parts += [{"type": "text", "raw": raw[:first]}, {"type": "emphasis", "children": children},
              {"type": "text", "raw": raw[second + 1:]}]
    parts += [_part(token) for token in tokens[holder + 1:]]
    return emphasis._merge_text_tokens(parts)


def _the_two_markers(tokens: list[Token]) -> tuple[int | None, int, int]:
    """(None, 0, 0) when no text token whose emphasis is on holds a marker; (index of the token, first,
    second) when the run's only markers are two equal single ones, apart, in that one token; else
    (index, -1, -1): markers mistune must pair."""
    holder = None
    for index, token in enumerate(tokens):
        if token["type"] != "text" or not token.get("_emphasis", True):
            continue
        raw = token["raw"]
        if "*" in raw or "_" in raw:
            if holder is not None:
                return index, -1, -1
            holder = index
    if holder is None:
        return None, 0, 0
    raw = tokens[holder]["raw"]
    first = next_delimiter_run(raw, 0)
    second = next_delimiter_run(raw, first + 1)
    if second >= len(raw) or raw[second] != raw[first] or second == first + 1:
        return holder, -1, -1
    if next_delimiter_run(raw, second + 1) < len(raw):
        return holder, -1, -1
    return holder, first, second


def _part(token: Token) -> Token:
    """What mistune's split makes of a token outside the pair: text anew (without its flags), the rest cleaned."""
    if token["type"] == "text" and token.get("_emphasis", True):
        return {"type": "text", "raw": token["raw"]}
    return emphasis._clean_emphasis_token(token)


def install() -> bool:
    """Use the faster paths where they are known to agree; True when they are in use."""
    if (mistune.__version__ != MEASURED_VERSION or not callable(getattr(emphasis, "_next_delimiter_run", None))
            or getattr(inline_parser, "finalize_emphasis_tokens", None) is not ORIGINAL_FINALIZE):
        return False
    emphasis._next_delimiter_run = next_delimiter_run
    inline_parser.finalize_emphasis_tokens = finalize_emphasis_tokens
    return True


ORIGINAL = getattr(emphasis, "_next_delimiter_run", None)  # kept for the tests that compare the two
ORIGINAL_FINALIZE = getattr(emphasis, "finalize_emphasis_tokens", None)
INSTALLED = install()
