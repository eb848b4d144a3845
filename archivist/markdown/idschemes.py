"""The ids other Markdown tools give headings (kramdown, GitHub, Pandoc), so links written for them still land.

An article moved from Jekyll, GitHub or Pandoc links its own sections by the ids that tool made:
kramdown keeps ASCII only, GitHub keeps every space as a hyphen ('2 : x' is '2--x'), Pandoc drops
what precedes the first letter. Each scheme here follows its tool's documented rules, and numbers
repeated headings as that tool does ('-1', '-2'), so a fragment can be traced to the heading it meant.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Iterable

_LEADING_NON_ASCII_LETTERS = re.compile(r"^[^a-zA-Z]+")
_NOT_KRAMDOWN = re.compile(r"[^a-zA-Z0-9 -]")
# What typography made of the author's text: read back, since the other tools never saw it.
AS_TYPED = str.maketrans({"—": "---", "–": "--", "…": "...", "\u202f": None})


def kramdown_id(text: str) -> str:
    """kramdown's `auto_ids`: ASCII letters, digits, spaces and hyphens are kept, everything before the
    first letter goes, spaces become hyphens, all lower-cased; 'section' when nothing is left."""
    kept = _NOT_KRAMDOWN.sub("", _LEADING_NON_ASCII_LETTERS.sub("", text))
    return kept.replace(" ", "-").lower() or "section"


# The same rules over ASCII, where most headings are written: one pattern instead of a test per character.
_NOT_GITHUB_ASCII = re.compile(r"[^a-z0-9_ -]")
_NOT_PANDOC_ASCII = re.compile(r"[^a-z0-9_.\-" + re.escape("".join(chr(c) for c in range(128) if chr(c).isspace())) + "]")
_ASCII_LETTER = re.compile(r"[a-z]")


def github_id(text: str) -> str:
    """GitHub's (and kramdown's GFM parser's): lower-cased; letters, marks, digits, '_', '-' and spaces
    are kept and each space becomes a hyphen; every other character is removed."""
    lowered = text.lower()
    if lowered.isascii():
        return _NOT_GITHUB_ASCII.sub("", lowered).replace(" ", "-")
    return "".join("-" if ch == " " else ch for ch in lowered if ch in " -" or _word_character(ch))


def _word_character(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in "LM" or category in ("Nd", "Nl", "Pc")


def pandoc_id(text: str) -> str:
    """Pandoc's `auto_identifiers`: letters, digits, '_', '-' and '.' are kept, runs of spaces become one
    hyphen, all lower-cased, everything before the first letter goes; 'section' when nothing is left."""
    lowered = text.lower()
    if lowered.isascii():
        joined = "-".join(_NOT_PANDOC_ASCII.sub("", lowered).split())
        letter = _ASCII_LETTER.search(joined)
        return joined[letter.start():] if letter else "section"
    kept = "".join(ch for ch in lowered if ch.isspace() or ch.isalnum() or ch in "_-.")
    joined = "-".join(kept.split())
    first = next((i for i, ch in enumerate(joined) if ch.isalpha()), len(joined))
    return joined[first:] or "section"


class _Numbering:
    """One tool's ids for a run of headings: a repeated id gets '-1', '-2', ... as that tool adds them."""

    def __init__(self, scheme: Callable[[str], str], skip_taken: bool):
        self.scheme, self.skip_taken = scheme, skip_taken
        self.counts: dict[str, int] = {}

    def next(self, text: str) -> str:
        base = self.scheme(text)
        if base not in self.counts:
            self.counts[base] = 0
            return base
        while True:
            # kramdown counts per base id; GitHub and Pandoc also step over an id a heading took outright.
            self.counts[base] += 1
            candidate = f"{base}-{self.counts[base]}"
            if not (self.skip_taken and candidate in self.counts):
                break
        self.counts.setdefault(candidate, 0)
        return candidate


def _schemes() -> list[_Numbering]:
    return [_Numbering(kramdown_id, skip_taken=False), _Numbering(github_id, skip_taken=True),
            _Numbering(pandoc_id, skip_taken=True)]


def heading_aliases(headings: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each id another tool would have given one of these (text, id) headings -> the heading's id here.

    Each tool numbers the headings it names, in order, from the text as the author typed it; the text
    as typography set it is tried too, since an author may type an en dash. Earlier headings and
    kramdown, then GitHub, then Pandoc win when two ids coincide."""
    aliases: dict[str, str] = {}
    runs = [(_schemes(), False), (_schemes(), True)]
    for text, own in headings:
        for schemes, as_typed in runs:
            source = text.translate(AS_TYPED) if as_typed else text
            for numbering in schemes:
                candidate = numbering.next(source)
                if candidate:
                    aliases.setdefault(candidate, own)
    return aliases
