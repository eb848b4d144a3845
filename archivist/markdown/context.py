"""The caller's view of a body (BodyContext) and the mutable record of one render (Session)."""

from __future__ import annotations

from types import MethodType
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from archivist.diagnostics import Diagnostic, error, warning
from archivist.model import SiteLink

Token = dict[str, Any]
Hook = Callable[[Token, "Session"], None]
PARSE_WARNINGS = "archivist_parse_warnings"  # env key: (code, message, line) found by block rules
LIST_HOOKS = "[list]"  # the hooks table's key for ListHooks

DEFAULT_LABELS: Mapping[str, str] = {
    "notes": "Notes",
    "back_to_text": "Back to text",
    "table": "Table",
    "figure": "Figure",
    "external": "external link",
    "equation": "Equation",
    "section": "Section",
    "code": "Code",
    "callout_note": "Note",
    "callout_tip": "Tip",
    "callout_important": "Important",
    "callout_warning": "Warning",
    "callout_caution": "Caution",
}


@dataclass(frozen=True)
class MarkdownOptions:
    """The syntax a site switches on or off: `~sub~` and `^sup^` (both on by default), and
    which TeX delimiters make math (`$…$` by default; see mathjax.py for the others)."""

    subscript: bool = True
    superscript: bool = True
    math: tuple[str, ...] = ("dollars",)

    @classmethod
    def of(cls, config: Any) -> "MarkdownOptions":
        """The options a site's settings (`markdown_subscript`, `markdown_superscript`,
        `markdown_math_delimiters`) choose."""
        return cls(subscript=config.markdown_subscript, superscript=config.markdown_superscript,
                   math=config.markdown_math_delimiters)


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
    options: MarkdownOptions = MarkdownOptions()
    site_root: str = "/"  # the path of the site's base URL: root-relative links are read from there
    known_ids: frozenset[str] = frozenset()  # ids of the page outside this text (the body's, for an abstract)
    # A root path ('/old/path#s') that is an article's old address -> the article's URL; else None.
    resolve_path: Callable[[str], str | None] = lambda _url: None
    citations: str = ""  # '' (the article has no bibliography: '@name' is text), 'in-text' or 'note'
    lists_works: bool = False  # the front-matter's `nocite` lists works, so there is a reference list

    def label(self, key: str) -> str:
        """An interface word, falling back to English so a partial mapping still renders."""
        return self.labels.get(key) or DEFAULT_LABELS[key]


@dataclass
class Session:
    """Everything one render_body call accumulates: diagnostics, counters, ids, assets."""

    ctx: BodyContext
    line: int = 0  # the file line of the block being checked; hooks report there when a token has none
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
    fragments: list[tuple[str, int]] = field(default_factory=list)  # '#id' links to this page, with their lines
    site_links: list[SiteLink] = field(default_factory=list)  # links into the site, checked after loading
    named_headings: list[tuple[str, str]] = field(default_factory=list)  # (text, id) of automatically named headings
    gathered: dict[str, list[Any]] = field(default_factory=dict)  # per-article findings reported once, at the end
    citations: list[Any] = field(default_factory=list)  # CitationUse, in reading order
    passage: str = ""  # the id of the body paragraph being walked
    current_note: int = 0  # the number of the note being walked
    note_passages: dict[int, str] = field(default_factory=dict)  # note number -> the paragraph that cites it
    note_positions: dict[int, int] = field(default_factory=dict)  # note number -> body citations before its mark

    @property
    def note_passage(self) -> str:
        """The body paragraph that cites the note being walked: a citation in a note is cited from there."""
        return self.note_passages.get(self.current_note, "")
    crossref_targets: dict[str, Any] = field(default_factory=dict)  # label -> its crossrefs.Target

    @property
    def lang(self) -> str:
        return self.ctx.lang

    def next_number(self, kind: str) -> int:
        """The next number in document order for figures, tables and paragraphs."""
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return self.counters[kind]

    def line_of(self, tok: Token) -> int:
        """The file line a token starts on, from the parse; else its block's."""
        return tok.get("_line") or self.line or self.ctx.first_line

    def error(self, code: str, message: str, line: int, column: int = 1) -> None:
        self.diagnostics.append(error(self.ctx.path, line, code, message, column))

    def warning(self, code: str, message: str, line: int, column: int = 1) -> None:
        self.diagnostics.append(warning(self.ctx.path, line, code, message, column))

    def gather(self, kind: str, item: Any) -> None:
        """Keep a finding for a report made once per article (an '[end]' hook makes it)."""
        self.gathered.setdefault(kind, []).append(item)

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


@dataclass(frozen=True)
class ListHook:
    """A hook on every list of sibling tokens that holds a token of one of the types it `needs`:
    the walk collects a list's types once, instead of every hook scanning every list for its own."""

    needs: frozenset[str]
    run: Callable[[list[Token], "Session"], None]


def add_list_hook(md: Any, hook: Callable[[list[Token], "Session"], None], needs: Iterable[str]) -> None:
    """Ask the pipeline to call ``hook(tokens, session)`` on each list of sibling tokens (a block's
    children, an inline run) that holds a token of a type in ``needs``, before those tokens' own hooks."""
    add_hook(md, LIST_HOOKS, ListHook(frozenset(needs), hook))  # type: ignore[arg-type]


def add_end_hook(md: Any, hook: Callable[[Any, "Session"], None]) -> None:
    """Ask the pipeline to call ``hook(state, session)`` once the whole tree has been walked:
    for what is reported once per article, or was found while parsing (kept in state.env)."""
    add_hook(md, "[end]", hook)  # type: ignore[arg-type]


def warn_while_parsing(state: Any, code: str, message: str, line: int) -> None:
    """A warning found by a block rule, which has no session: reported after the walk."""
    state.env.setdefault(PARSE_WARNINGS, []).append((code, message, line))


def report_parse_warnings(state: Any, session: "Session") -> None:
    """End hook: the warnings block rules kept while parsing, on the lines they found."""
    for code, message, line in state.env.get(PARSE_WARNINGS, ()):
        session.warning(code, message, line)


def hooks_of(md: Any) -> dict[str, list[Hook]]:
    return md.__dict__.get("archivist_hooks", {})


def set_render(md: Any, name: str, func: Callable[..., str]) -> None:
    """Install a render function for a token type, replacing mistune's own if it has one.

    mistune looks methods up on the renderer object first, so an instance attribute
    overrides both HTMLRenderer methods and functions registered by its plugins.
    """
    setattr(md.renderer, name, MethodType(func, md.renderer))
