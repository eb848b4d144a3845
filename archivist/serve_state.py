"""Take a site's state from disk as hashes, cheaply, for the rebuild planner to compare."""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Mapping

from . import __version__
from .jobs import OutputJob
from .library import Entry
from .facts import ArticleFacts, article_facts
from .load import Parsed
from .model import SourceFile
from .rebuild import SiteState
from .render import STATIC_DIR
from .templating import BUILTIN_TEMPLATES

PACKAGE_LOCALES = Path(__file__).parent / "i18n"


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def settings_digest(root: Path, options: object, base_url: str) -> str:
    """Settings, build options, the preview's base URL and the package version: any change means all."""
    try:
        settings = (root / "pyproject.toml").read_bytes()
    except OSError:
        settings = b""
    return digest(settings + repr((options, base_url, __version__)).encode())


def theme_folders(root: Path, csl_dirs: Iterable[str]) -> list[Path]:
    """Folders whose files reach every page: templates, static files, locales and citation styles."""
    return [root / "templates", *(root / d for d in csl_dirs), BUILTIN_TEMPLATES, STATIC_DIR, PACKAGE_LOCALES]


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
