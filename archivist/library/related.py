"""Related articles: for each article, the others sharing most of its authors and keywords."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Mapping, Protocol

from archivist.util.names import name_key
from .entry import Entry

RELATED_COUNT = 5
Marks = tuple[tuple[str, frozenset[tuple[str, str]]], ...]


class Author(Protocol):
    """An author of a byline, as far as relating articles goes: their page's slug."""

    slug: str


@dataclass
class RelatedMemo:
    """The related slugs of the last run and the marks they were scored on: `serve` keeps one, so an
    edit that changes no article's authors or keywords does not score every pair of articles again."""

    marks: Marks = ()
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)


def relate(entries: tuple[Entry, ...], bylines: Mapping[str, tuple[Author, ...]],
           remembered: RelatedMemo | None = None) -> dict[str, tuple[Entry, ...]]:
    """For each entry, the others sharing most authors (worth 2) and keywords (worth 1); ties by slug."""
    marks_of = [_marks(entry, bylines) for entry in entries]
    key: Marks = tuple((entry.slug, marks) for entry, marks in zip(entries, marks_of))
    if remembered is not None and remembered.marks == key:
        by_slug = {entry.slug: entry for entry in entries}
        return {slug: tuple(by_slug[other] for other in others) for slug, others in remembered.related.items()}
    related = _score(entries, marks_of)
    if remembered is not None:
        remembered.marks = key
        remembered.related = {slug: tuple(e.slug for e in found) for slug, found in related.items()}
    return related


def _marks(entry: Entry, bylines: Mapping[str, tuple[Author, ...]]) -> frozenset[tuple[str, str]]:
    """What an entry may share with others: its authors' pages and its keywords."""
    marks = {("author", a.slug) for a in bylines.get(entry.slug, ())}
    marks |= {("keyword", name_key(k)) for k in entry.article.meta.keywords}
    return frozenset(marks)


def _score(entries: tuple[Entry, ...], marks_of: list[frozenset[tuple[str, str]]]) -> dict[str, tuple[Entry, ...]]:
    """Every entry's best matches.

    Shared marks are counted with Counter.update over lists of entry numbers, which runs in C: a
    keyword held by a tenth of a large archive makes this step quadratic in the number of articles,
    and counting in Python made it the slowest part of planning at a few thousand articles.
    """
    slugs = [entry.slug for entry in entries]
    weighted: dict[tuple[str, str], list[int]] = defaultdict(list)  # mark -> holders, authors listed twice
    for number, marks in enumerate(marks_of):
        for mark in marks:
            weighted[mark].extend((number, number) if mark[0] == "author" else (number,))
    related = {}
    for number, entry in enumerate(entries):
        scores: Counter[int] = Counter()
        for mark in marks_of[number]:
            scores.update(weighted[mark])
        candidates = ((other, score) for other, score in scores.items() if slugs[other] != slugs[number])
        best = heapq.nsmallest(RELATED_COUNT, candidates, key=lambda found: (-found[1], slugs[found[0]]))
        related[entry.slug] = tuple(entries[other] for other, _score in best)
    return related
