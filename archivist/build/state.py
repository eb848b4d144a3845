"""Take a site's state from disk as hashes, cheaply, for the rebuild planner to compare."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterable, Mapping

from archivist.render.theme import theme_folders
from archivist.util.digests import digest
from archivist.util.files import site_key, walk_files
from archivist.pages.jobs import OutputJob
from archivist.library.entry import Entry
from archivist.build.facts import ArticleFacts, article_facts
from archivist.model import Parsed
from archivist.model import SourceFile
from archivist.build.changes import SiteState


def hash_tree(folders: Iterable[Path], relative_to: Path,
              known: dict[str, tuple[tuple[int, int, int], str]] | None = None) -> dict[str, str]:
    """Every non-hidden file under the folders -> hash of its bytes, keyed by a stable path.

    With `known` (kept by `serve`), a file whose size, time and inode are unchanged keeps its hash
    without being read again."""
    hashes: dict[str, str] = {}
    for folder in folders:
        for entry in walk_files(folder, hidden=False):
            try:
                hashes[site_key(entry.path, relative_to)] = _file_digest(Path(entry.path), known)
            except OSError:
                continue
    return hashes


def _file_digest(path: Path, known: dict[str, tuple[tuple[int, int, int], str]] | None) -> str:
    if known is None:
        return digest(path.read_bytes())
    found = path.stat()
    key = (found.st_size, found.st_mtime_ns, found.st_ino)
    name = str(path)
    if name in known and known[name][0] == key:
        return known[name][1]
    value = digest(path.read_bytes())
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


def with_pages(state: SiteState, jobs: dict[str, OutputJob], entries: dict[str, Entry]) -> SiteState:
    """Record which article each page belongs to and which articles each page shows."""
    owners = {entry.article.url_path: source for source, entry in entries.items()}
    pages = {}
    for path in jobs:
        segments = path.split("/")
        folders = ("/".join(segments[:n]) + "/" for n in range(1, len(segments)))
        owner = next((owners[f] for f in folders if f in owners), None)
        if owner is not None:
            pages[path] = owner
    everything = tuple(sorted(entries))
    outputs = {path: everything if path in pages and sees_whole_library(job) else tuple(job.sources)
               for path, job in jobs.items()}
    return replace(state, outputs=outputs, pages=pages)


def sees_whole_library(job: OutputJob) -> bool:
    """An article page handed the collections (related articles, its journal's issues) declares only
    its own file, yet may show any other article's title: read it as showing them all."""
    return any(key in job.context for key in ("collections", "related", "library"))
