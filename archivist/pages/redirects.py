"""The redirect pages at articles' old addresses ('aliases'), and every alias that would write over, or
into, another page of the site."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from archivist.content.aliases import alias_file
from archivist.diagnostics import Diagnostic, error
from archivist.library.entry import Entry
from .jobs import OutputJob

REDIRECT_TEMPLATE = "redirect.html"
RESERVED = ("pagefind/",)  # made by the search step, after the pages


@dataclass(frozen=True)
class Alias:
    """One old address of one article, with the file it becomes and where it was written."""

    entry: Entry
    text: str  # as written in the front-matter
    path: str  # the site file, e.g. 'old/path/index.html'
    line: int

    @property
    def source(self) -> str:
        return self.entry.article.source.relpath

    @property
    def key(self) -> str:
        """Case-insensitive file systems (macOS, Windows) store two names differing in case as one."""
        return self.path.casefold()


def aliases_of(entries: Iterable[Entry]) -> list[Alias]:
    """Every valid alias of the published articles, in the library's order."""
    found = []
    for entry in entries:
        meta = entry.article.meta
        for index, text in enumerate(meta.aliases):
            path, _problem = alias_file(text)
            if path:
                found.append(Alias(entry, text, path, meta.lines.get(f"aliases.{index}", meta.lines.get("aliases", 1))))
    return found


def redirect_jobs(entries: Iterable[Entry], taken: Iterable[str]) -> list[OutputJob]:
    """A redirect page for each alias that claims no other page (those are errors, see `alias_conflicts`)."""
    entries = tuple(entries)
    aliases = aliases_of(entries)
    refused = {id(alias) for alias, _reason in _conflicts(aliases, entries, taken)}
    return [OutputJob(alias.path, REDIRECT_TEMPLATE, {"entry": alias.entry, "alias": alias.text}, sources=(alias.source,))
            for alias in aliases if id(alias) not in refused]


def alias_conflicts(entries: Iterable[Entry], taken: Iterable[str]) -> list[Diagnostic]:
    """Every alias that would write over, or into, a page the site has for another reason, or over
    another alias; each culprit is named on its own line. `taken` is every other file of the site."""
    entries = tuple(entries)
    return [error(alias.source, alias.line, "meta.alias-conflict", f"alias '{alias.text}' {reason}")
            for alias, reason in _conflicts(aliases_of(entries), entries, taken)]


def _conflicts(aliases: list[Alias], entries: tuple[Entry, ...], taken: Iterable[str]) -> list[tuple[Alias, str]]:
    if not aliases:
        return []  # most archives have none: no need to index every page of a large one
    found = _clashes_between(aliases)
    pages = {path.casefold(): path for path in taken}
    article_folders = {e.article.url_path.casefold(): e for e in entries}
    for alias in aliases:
        reason = _inside_article(alias, article_folders) or _over_page(alias, pages) or _reserved(alias)
        if reason:
            found.append((alias, reason))
    return found


def _clashes_between(aliases: list[Alias]) -> list[tuple[Alias, str]]:
    groups: dict[str, list[Alias]] = defaultdict(list)
    for alias in aliases:
        groups[alias.key].append(alias)
    found = []
    for group in groups.values():
        for alias in group if len(group) > 1 else ():
            others = "; ".join(_name(other, alias) for other in group if other is not alias)
            found.append((alias, f"writes the page {alias.path}, as does {others}"
                          + _case_note(alias.path, [o.path for o in group])))
    return found + _folder_clashes(aliases, groups)


def _folder_clashes(aliases: list[Alias], files: dict[str, list[Alias]]) -> list[tuple[Alias, str]]:
    """An alias whose folder is the file another alias writes ('/foo.html' and '/foo.html/bar/'):
    a file system holds one or the other, so both are named, each on its own line."""
    found = []
    for alias in aliases:
        for parent in _parents(alias.key):
            for other in files.get(parent, ()):
                note = _case_note(other.path, [alias.path[:len(other.path)]])
                found.append((alias, f"needs a folder where {_name(other, alias)} writes the file {other.path}{note}"))
                found.append((other, f"writes the file {other.path} where {_name(alias, other)} needs a folder{note}"))
    return found


def _parents(key: str) -> Iterable[str]:
    """Every folder above a page: 'a/b/index.html' -> 'a', 'a/b'."""
    return (key[:i] for i, ch in enumerate(key) if ch == "/")


def _name(other: Alias, alias: Alias) -> str:
    where = f"line {other.line}" if other.source == alias.source else f"{other.source}:{other.line}"
    return f"the alias '{other.text}' ({where})"


def _case_note(path: str, others: Iterable[str]) -> str:
    if any(other != path for other in others):
        return " (the names differ only in case, which macOS and Windows file systems do not tell apart)"
    return ""


def _inside_article(alias: Alias, article_folders: dict[str, Entry]) -> str:
    """Article pages are articles/<slug>/: only the alias's first two folders can name one."""
    parts = alias.key.split("/")
    entry = article_folders.get("/".join(parts[:2]) + "/") if len(parts) > 2 else None
    if entry is None:
        return ""
    own = entry.article.url_path
    where = "is the address" if len(parts) == 3 and parts[2] == "index.html" else "lies inside the folder"
    return (f"{where} of the article page {own} ({entry.article.source.relpath})"
            + _case_note(alias.path, [own + alias.path[len(own):]]))


def _over_page(alias: Alias, pages: dict[str, str]) -> str:
    if alias.key in pages:
        return f"would replace the archive's own page {pages[alias.key]}" + _case_note(alias.path, [pages[alias.key]])
    clash = next((pages[p] for p in _parents(alias.key) if p in pages), None)
    return f"needs a folder where the archive writes the file {clash}" if clash else ""


def _reserved(alias: Alias) -> str:
    for prefix in RESERVED:
        if alias.key.startswith(prefix):
            return f"lies inside {prefix}, which the search index fills"
    return ""
