"""Assemble the loaded articles into the library: ordered, grouped, and ready for pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping

from archivist.content.site_data import SiteData
from .collections import Collections, collect
from .entry import Entry
from .citing import CitedBy, cited_by
from .related import RelatedMemo
from .translations import Translation, group_translations


@dataclass(frozen=True)
class Library:
    """All entries, newest first (then by slug, so equal dates keep a stable order)."""

    entries: tuple[Entry, ...]
    site_data: SiteData | None = None  # content/authors.yaml and journals.yaml, once read
    remembered: RelatedMemo | None = field(default=None, compare=False)  # related articles of a previous run

    @cached_property
    def collections(self) -> Collections:
        """Authors, journals, years, keywords and related articles, computed once on first use."""
        return collect(self.entries, self.site_data or SiteData(), self.remembered)

    @cached_property
    def translations(self) -> Mapping[str, tuple[Translation, ...]]:
        """Slug -> its translation group (itself included); absent for an article without translations."""
        return group_translations(self.entries)

    @cached_property
    def citing(self) -> Mapping[str, tuple[CitedBy, ...]]:
        """Slug -> the archive's articles that cite it, each with the passages that do."""
        return cited_by(self.entries)

    def cited_by(self, entry: Entry) -> tuple[CitedBy, ...]:
        return self.citing.get(entry.slug, ())

    def related(self, entry: Entry) -> tuple[Entry, ...]:
        """Articles sharing most authors and keywords with this one, for the article page."""
        return self.collections.related(entry)

    def newest(self, count: int) -> tuple[Entry, ...]:
        return self.entries[:count]


def assemble(entries: list[Entry], site_data: SiteData | None = None, remembered: RelatedMemo | None = None) -> Library:
    """The library of these entries; `remembered` (kept by `serve`) spares scoring related articles again."""
    ordered = sorted(entries, key=lambda e: e.article.slug)
    ordered.sort(key=lambda e: e.article.meta.date_key, reverse=True)  # undated drafts last
    return Library(entries=tuple(ordered), site_data=site_data, remembered=remembered)
