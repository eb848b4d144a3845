"""Pandoc's attribute syntax in running text, `{#id .class key="value"}`, read and judged.

Pandoc puts attributes after a bracketed span (`[text]{.smallcaps}`) and after inline code
(`` `x`{.r} ``); `{=latex}` after code marks it as raw content for one output format. Reading
is strict, as Pandoc's is: braces holding anything else (`{x}`, `{: .c}`, an unclosed quote)
are no attributes, and the text stays as written.

Authors are not trusted with the page's markup, so of what is read only this is applied:
`.smallcaps`, `.underline` (or `.ul`), `.mark`, Pandoc's small-caps style
(`style="font-variant: small-caps"`), a `lang` that is a BCP 47 tag, `dir` (`ltr`, `rtl`,
`auto`) and an `#id` that is safe and that no other element of the page has. Every other
item is handed back, with its column, to be reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archivist.config import LANGUAGE_TAG

from .context import Session
from .ids import SAFE_ID, claim_id

_ITEM = re.compile(r"""
    \#(?P<id>[^\s{}"'=]+)
  | \.(?P<class>[^\s{}"'=]+)
  | (?P<key>[A-Za-z_][\w.:-]*)=(?P<value>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[^\s"'{}]+)
  | (?P<minus>-)(?=[\s}])
""", re.X)
_SPACE = re.compile(r"\s*")
RAW = re.compile(r"\{[ \t]*=(?P<format>[A-Za-z][\w+-]*)[ \t]*\}")
_ESCAPE = re.compile(r"\\(.)")
# Pandoc's classes for the inline elements it knows, in the element each becomes.
WRAPPERS = {"smallcaps": "smallcaps", "underline": "underline", "ul": "underline", "mark": "mark"}
DIRECTIONS = frozenset({"ltr", "rtl", "auto"})
_SMALL_CAPS_STYLE = "font-variant:small-caps"


@dataclass(frozen=True)
class Item:
    """One attribute as written: kind is 'id', 'class', 'key' or 'minus'; offset counts from the '{'."""

    kind: str
    name: str
    value: str
    offset: int
    written: str


@dataclass
class Applied:
    """What of an attribute list reaches the page, and what (with its offset) does not."""

    wrappers: list[str] = field(default_factory=list)
    id: str = ""
    lang: str = ""
    dir: str = ""
    dropped: list[Item] = field(default_factory=list)

    def html_attributes(self) -> dict[str, str]:
        """The attributes the outermost element carries, for the renderer."""
        return {name: value for name, value in (("id", self.id), ("lang", self.lang), ("dir", self.dir)) if value}


def read(src: str, pos: int) -> tuple[list[Item], int] | None:
    """The items of the attribute list opening at `src[pos]` ('{') and the position after its '}';
    None when the braces hold no attribute list."""
    if not src.startswith("{", pos):
        return None
    items: list[Item] = []
    at = _SPACE.match(src, pos + 1).end()  # type: ignore[union-attr]
    while not src.startswith("}", at):
        found = _ITEM.match(src, at)
        if found is None:
            return None
        items.append(_item(found, at - pos))
        after = _SPACE.match(src, found.end()).end()  # type: ignore[union-attr]
        if after == found.end() and not src.startswith("}", after):
            return None  # items stand apart ('{.a .b}'); as in Pandoc '.a.b' is one class, '#a.b' one id
        at = after
    return items, at + 1


def _item(found: re.Match[str], offset: int) -> Item:
    written = found.group(0)
    if found.group("id") is not None:
        return Item("id", found.group("id"), "", offset, written)
    if found.group("class") is not None:
        return Item("class", found.group("class"), "", offset, written)
    if found.group("key") is not None:
        value = found.group("value")
        if value[:1] in "\"'":
            value = _ESCAPE.sub(r"\1", value[1:-1])
        return Item("key", found.group("key"), value, offset, written)
    return Item("minus", "-", "", offset, written)


def apply(items: list[Item], session: Session, at: tuple[int, int], elements: bool = True) -> Applied:
    """Decide each item; an id is claimed on the page here, so call once per list, in document order.
    `at` is the file line and column of the list's '{', from which each item's column is counted;
    `elements` says whether the classes that make elements (small caps, underline, mark) apply."""
    applied = Applied()
    for item in items:
        if not _applies(item, applied, session, (at[0], at[1] + item.offset), elements):
            applied.dropped.append(item)
    return applied


def _applies(item: Item, applied: Applied, session: Session, at: tuple[int, int], elements: bool) -> bool:
    if item.kind == "class":
        return elements and _wrapper(WRAPPERS.get(item.name, ""), applied)
    if item.kind == "id":
        return _id(item.name, applied, session, at)
    if item.kind != "key":
        return False
    key, value = item.name.lower(), item.value.strip()
    if key == "style":
        small_caps = "".join(value.lower().replace(";", " ").split()) == _SMALL_CAPS_STYLE
        return elements and small_caps and _wrapper("smallcaps", applied)
    if key == "lang" and LANGUAGE_TAG.fullmatch(value) and not applied.lang:
        applied.lang = value
        return True
    if key == "dir" and value.lower() in DIRECTIONS and not applied.dir:
        applied.dir = value.lower()
        return True
    return False


def _wrapper(name: str, applied: Applied) -> bool:
    if name and name not in applied.wrappers:
        applied.wrappers.append(name)
    return bool(name)


def _id(name: str, applied: Applied, session: Session, at: tuple[int, int]) -> bool:
    """A second id, or one that is not a plain name, is reported with the others; one the page
    already has is reported on its own (body.duplicate-id), as a heading's or HTML's would be."""
    if applied.id or not SAFE_ID.fullmatch(name):
        return False
    if claim_id(name, session, *at):
        applied.id = name
    return True
