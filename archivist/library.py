"""Assemble the loaded articles into the library: ordered, grouped, and ready for pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .model import Article


@dataclass(frozen=True)
class Entry:
    """An article with everything computed about it for its page: its citations and exports."""

    article: Article
    csl: Mapping[str, Any] = field(default_factory=dict)
    citations: tuple[Any, ...] = ()  # formatted blocks, one per configured style
    exports: Mapping[str, str] = field(default_factory=dict)  # file name -> text
    metadata: Any = None  # metadata.PageMetadata: Highwire, Dublin Core, OpenGraph, JSON-LD
    pinpoints: tuple[Any, ...] = ()  # per style: a citation with a locator placeholder, for passages

    @property
    def slug(self) -> str:
        return self.article.slug


@dataclass(frozen=True)
class Library:
    """All entries, newest first (then by slug, so equal dates keep a stable order)."""

    entries: tuple[Entry, ...]

    def newest(self, count: int) -> tuple[Entry, ...]:
        return self.entries[:count]

    def by_slug(self, slug: str) -> Entry | None:
        return next((e for e in self.entries if e.slug == slug), None)


def assemble(entries: list[Entry]) -> Library:
    ordered = sorted(entries, key=lambda e: e.article.slug)
    ordered.sort(key=lambda e: e.article.meta.date.sort_key, reverse=True)
    return Library(entries=tuple(ordered))
