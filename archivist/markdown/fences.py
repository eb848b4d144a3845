"""What a code fence's info string asks for: the language, line numbers and marked lines.

Authors bring code from other tools, so one reader understands the forms they write:

- CommonMark and kramdown: ```` ```python ```` or ``~~~ ruby``;
- R Markdown, Quarto and MyST chunks: ```` ```{r} ````, ```` ```{r, echo=FALSE} ````,
  ```` ```{r label, fig.width=5} ```` (the engine is the language; chunk options are not shown);
- Pandoc attributes: ```` ```{.python .numberLines startFrom="10"} ````, also after a bare
  language: ```` ```python {.numberLines} ````;
- Python-Markdown / MkDocs options after the language: ```` ```python linenums="10" hl_lines="2 4-5" ````.

Line numbers come from Pandoc's ``.numberLines`` / ``startFrom`` or MkDocs' ``linenums``, with
each tool's meaning of 0: Pandoc numbers from 0, MkDocs reads ``linenums="0"`` as "no numbers".
Marked lines come from ``hl_lines`` (the name MkDocs, Python-Markdown and Hugo share), counted
from the block's first line whatever number it shows; they are kept as ranges, so
``hl_lines="1-999999"`` costs two numbers, not a million. Numbers are ASCII digits only. Every other key, class or id is ignored: none
of them ever reaches the HTML, so an info string cannot add attributes to the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NUMBER_CLASSES = frozenset({"numberlines", "number-lines"})
START_KEYS = frozenset({"startfrom", "start-from", "linenums"})
OFF_KEYS = frozenset({"linenums"})  # MkDocs: linenums="0" turns a block's numbers off
MARK_KEYS = frozenset({"hl_lines", "hl-lines"})
MAX_LINE = 999_999  # a larger number is a mistake, not a listing

# One item of an attribute list: a quoted or bare key=value, or a word (.class, #id, label).
_ITEM_RE = re.compile(r"""\s*(?:([^\s=,{}"']+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s,{}]*))|([^\s,{}]+))\s*,?""")
_LANGUAGE_RE = re.compile(r"[A-Za-z0-9_+#.-]+")
_RANGE_RE = re.compile(r"([0-9]+)(?:-([0-9]+))?")
_NUMBER_RE = re.compile(r"[0-9]+")  # str.isdigit() also takes '²' and '١٢', which are no line numbers


@dataclass(frozen=True)
class FenceSpec:
    """A fence's requests, and what was wrong with them (messages for the author)."""

    language: str = ""
    numbered: bool = False
    start: int = 1  # the first line's number when numbered; 0 is a number too (Pandoc)
    marked: tuple[tuple[int, int], ...] = ()  # (first, last) ranges, as written
    chunk: bool = False  # an R Markdown / Quarto chunk, whose leading '#|' lines are options
    problems: tuple[str, ...] = field(default=())

    def marked_lines(self, count: int) -> frozenset[int]:
        """The marked lines of a block of `count` lines: ranges clipped to it and each line taken
        once, so the work and the set never exceed the block's own lines however ranges overlap."""
        lines: set[int] = set()
        reached = 0
        for first, last in sorted(self.marked):
            first, last = max(first, reached + 1), min(last, count)
            if first <= last:
                lines.update(range(first, last + 1))
                reached = last
        return frozenset(lines)

    def first_beyond(self, count: int) -> int | None:
        """The first marked line past a block of `count` lines, or None."""
        beyond = [max(first, count + 1) for first, last in self.marked if last > count]
        return min(beyond) if beyond else None


def parse_info(info: str | None) -> FenceSpec:
    """Read an info string in any of the forms above; never fails, only reports."""
    info = (info or "").strip()
    if info.startswith("{"):
        inner, _rest = _split_braces(info)
        return _from_items(_items(inner), braced=True)
    word, _, rest = info.partition(" ")
    rest = rest.strip()
    if rest.startswith("{"):
        rest = _split_braces(rest)[0]
    items = [("word", word.lstrip("."), "")] if word else []
    return _from_items(items + _items(rest), braced=False)


def _split_braces(text: str) -> tuple[str, str]:
    """The text inside the leading {...} (quotes may hold braces) and what follows it."""
    quote = ""
    for i, ch in enumerate(text[1:], start=1):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "}":
            return text[1:i], text[i + 1:]
    return text[1:], ""


def _items(text: str) -> list[tuple[str, str, str]]:
    """(kind, name, value) for each item: kind is 'word' or 'pair'."""
    items, pos = [], 0
    while pos < len(text):
        m = _ITEM_RE.match(text, pos)
        if not m or m.end() == pos:
            pos += 1  # a stray quote or brace: skip it
            continue
        pos = m.end()
        if m.group(5):
            items.append(("word", m.group(5), ""))
        elif m.group(1):
            value = next((g for g in m.group(2, 3, 4) if g is not None), "")
            items.append(("pair", m.group(1), value))
    return items


def _from_items(items: list[tuple[str, str, str]], braced: bool) -> FenceSpec:
    language, numbered, chunk = "", False, False
    start: int | None = None
    marked: tuple[tuple[int, int], ...] = ()
    problems: list[str] = []
    for index, (kind, name, value) in enumerate(items):
        if kind == "word" and name.lower().lstrip(".") in NUMBER_CLASSES:
            numbered = True
        elif kind == "word" and not language and _is_language_word(name, index, braced):
            language, chunk = name.lstrip("."), braced and not name.startswith(".")
        elif kind == "pair" and name.lower() in OFF_KEYS and value.strip() == "0":
            continue  # numbers off, which is already the default
        elif kind == "pair" and name.lower() in START_KEYS:
            start = _start_number(name, value, problems)
        elif kind == "pair" and name.lower() in MARK_KEYS:
            marked = parse_line_list(value, problems)
    if not _LANGUAGE_RE.fullmatch(language or "x"):
        language, chunk = "", False
    return FenceSpec(language, numbered or start is not None, start if start is not None else 1,
                     marked, chunk, tuple(problems))


def _is_language_word(name: str, index: int, braced: bool) -> bool:
    """Pandoc's first class is the language; in a chunk or a plain fence, the first word is."""
    if name.startswith("."):
        return len(name) > 1
    return index == 0 and not name.startswith("#")


def _start_number(name: str, value: str, problems: list[str]) -> int:
    value = value.strip()
    if value.lower() in {"true", "yes"}:
        return 1
    if _NUMBER_RE.fullmatch(value) and int(value) <= MAX_LINE:
        return int(value)
    problems.append(f"{name}=\"{value[:20]}\" is not a line number; lines are numbered from 1")
    return 1


def parse_line_list(value: str, problems: list[str]) -> tuple[tuple[int, int], ...]:
    """'2 4-5' or '2,4-5' as (first, last) ranges: ((2, 2), (4, 5)); a bad item is reported and skipped.
    Ranges are expanded only against a block's real length (FenceSpec.marked_lines)."""
    ranges: list[tuple[int, int]] = []
    for part in re.split(r"[\s,]+", value.strip()):
        m = _RANGE_RE.fullmatch(part)
        first, last = (int(m.group(1)), int(m.group(2) or m.group(1))) if m else (0, 0)
        if not m or first < 1 or last < first or last > MAX_LINE:
            if part:
                problems.append(f"hl_lines item '{part[:20]}' is not a line or a range such as 4-5")
            continue
        ranges.append((first, last))
    return tuple(ranges)
