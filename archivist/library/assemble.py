"""Assemble the loaded articles into the library: ordered, grouped, and ready for pages."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Mapping

from archivist.model import Article

if TYPE_CHECKING:
    from .collections import Collections
    from archivist.content.site_data import SiteData
    from archivist.content.translations import Translation


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

    @property
    def abstract_text(self) -> str:
        """The abstract as plain text, as the CSL item holds it: every machine record says the same."""
        return str(self.csl.get("abstract") or "")


@dataclass(frozen=True)
class Library:
    """All entries, newest first (then by slug, so equal dates keep a stable order)."""

    entries: tuple[Entry, ...]
    site_data: "SiteData | None" = None  # content/authors.yaml and journals.yaml, once read

    @cached_property
    def collections(self) -> "Collections":
        """Authors, journals, years, keywords and related articles, computed once on first use."""
        from .collections import collect
        from archivist.content.site_data import SiteData
        return collect(self.entries, self.site_data or SiteData())

    @cached_property
    def translations(self) -> "Mapping[str, tuple[Translation, ...]]":
        """Slug -> its translation group (itself included); absent for an article without translations."""
        from archivist.content.translations import group_translations
        return group_translations(self.entries)

    def related(self, entry: Entry) -> tuple[Entry, ...]:
        """Articles sharing most authors and keywords with this one, for the article page."""
        return self.collections.related(entry)

    def with_site_data(self, site_data: "SiteData") -> "Library":
        return replace(self, site_data=site_data)

    def newest(self, count: int) -> tuple[Entry, ...]:
        return self.entries[:count]

    def by_slug(self, slug: str) -> Entry | None:
        return next((e for e in self.entries if e.slug == slug), None)


def assemble(entries: list[Entry], site_data: "SiteData | None" = None) -> Library:
    ordered = sorted(entries, key=lambda e: e.article.slug)
    ordered.sort(key=lambda e: e.article.meta.date_key, reverse=True)  # undated drafts last
    return Library(entries=tuple(ordered), site_data=site_data)
