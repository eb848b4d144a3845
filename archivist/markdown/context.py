"""The caller's view of a body (BodyContext) and the mutable record of one render (Session)."""

from __future__ import annotations

from bisect import bisect_left
from types import MethodType
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from archivist.diagnostics import Diagnostic, error, warning

Token = dict[str, Any]
Hook = Callable[[Token, "Session"], None]

DEFAULT_LABELS: Mapping[str, str] = {
    "notes": "Notes",
    "back_to_text": "Back to text",
    "table": "Table",
    "figure": "Figure",
    "external": "external link",
    "equation": "Equation",
}


@dataclass(frozen=True)
class BodyContext:
    """What the renderer needs to know about the article whose body it renders."""

    path: str  # site-relative path of the source, for diagnostics
    first_line: int  # file line on which the Markdown body starts (1-based)
    lang: str  # BCP 47 language of the article
    labels: Mapping[str, str]  # interface words: notes, back_to_text, table, figure, external
    resolve_article: Callable[[str], str | None]  # slug -> href, None when there is no such article
    asset_exists: Callable[[str], bool]  # bundle-relative path -> whether the bundle has it
    asset_size: Callable[[str], tuple[int, int] | None] = lambda _path: None  # an image's width, height

    def label(self, key: str) -> str:
        """An interface word, falling back to English so a partial mapping still renders."""
        return self.labels.get(key) or DEFAULT_LABELS[key]


class SourceLocator:
    """Finds the file line of a piece of body text, since mistune tokens carry no positions.

    Each needle remembers where it was last found, so the second problem with the same
    text is reported on the line of its second occurrence.
    """

    def __init__(self, source: str, first_line: int):
        self.source = source
        self.first_line = first_line
        self._cursor: dict[str, int] = {}
        self._newlines: list[int] | None = None

    def line_of(self, *needles: str) -> int:
        """The file line of the next occurrence of the first needle found; else the body start."""
        for needle in needles:
            if not needle:
                continue
            pos = self._find(needle)
            if pos >= 0:
                return self.line_at(pos)
        return self.first_line

    def line_at(self, pos: int) -> int:
        # Newline offsets are found once: counting from the start for each diagnostic made a
        # body with 100,000 problems take minutes (quadratic in its length).
        if self._newlines is None:
            self._newlines = [i for i, ch in enumerate(self.source) if ch == "\n"]
        return self.first_line + bisect_left(self._newlines, pos)

    def _find(self, needle: str) -> int:
        start = self._cursor.get(needle, 0)
        pos = self.source.find(needle, start)
        if pos < 0 and start:
            pos = self.source.find(needle)
        if pos >= 0:
            self._cursor[needle] = pos + 1
        return pos


@dataclass
class Session:
    """Everything one render_body call accumulates: diagnostics, counters, ids, assets."""

    ctx: BodyContext
    locator: SourceLocator
    diagnostics: list[Diagnostic] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    used_ids: set[str] = field(default_factory=set)
    paragraph_ids: list[str] = field(default_factory=list)
    headings: list[Token] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    footnote_refs: dict[int, list[str]] = field(default_factory=dict)
    in_notes: bool = False
    depth: int = 0
    heading_shift: int = 0

    @property
    def lang(self) -> str:
        return self.ctx.lang

    def next_number(self, kind: str) -> int:
        """The next number in document order for figures, tables and paragraphs."""
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return self.counters[kind]

    def error(self, code: str, message: str, *needles: str) -> None:
        line = self.locator.line_of(*needles)
        self.diagnostics.append(error(self.ctx.path, line, code, message))

    def warning(self, code: str, message: str, *needles: str) -> None:
        line = self.locator.line_of(*needles)
        self.diagnostics.append(warning(self.ctx.path, line, code, message))

    def warning_at(self, line: int, code: str, message: str) -> None:
        self.diagnostics.append(warning(self.ctx.path, line, code, message))

    def add_asset(self, path: str) -> None:
        if path not in self.assets:
            self.assets.append(path)


def add_hook(md: Any, token_type: str, hook: Hook) -> None:
    """Ask the pipeline to call ``hook`` on every token of a type, in document order.

    Hooks are how plugins check and annotate the parsed tree (numbering, links, ids)
    before rendering, so render functions stay pure and the Markdown object reusable.
    """
    hooks: dict[str, list[Hook]] = md.__dict__.setdefault("archivist_hooks", {})
    hooks.setdefault(token_type, []).append(hook)


def hooks_of(md: Any) -> dict[str, list[Hook]]:
    return md.__dict__.get("archivist_hooks", {})


def set_render(md: Any, name: str, func: Callable[..., str]) -> None:
    """Install a render function for a token type, replacing mistune's own if it has one.

    mistune looks methods up on the renderer object first, so an instance attribute
    overrides both HTMLRenderer methods and functions registered by its plugins.
    """
    setattr(md.renderer, name, MethodType(func, md.renderer))
