"""Take a site's state from disk as hashes, cheaply, for the rebuild planner to compare."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Mapping

from archivist.render.theme import theme_folders
from archivist.util.digests import digest
from archivist.util.files import site_key, stat_key, walk_files
from archivist.pages.jobs import OutputJob
from archivist.library.entry import Entry
from archivist.library.readables import ENTRY, LibraryReads, Read, context_digest
from archivist.build.facts import ArticleFacts, article_facts
from archivist.model import Parsed
from archivist.model import SourceFile
from archivist.build.changes import SiteState


def hash_tree(folders: Iterable[Path], relative_to: Path,
              known: dict[str, tuple[tuple[int, ...], str]] | None = None) -> dict[str, str]:
    """Every non-hidden file under the folders -> hash of its bytes, keyed by a stable path.

    With `known` (kept by `serve`), a file whose size, times and inode are unchanged keeps its hash
    without being read again."""
    hashes: dict[str, str] = {}
    for folder in folders:
        for entry in walk_files(folder, hidden=False):
            try:
                hashes[site_key(entry.path, relative_to)] = _file_digest(entry.path, known)
            except OSError:
                continue
    return hashes


def _file_digest(name: str, known: dict[str, tuple[tuple[int, ...], str]] | None) -> str:
    if known is None:
        return digest(Path(name).read_bytes())
    found = os.stat(name)
    key = stat_key(found)
    if name in known and known[name][0] == key:
        return known[name][1]
    value = digest(Path(name).read_bytes())
    known[name] = (key, value)
    return value


def take_state(root: Path, sources: list[SourceFile], parsed: Mapping[str, Parsed | None], settings: str,
               csl_dirs: Iterable[str], known: dict | None = None) -> SiteState:
    """The state of the files on disk; the pages are filled in after planning."""
    facts = article_facts(parsed, {s.relpath: s.text for s in sources})
    return state_from_facts(root, facts, settings, csl_dirs, known)


def state_from_facts(root: Path, facts: ArticleFacts, settings: str, csl_dirs: Iterable[str],
                     known: dict | None = None) -> SiteState:
    """The state, from article facts taken while the files were read (a build keeps no texts)."""
    return SiteState(
        settings=settings,
        templates=hash_tree(theme_folders(root, csl_dirs), root, known),
        sources=hash_tree([root / "content"], root, known),
        listed=facts.listed,
        slugs=facts.slugs,
        links=facts.links,
        paths=facts.paths,
        aliases=facts.aliases,
    )


def with_pages(state: SiteState, jobs: dict[str, OutputJob], entries: Mapping[str, Entry],
               reads: Mapping[str, tuple[Read, ...]] | None = None, earlier: SiteState | None = None,
               contexts: Mapping[str, str] | None = None) -> SiteState:
    """The state with this build's pages: which article each page belongs to, what each was given when
    planned, and what each read of the library when it was last rendered.

    `reads` are the renderer's records (kept up to date as pages render); a page that was not rendered
    again keeps what it read in the `earlier` build. `seen` evaluates those reads on this library.
    `contexts`, the plan digests of these very jobs when they were taken before, spare taking them again."""
    owners = {entry.article.url_path: source for source, entry in entries.items()}
    pages = {}
    for path in jobs:
        segments = path.split("/")
        folders = ("/".join(segments[:n]) + "/" for n in range(1, len(segments)))
        owner = next((owners[f] for f in folders if f in owners), None)
        if owner is not None:
            pages[path] = owner
    collections = next((job.context["collections"] for job in jobs.values() if "collections" in job.context), None)
    return replace(state, outputs={path: tuple(job.sources) for path, job in jobs.items()}, pages=pages,
                   contexts=contexts if contexts is not None else _contexts(jobs),
                   reads=PageReads(reads if reads is not None else {}, earlier.reads if earlier else {}, pages, set(jobs)),
                   seen=LibraryReads(entries, collections))


def _contexts(jobs: Mapping[str, OutputJob]) -> dict[str, str]:
    """Each page's plan digest; a group (a journal, an author) shown on many pages is walked once."""
    memo: dict[int, object] = {}
    return {path: context_digest(job.template, job.context, memo) for path, job in jobs.items()}


def _settled(earlier: Mapping[str, tuple[Read, ...]], fresh: Mapping[str, tuple[Read, ...]]
             ) -> Mapping[str, tuple[Read, ...]]:
    """The earlier build's reads as one flat mapping, so a preview's rebuilds never chain them.

    A renderer kept between rebuilds keeps its records in one dict, which is `fresh` here and was
    `fresh` in the earlier build too: that build can answer nothing this one's records do not, so
    its own `earlier` stands in for it. Records from another renderer no longer change and are
    copied. Without this, every rebuild kept the one before alive: memory grew with each save."""
    while isinstance(earlier, PageReads) and earlier._fresh is fresh:
        earlier = earlier._earlier
    if isinstance(earlier, PageReads):
        return dict(earlier.items())
    return earlier


class PageReads(Mapping):
    """Page -> what it read: from the renderer when it rendered the page, else from the earlier build.

    A page's reads of its own article are left out: any change to that article renders the page.
    Pickled or written to the build record, it is a plain mapping, so records never nest."""

    def __init__(self, fresh: Mapping[str, tuple[Read, ...]], earlier: Mapping[str, tuple[Read, ...]],
                 owners: Mapping[str, str], pages: set[str]):
        self._fresh, self._earlier, self._owners, self._pages = fresh, _settled(earlier, fresh), owners, pages
        self._trimmed: dict[str, tuple[tuple[Read, ...], tuple[Read, ...]]] = {}  # page -> (fresh reads, trimmed)

    def __getitem__(self, page: str) -> tuple[Read, ...]:
        if page not in self._pages:
            raise KeyError(page)
        if page in self._fresh:
            reads = self._fresh[page]
            kept = self._trimmed.get(page)
            if kept is None or kept[0] is not reads:  # the page was rendered again since
                own = (ENTRY, self._owners.get(page))
                kept = self._trimmed[page] = (reads, tuple(read for read in reads if read[0] != own))
            return kept[1]
        return self._earlier[page]

    def __contains__(self, page: object) -> bool:
        return page in self._pages and (page in self._fresh or page in self._earlier)

    def __iter__(self):
        return iter(sorted(self._pages.intersection(set(self._fresh) | set(self._earlier))))

    def __len__(self) -> int:
        return sum(1 for _page in self)

    def __reduce__(self):
        return (dict, (dict(self.items()),))
