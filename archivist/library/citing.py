"""The archive's own citation graph: which of its articles cite which, and from which passages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from .entry import Entry


@dataclass(frozen=True)
class CitedBy:
    """An article of the archive that cites another, with the passages that cite it."""

    entry: Entry  # the citing article
    source: str  # its source file, which the cited page depends on
    passages: tuple[str, ...]  # ids of its paragraphs that cite the work ('p12'), in reading order


def cited_by(entries: Iterable[Entry]) -> Mapping[str, tuple[CitedBy, ...]]:
    """Slug of a cited article -> the articles citing it, newest first as the library orders them.

    A reference is an archive article when its DOI, or its title and year, match one (see
    citations.references.archive_path_of); an article citing itself is not counted."""
    entries = tuple(entries)
    slug_of = {entry.article.url_path: entry.slug for entry in entries}
    found: dict[str, list[CitedBy]] = {}
    for entry in entries:
        passages_of = {use.id: use.passage for use in entry.article.body.citations}
        for reference in entry.references:
            target = slug_of.get(reference.archive_path)
            if not target or target == entry.slug:
                continue
            passages = tuple(dict.fromkeys(passages_of[c] for c in reference.cited_at if passages_of.get(c)))
            found.setdefault(target, []).append(CitedBy(entry, entry.article.source.relpath, passages))
    return {slug: tuple(items) for slug, items in found.items()}
