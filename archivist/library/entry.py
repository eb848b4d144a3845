"""An entry of the library: one article with what the cite step made for its page."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Iterable, Mapping

from archivist.citations.cite import Cited, StyleBlock
from archivist.citations.metadata import PageMetadata
from archivist.model import Article, Reference


@dataclass(frozen=True)
class Entry:
    """An article with everything computed about it for its page: its citations and exports."""

    article: Article
    csl: Mapping[str, Any] = field(default_factory=dict)  # the CSL-JSON item, JSON values as citeproc reads them
    citations: tuple[StyleBlock, ...] = ()  # formatted blocks, one per configured style
    exports: Mapping[str, str] = field(default_factory=dict)  # file name -> text
    metadata: PageMetadata | None = None  # Highwire, Dublin Core, OpenGraph, JSON-LD
    pinpoints: tuple[StyleBlock, ...] = ()  # per style: a citation with a locator placeholder, for passages
    references: tuple[Reference, ...] = ()  # the works its body cites (and its nocite lists), in list order

    @property
    def slug(self) -> str:
        return self.article.slug

    @property
    def abstract_text(self) -> str:
        """The abstract as plain text, as the CSL item holds it: every machine record says the same."""
        return str(self.csl.get("abstract") or "")


def cited_entries(articles: Iterable[Article], cited: Iterable[Cited]) -> list[Entry]:
    """Each article with what the cite step made of it, in the order given."""
    return [Entry(c.article or article, c.csl, c.citations, c.exports, c.metadata, c.pinpoints, c.references)
            for article, c in zip(articles, cited)]


def refresh(entry: Entry, newer: Entry) -> Entry:
    """`entry`, brought up to date with `newer` where it stands, and returned.

    The one exception to entries being frozen: `serve` keeps a large archive's collections and planned
    pages between edits, and they hold the entries themselves. When an article changed only in what
    listings do not show (its body), updating its entry where it stands updates every place that holds
    it at once, instead of rebuilding them all. No entry is hashed or used as a key, so nothing that
    holds one is disturbed."""
    for name in (f.name for f in fields(Entry)):
        object.__setattr__(entry, name, getattr(newer, name))
    return entry
