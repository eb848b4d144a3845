"""Take a site's state from disk as hashes, cheaply, for the rebuild planner to compare."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Mapping

from .fingerprint import PACKAGE_LOCALES, digest, settings_digest, theme_folders  # noqa: F401 (re-exported)
from .jobs import OutputJob
from .library import Entry
from .facts import ArticleFacts, article_facts
from .load import Parsed
from .model import SourceFile
from .rebuild import SiteState

def hash_tree(folders: Iterable[Path], relative_to: Path) -> dict[str, str]:
    """Every non-hidden file under the folders -> hash of its bytes, keyed by a stable path."""
    hashes: dict[str, str] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if not d.startswith((".", "__pycache__"))]
            for name in filenames:
                if name.startswith(".") or name.endswith((".pyc", "~")):
                    continue
                path = Path(dirpath) / name
                try:
                    hashes[_key(path, relative_to)] = digest(path.read_bytes())
                except OSError:
                    continue
    return hashes


def _key(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()  # a built-in file, outside the site


def take_state(root: Path, sources: list[SourceFile], parsed: Mapping[str, Parsed | None], settings: str,
               csl_dirs: Iterable[str]) -> SiteState:
    """The state of the files on disk; the pages are filled in after planning."""
    return state_from_facts(root, article_facts(parsed, {s.relpath: s.text for s in sources}), settings, csl_dirs)


def state_from_facts(root: Path, facts: ArticleFacts, settings: str, csl_dirs: Iterable[str]) -> SiteState:
    """The state, from article facts taken while the files were read (a build keeps no texts)."""
    return SiteState(
        settings=settings,
        templates=hash_tree(theme_folders(root, csl_dirs), root),
        sources=hash_tree([root / "content"], root),
        listed=facts.listed,
        slugs=facts.slugs,
        links=facts.links,
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
