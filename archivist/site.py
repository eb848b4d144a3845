"""The build pipeline end to end, in memory: load, assemble, cite, plan, render. Nothing is written here.

`build` and `serve` share these steps: `serve` calls the same functions for the parts it redoes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import library as library_step
from .cite import cite_all, export_files
from .config import SiteConfig
from .datafiles import load_site_data
from .diagnostics import Diagnostic
from .harvest import harvest
from .jobs import OutputJob
from .library import Entry, Library
from .load import load_articles
from .plan import bundle_assets, plan
from .render import Renderer, static_files


ARTICLE_PAGE = re.compile(r"articles/[^/]+/index\.html")


@dataclass(frozen=True)
class BuildOptions:
    drafts: bool = False
    search: bool = True
    check_only: bool = False


@dataclass
class SiteBuild:
    """The files of a complete site (path -> bytes or a file to copy) and what went wrong."""

    files: dict[str, bytes | Path] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    article_count: int = 0


def build_site(config: SiteConfig, options: BuildOptions) -> SiteBuild:
    """Run every step up to rendering (and the search index); the caller decides whether to write."""
    result = SiteBuild()
    articles, problems = load_articles(config, drafts=options.drafts)
    result.diagnostics.extend(problems)
    result.article_count = len(articles)
    entries, problems = cite_all(config, articles)
    result.diagnostics.extend(problems)
    library, problems = assemble_library(config, entries)
    result.diagnostics.extend(problems)
    statics = static_files(config)
    pages, problems = render_pages(Renderer(config, statics), plan(config, library))
    result.files.update(pages)
    result.diagnostics.extend(problems)
    files, problems = site_wide_files(config, library, statics)
    result.files.update(files)
    result.diagnostics.extend(problems)
    result.files.update(article_files(library.entries))
    if options.search and config.search and not options.check_only:
        files, problems = search_files(config, result.files)
        result.files.update(files)
        result.diagnostics.extend(problems)
    return result


def assemble_library(config: SiteConfig, entries: Iterable[Entry]) -> tuple[Library, list[Diagnostic]]:
    """The library with the site's data files (authors, journals) read alongside."""
    site_data, problems = load_site_data(config.content_dir)
    return library_step.assemble(list(entries), site_data), problems


def render_pages(renderer: Renderer, jobs: Iterable[OutputJob]) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Render each planned page; a template failure is a diagnostic, and the page is left out."""
    pages: dict[str, bytes] = {}
    problems: list[Diagnostic] = []
    for job in jobs:
        data, problem = renderer.render(job)
        if problem:
            problems.append(problem)
        else:
            pages[job.path] = data
    return pages, problems


def article_files(entries: Iterable[Entry]) -> dict[str, bytes | Path]:
    """What travels with each article besides its page: bundle assets and citation exports."""
    entries = tuple(entries)
    return {**bundle_assets(Library(entries=entries)), **export_files(entries)}


def site_wide_files(config: SiteConfig, library: Library, statics: dict[str, Path]) -> tuple[dict[str, bytes | Path], list[Diagnostic]]:
    """Files made from the whole library at once: feeds, sitemap, harvest files, theme assets."""
    files: dict[str, bytes | Path] = dict(statics)
    harvested, problems = harvest(config, library)
    files.update(harvested)
    files[".nojekyll"] = b""
    return files, problems


def search_files(config: SiteConfig, files: dict[str, bytes | Path]) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """The Pagefind bundle, indexed from the article pages already rendered in memory
    (`articles/<slug>/index.html`); `build` and `serve` both index through here."""
    from .search import SearchIndexError, build_index, search_diagnostic  # only a build that indexes needs Pagefind

    pages = sorted((path, data) for path, data in files.items()
                   if ARTICLE_PAGE.fullmatch(path) and isinstance(data, bytes))
    try:
        return build_index(pages, config), []
    except SearchIndexError as exc:
        return {}, [search_diagnostic(exc)]
