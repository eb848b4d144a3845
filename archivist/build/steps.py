"""The build's steps, each a function of what the earlier ones made: `build` and `serve` run the same ones."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Callable, Collection, Iterable, Mapping, Sequence

from archivist.build.changes import SiteState, plan_rebuild
from archivist.build.facts import ArticleFacts
from archivist.build.options import BuildOptions
from archivist.build.state import state_from_facts, with_pages
from archivist.citations.bibliography import site_bibliography_files
from archivist.citations.cite import cite_all
from archivist.citations.engine import CitationEngine
from archivist.citations.styles import citation_mode
from archivist.config import SiteConfig
from archivist.content import load as load_step
from archivist.content.site_data import load_site_data
from archivist.diagnostics import Diagnostic
from archivist.harvest.files import harvest
from archivist.library import assemble as library_step
from archivist.library.assemble import Library
from archivist.library.entry import Entry, cited_entries
from archivist.library.related import RelatedMemo
from archivist.markdown.batch import CachedBody, RenderCache, render_each
from archivist.markdown.bodies import BodyStore
from archivist.model import Article, ArticleMeta, Parsed
from archivist.pages.jobs import OutputJob
from archivist.pages.linkcheck import site_link_problems
from archivist.pages.listings import plan_listings
from archivist.pages.plan import bundle_assets, export_files, plan
from archivist.pages.redirects import REDIRECT_TEMPLATE, alias_conflicts
from archivist.render.pool import render_all_pages
from archivist.render.renderer import Renderer
from archivist.util.digests import settings_digest
from archivist.util.progress import SILENT, Progress
from archivist.write.spool import Spool

ARTICLE_PAGE = re.compile(r"articles/[^/]+/index\.html")


def load_articles(config: SiteConfig, drafts: bool = False) -> tuple[list[Article], list[Diagnostic]]:
    """All publishable articles, rendered, with every diagnostic of every file."""
    files, problems = load_step.load(config, drafts)
    rendered = render_articles(config, files.published, RenderCache(config.cache_dir, config.base_url))
    for _article, found in rendered:
        problems.extend(found)
    return [article for article, _found in rendered], problems


def render_articles(config: SiteConfig, published: list[Parsed], cache: RenderCache,
                    among: Collection[str] | None = None, progress: Progress = SILENT,
                    bodies: BodyStore | None = None) -> list[tuple[Article, list[Diagnostic]]]:
    """Each published article rendered (only those `among` the sources given, when given), from the
    cache or on every core, with its problems; the articles keep no source text (their Markdown is
    rendered by then), which on a large archive saves hundreds of megabytes, and with `bodies`, their
    body's HTML waits there for their page instead of in memory."""
    site_wide = bool(site_bibliography_files(config.root))  # looked for once, not once per article
    published = [replace(item, citations=citation_mode(config, item.meta, site_wide)) for item in published]

    def keep(article: Article, stored: CachedBody | None) -> Article:
        article = replace(article, source=replace(article.source, text=""))
        return bodies.stow(article, stored) if bodies is not None else article

    with progress.stage("markdown", "article") as stage:
        return render_each(published, config, cache, among=among, stage=stage, keep=keep)


def cite(config: SiteConfig, articles: list[Article], engine: CitationEngine | None = None,
         catalogue: Sequence[ArticleMeta] | None = None, progress: Progress = SILENT,
         bodies: BodyStore | None = None) -> tuple[list[Entry], list[Diagnostic]]:
    """Each article with its citations, exports and page metadata (formatted by `engine` when given),
    its own citations in place and its references; `catalogue` is every article of the archive, which
    references link to when `articles` are only the changed ones. With `bodies`, the articles that
    cite have their body read back while their citations are put in place, and stowed again after."""
    if bodies is not None:
        articles = [bodies.restore(a) if a.body.citations or a.meta.nocite else a for a in articles]
    cited, problems = cite_all(config, articles, engine=engine, catalogue=catalogue, progress=progress)
    entries = cited_entries(articles, cited)
    if bodies is not None:
        entries = [replace(entry, article=bodies.stow(entry.article)) for entry in entries]
    return entries, problems


def assemble_library(config: SiteConfig, entries: Iterable[Entry], remembered: RelatedMemo | None = None
                     ) -> tuple[Library, list[Diagnostic]]:
    """The library with the site's data files (authors, journals) read alongside."""
    site_data, problems = load_site_data(config.content_dir)
    return library_step.assemble(list(entries), site_data, remembered), problems


def plan_site(config: SiteConfig, library: Library) -> tuple[list[OutputJob], dict[str, OutputJob]]:
    """The listing pages, and every page of the site by path (the listings among them)."""
    listings = plan_listings(config, library)
    return listings, {job.path: job for job in plan(config, library, listings)}


def disk_state(config: SiteConfig, options: BuildOptions, facts: ArticleFacts, known: dict | None = None) -> SiteState:
    """The state of the files on disk, for the rebuild planner; `known` keeps hashes of unchanged files."""
    settings = settings_digest(config, options, config.base_url)
    return state_from_facts(config.root, facts, settings, config.csl_dirs, known)


def page_state(state: SiteState, jobs: dict[str, OutputJob], entries: Iterable[Entry],
               reads: Mapping[str, tuple] | None = None, earlier: SiteState | None = None,
               contexts: Mapping[str, str] | None = None) -> SiteState:
    """What this build depended on, pages included, in the form the rebuild planner compares; `reads`
    fills in as the renderer renders pages, and the pages kept from the `earlier` build keep what they
    read then. `contexts` are the jobs' plan digests when they were taken already (same jobs)."""
    return with_pages(state, jobs, {entry.article.source.relpath: entry for entry in entries}, reads, earlier,
                      contexts)


def redirect_pages(jobs: Mapping[str, OutputJob]) -> frozenset[str]:
    """The pages at articles' old addresses: checked against every other file, and never searched."""
    return frozenset(path for path, job in jobs.items() if job.template == REDIRECT_TEMPLATE)


def choose_pages(jobs: dict[str, OutputJob], old: SiteState | None, pages: Mapping[str, bytes | Path],
                 state: SiteState | None) -> tuple[list[OutputJob], dict[str, bytes | Path]]:
    """The jobs to render, and the pages kept from the previous build instead (same path, same bytes)."""
    if old is None or state is None:
        return list(jobs.values()), {}
    decision = plan_rebuild(old, state)
    if decision.full:
        return list(jobs.values()), {}
    kept = {path: pages[path] for path in jobs if path not in decision.outputs and path in pages}
    return [job for path, job in jobs.items() if path not in kept], kept


def render_pages(renderer: Renderer, jobs: Iterable[OutputJob], spool: Spool | None = None,
                 progress: Progress = SILENT, bodies: BodyStore | None = None
                 ) -> tuple[dict[str, bytes | Path], list[Diagnostic]]:
    """Render each planned page (on every core when there are many; into the spool when there is
    one, with each article's body read back from `bodies` for its own page); a template failure is a
    diagnostic, and the page is left out."""
    jobs = list(jobs)
    pages: dict[str, bytes | Path] = {}
    problems: list[Diagnostic] = []
    with progress.stage("pages", "page", len(jobs)) as stage:
        rendered = render_all_pages(renderer, jobs, spool=spool, done=stage.advance, bodies=bodies)
    for job, (data, problem) in zip(jobs, rendered):
        if problem:
            problems.append(problem)
        elif data is not None:
            pages[job.path] = data
    return pages, problems


def article_files(entries: Iterable[Entry], stow: Callable[[str, bytes], Path] | None = None
                  ) -> dict[str, bytes | Path]:
    """What travels with each article besides its page: bundle assets and citation exports (see
    export_files for `stow`)."""
    entries = tuple(entries)
    return {**bundle_assets(Library(entries=entries)), **export_files(entries, stow)}


def site_wide_files(config: SiteConfig, library: Library, statics: dict[str, Path],
                    listings: Sequence[OutputJob] | None = None) -> tuple[dict[str, bytes | Path], list[Diagnostic]]:
    """Files made from the whole library at once: feeds, sitemap, harvest files, theme assets;
    `listings` are the listing pages when they are planned already."""
    files: dict[str, bytes | Path] = dict(statics)
    harvested, problems = harvest(config, library, listings)
    files.update(harvested)
    files[".nojekyll"] = b""
    return files, problems


def site_problems(library: Library, files: Mapping[str, bytes | Path], jobs: Mapping[str, OutputJob],
                  site_wide: Collection[str], bodies: BodyStore | None = None) -> list[Diagnostic]:
    """What only the whole site shows: old addresses taken by other files, and broken internal links
    (into the ids of bodies that wait in `bodies`, read back for the articles links point into)."""
    others = (set(jobs) - redirect_pages(jobs)) | set(site_wide)
    whole = bodies.restore if bodies is not None else None
    return alias_conflicts(library.entries, others) + site_link_problems(library.entries, files, jobs, whole)


def search_files(config: SiteConfig, files: dict[str, bytes | Path], shard_size: int | None = None,
                 skip: Collection[str] = frozenset(), progress: Progress = SILENT,
                 stow: Callable[[str, bytes], bytes | Path] | None = None
                 ) -> tuple[dict[str, bytes | Path], list[Diagnostic]]:
    """The Pagefind bundle, indexed from the article pages already rendered
    (`articles/<slug>/index.html`, in memory or as the files a large build spooled them to, which
    are read one at a time); `build` and `serve` both index through here. `skip` holds redirect
    pages, which an old article address such as articles/old-slug/ makes look like articles. With
    `stow` (a spool's `put`), the bulk of each shard's bundle goes to it as soon as the shard is ready."""
    from archivist.search.index import SearchIndexError, build_index, search_diagnostic  # only a build that indexes needs Pagefind

    pages = sorted((path, data) for path, data in files.items() if ARTICLE_PAGE.fullmatch(path) and path not in skip)
    damaged: list[Diagnostic] = []  # the cache's damaged entries, indexed again
    try:
        with progress.stage("search", "page", len(pages)) as stage:
            return build_index(pages, config, shard_size=shard_size or config.search_shard_size, done=stage.advance,
                               problems=damaged, stow=stow), damaged
    except SearchIndexError as exc:
        return {}, [search_diagnostic(exc), *damaged]
