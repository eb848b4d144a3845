"""The build pipeline end to end, in memory: load, assemble, cite, plan, render. Nothing is written here.

`build` and `serve` share these steps: `serve` calls the same functions for the parts it redoes."""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Collection, Iterable, Mapping, Sequence

from archivist.library import assemble as library_step
from archivist.pages.redirects import REDIRECT_TEMPLATE, alias_conflicts
from archivist.citations.cite import cite_all
from archivist.config import SiteConfig
from archivist.content.site_data import load_site_data
from archivist.diagnostics import Diagnostic
from archivist.harvest.files import harvest
from archivist.i18n.site_tables import check_site_tables
from archivist.pages.jobs import OutputJob
from archivist.library.assemble import Library
from archivist.library.entry import Entry, cited_entries
from archivist.pages.linkcheck import site_link_problems
from archivist.content import load as load_step
from archivist.markdown.batch import RenderCache, render_all
from archivist.model import Article
from archivist.build.facts import ArticleFacts, article_facts
from archivist.build.options import BuildOptions
from archivist.render.pool import render_all_pages
from archivist.pages.listings import plan_listings
from archivist.pages.plan import bundle_assets, export_files, plan
from archivist.build.changes import SiteState, plan_rebuild
from archivist.render.renderer import Renderer
from archivist.render.theme import static_files
from archivist.write.spool import Spool
from archivist.build.state import state_from_facts, with_pages
from archivist.util.digests import settings_digest


ARTICLE_PAGE = re.compile(r"articles/[^/]+/index\.html")


@dataclass
class SiteBuild:
    """The files of a complete site (path -> bytes or a file to copy) and what went wrong."""

    files: dict[str, bytes | Path] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    article_count: int = 0
    state: SiteState | None = None  # what the next build compares, when asked for
    rendered: int = 0  # pages rendered; the others were kept from the previous output
    redirects: frozenset[str] = frozenset()  # the pages that send an article's old address on to it


@dataclass(frozen=True)
class Loaded:
    """The published articles of a site, and the facts of every article file a rebuild compares."""

    articles: list[Article]
    facts: ArticleFacts


@dataclass(frozen=True)
class Previous:
    """A previous build the new one may build upon: what it depended on, and its pages on disk."""

    state: SiteState
    pages: Mapping[str, Path]


def build_site(config: SiteConfig, options: BuildOptions, previous: Previous | None = None,
               keep_state: bool = False, spool: Spool | None = None) -> SiteBuild:
    """Run every step up to rendering (and the search index); the caller decides whether to write.

    With `previous`, only the pages the rebuild planner names are rendered and every other page is
    the previous build's file; `keep_state` records this build's state for the next one; with a
    `spool`, rendered pages are written there instead of being held in memory.
    """
    try:
        return _build(config, options, previous, keep_state, spool)
    finally:
        gc.unfreeze()  # what `_settle` set aside may be collected again once the build is over


def _build(config: SiteConfig, options: BuildOptions, previous: Previous | None, keep_state: bool,
           spool: Spool | None) -> SiteBuild:
    result = SiteBuild()
    result.diagnostics.extend(check_site_tables(config.templates_dir / "i18n", config.root))
    loaded, problems = load_site_articles(config, drafts=options.drafts)
    result.diagnostics.extend(problems)
    result.article_count = len(loaded.articles)
    _settle()
    cited, problems = cite_all(config, loaded.articles)
    entries = cited_entries(loaded.articles, cited)
    result.diagnostics.extend(problems)
    _settle()
    library, problems = assemble_library(config, entries)
    result.diagnostics.extend(problems)
    statics = static_files(config)
    listings = plan_listings(config, library)
    jobs = {job.path: job for job in plan(config, library, listings)}
    renderer = Renderer(config, statics)
    if keep_state or previous is not None:
        result.state = page_state(config, options, loaded, jobs, entries, renderer.reads, previous)
    chosen, kept = choose_pages(jobs, previous, result.state)
    pages, problems = render_pages(renderer, chosen, spool)
    result.files.update(pages)
    result.files.update(kept)
    result.rendered = len(pages)
    result.diagnostics.extend(problems)
    files, problems = site_wide_files(config, library, statics, listings)
    result.files.update(files)
    result.diagnostics.extend(problems)
    result.redirects = redirect_pages(jobs)
    result.diagnostics.extend(alias_conflicts(library.entries, (set(jobs) - result.redirects) | set(files)))
    result.files.update(article_files(library.entries))
    result.diagnostics.extend(site_link_problems(library.entries, result.files, jobs))
    if options.search and config.search and not options.check_only:
        files, problems = search_files(config, result.files, skip=result.redirects)
        result.files.update(files)
        result.diagnostics.extend(problems)
    return result


def load_articles(config: SiteConfig, drafts: bool = False) -> tuple[list[Article], list[Diagnostic]]:
    """All publishable articles, rendered, with every diagnostic of every file."""
    loaded, problems = load_site_articles(config, drafts)
    return loaded.articles, problems


def load_site_articles(config: SiteConfig, drafts: bool = False) -> tuple[Loaded, list[Diagnostic]]:
    """Like `load_articles`, with the facts for rebuild planning; the articles keep no source text
    (their Markdown is rendered by then), which on a large archive saves hundreds of megabytes."""
    files, problems = load_step.load(config, drafts)
    facts = article_facts(files.parsed, files.texts)
    cache = RenderCache(config.cache_dir)
    articles, found = render_all(files.published, config, cache)
    problems.extend(found)
    cache.prune(files.texts)
    del files
    return Loaded([replace(a, source=replace(a.source, text="")) for a in articles], facts), problems


def _settle() -> None:
    """Tell the cycle collector that what exists now lives until the build ends.

    A large archive's articles and citations are millions of objects that stay until the end;
    without this every later collection walks all of them again, which made the citation step's
    own Python time grow faster than the archive. They are still freed normally at the end.
    """
    gc.collect()
    gc.freeze()


def page_state(config: SiteConfig, options: BuildOptions, loaded: Loaded, jobs: dict[str, OutputJob],
               entries: Iterable[Entry], reads: Mapping[str, tuple] | None = None,
               previous: Previous | None = None) -> SiteState:
    """What this build depended on, in the form the rebuild planner compares; `reads` fills in as the
    renderer renders pages, and the pages kept from `previous` keep what they read then."""
    settings = settings_digest(config, options, config.base_url)
    state = state_from_facts(config.root, loaded.facts, settings, config.csl_dirs)
    return with_pages(state, jobs, {entry.article.source.relpath: entry for entry in entries}, reads,
                      previous.state if previous is not None else None)


def redirect_pages(jobs: Mapping[str, OutputJob]) -> frozenset[str]:
    """The pages at articles' old addresses: checked against every other file, and never searched."""
    return frozenset(path for path, job in jobs.items() if job.template == REDIRECT_TEMPLATE)


def choose_pages(jobs: dict[str, OutputJob], previous: Previous | None, state: SiteState | None
                 ) -> tuple[list[OutputJob], dict[str, Path]]:
    """The jobs to render, and the pages kept from the previous build instead (same path, same bytes)."""
    if previous is None or state is None:
        return list(jobs.values()), {}
    decision = plan_rebuild(previous.state, state)
    if decision.full:
        return list(jobs.values()), {}
    kept = {path: previous.pages[path] for path in jobs
            if path not in decision.outputs and path in previous.pages}
    return [job for path, job in jobs.items() if path not in kept], kept


def assemble_library(config: SiteConfig, entries: Iterable[Entry]) -> tuple[Library, list[Diagnostic]]:
    """The library with the site's data files (authors, journals) read alongside."""
    site_data, problems = load_site_data(config.content_dir)
    return library_step.assemble(list(entries), site_data), problems


def render_pages(renderer: Renderer, jobs: Iterable[OutputJob], spool: Spool | None = None
                 ) -> tuple[dict[str, bytes | Path], list[Diagnostic]]:
    """Render each planned page (on every core when there are many; into the spool when there is
    one); a template failure is a diagnostic, and the page is left out."""
    jobs = list(jobs)
    pages: dict[str, bytes | Path] = {}
    problems: list[Diagnostic] = []
    for job, (data, problem) in zip(jobs, render_all_pages(renderer, jobs, spool=spool)):
        if problem:
            problems.append(problem)
        elif data is not None:
            pages[job.path] = data
    return pages, problems


def article_files(entries: Iterable[Entry]) -> dict[str, bytes | Path]:
    """What travels with each article besides its page: bundle assets and citation exports."""
    entries = tuple(entries)
    return {**bundle_assets(Library(entries=entries)), **export_files(entries)}


def site_wide_files(config: SiteConfig, library: Library, statics: dict[str, Path],
                    listings: Sequence[OutputJob] | None = None) -> tuple[dict[str, bytes | Path], list[Diagnostic]]:
    """Files made from the whole library at once: feeds, sitemap, harvest files, theme assets;
    `listings` are the listing pages when they are planned already."""
    files: dict[str, bytes | Path] = dict(statics)
    harvested, problems = harvest(config, library, listings)
    files.update(harvested)
    files[".nojekyll"] = b""
    return files, problems


def search_files(config: SiteConfig, files: dict[str, bytes | Path], shard_size: int | None = None,
                 skip: Collection[str] = frozenset()) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """The Pagefind bundle, indexed from the article pages already rendered
    (`articles/<slug>/index.html`, in memory or as the files a large build spooled them to, which
    are read one at a time); `build` and `serve` both index through here. `skip` holds redirect
    pages, which an old article address such as articles/old-slug/ makes look like articles."""
    from archivist.search.index import SearchIndexError, build_index, search_diagnostic  # only a build that indexes needs Pagefind

    pages = sorted((path, data) for path, data in files.items() if ARTICLE_PAGE.fullmatch(path) and path not in skip)
    try:
        return build_index(pages, config, shard_size=shard_size or config.search_shard_size), []
    except SearchIndexError as exc:
        return {}, [search_diagnostic(exc)]
