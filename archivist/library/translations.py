"""The library's translation groups: an original and its translations, each member's language named in itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from archivist.content.translations import translation_groups
from archivist.util.vocabulary import AUTONYMS
from .entry import Entry


@dataclass(frozen=True)
class Translation:
    """One member of a translation group, as the other members' pages link to it."""

    entry: Entry
    language: str  # BCP 47 tag, for lang and hreflang
    name: str  # the language's name in itself: 'Español', '한국어'

    @property
    def url_path(self) -> str:
        return self.entry.article.url_path


def group_translations(entries: Iterable[Entry]) -> dict[str, tuple[Translation, ...]]:
    """Slug -> every member of its translation group (itself included): the original first, then the
    translations by language tag. Articles without translations are absent."""
    entries = list(entries)
    groups = translation_groups(entries, lambda e: e.slug, lambda e: e.article.meta.translation_of)
    found = {}
    for original, *members in groups.values():
        ordered = [original, *sorted(members, key=lambda e: (e.article.meta.language.casefold(), e.slug))]
        group = _named(ordered)
        found.update((member.entry.slug, group) for member in group)
    return found


def _named(members: list[Entry]) -> tuple[Translation, ...]:
    """Each language by its own name; two regional forms of one language ('en-US', 'en-GB') add the region."""
    tags = [e.article.meta.language for e in members]
    primaries = [tag.split("-")[0].casefold() for tag in tags]
    named = []
    for entry, tag, primary in zip(members, tags, primaries):
        name = AUTONYMS.get(primary, tag)
        rest = tag[len(primary) + 1:]
        if rest and primaries.count(primary) > 1:
            name = f"{name} ({rest})"
        named.append(Translation(entry, tag, name))
    return tuple(named)
