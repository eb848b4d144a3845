"""The one orchestrator: run the build's steps in order, in memory, and keep their results for the next run.

`build` runs it once; `serve` keeps one and runs it after every change, when only what the rebuild
planner names is done again. Nothing is written here."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Mapping

from archivist.build.changes import RebuildPlan, SiteState, plan_rebuild
from archivist.build.facts import FactsMemo, LinkNotes, article_facts
from archivist.build.options import BuildOptions
from archivist.build.steps import (article_files, assemble_library, choose_pages, cite, disk_state, page_state,
                                   plan_site, redirect_pages, render_articles, render_pages, search_files,
                                   site_problems, site_wide_files)
from archivist.citations.cite import citation_engine
from archivist.citations.engine import CitationEngine
from archivist.citations.errors import CitationError
from archivist.config import SiteConfig
from archivist.content import load as load_step
from archivist.diagnostics import Diagnostic
from archivist.i18n.site_tables import check_site_tables
from archivist.library.assemble import Library
from archivist.library.entry import Entry, refresh
from archivist.pages.jobs import OutputJob
from archivist.library.related import RelatedMemo
from archivist.markdown.batch import RenderCache
from archivist.markdown.bodies import BodyStore
from archivist.render.renderer import Renderer
from archivist.render.theme import static_files
from archivist.util.cacheentry import CODE as DAMAGED
from archivist.util.progress import SILENT, Progress
from archivist.write.spool import Spool

__all__ = ["BeforeSearch", "BuildOptions", "Pipeline", "Previous", "SiteBuild", "build_site"]

# Told the build so far (every file but the search index's, the diagnostics, the state), just before
# the search index is made.
BeforeSearch = Callable[["SiteBuild"], None]


@dataclass
class SiteBuild:
    """The files of a complete site (path -> bytes or a file to copy) and what went wrong."""

    files: dict[str, bytes | Path] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    article_count: int = 0
    state: SiteState | None = None  # what the next build compares, when asked for
    rendered: int = 0  # pages rendered; the others were kept from the previous output
    redirects: frozenset[str] = frozenset()  # the pages that send an article's old address on to it
    plan: RebuildPlan = RebuildPlan(full=True, reason="first build")  # what this run redid, and why


@dataclass(frozen=True)
class Previous:
    """A previous build the new one may build upon: what it depended on, and its pages on disk."""

    state: SiteState
    pages: Mapping[str, Path]


@dataclass(frozen=True)
class Planned:
    """What a run made from the whole library: kept by `serve` for a run in which no article is listed
    differently (see `Pipeline._steady`)."""

    library: Library
    jobs: dict[str, OutputJob]
    site_wide: dict[str, bytes | Path]  # feeds, sitemap, harvest files, theme files
    data_problems: list[Diagnostic]  # of authors.yaml and journals.yaml
    site_problems: list[Diagnostic]  # of the feeds and harvest files
    contexts: Mapping[str, str] | None = None  # each page's plan digest, once taken


def build_site(config: SiteConfig, options: BuildOptions, previous: Previous | None = None,
               keep_state: bool = False, spool: Spool | None = None, progress: Progress = SILENT,
               before_search: BeforeSearch | None = None) -> SiteBuild:
    """Run every step up to rendering (and the search index); the caller decides whether to write.

    With `previous`, only the pages the rebuild planner names are rendered and every other page is
    the previous build's file; `keep_state` records this build's state for the next one; with a
    `spool`, rendered pages are written there instead of being held in memory; `progress` is told
    how far each step has got; `before_search` is handed the build so far (every file but the
    search index's, the diagnostics, the state) just before the index is made, so that writing
    may begin while it is.
    """
    result = Pipeline(options, previous=previous).run(config, keep_state=keep_state, spool=spool, progress=progress,
                                                      before_search=before_search)
    assert result is not None
    return result


class Pipeline:
    """Runs the steps over one site; with `remember`, it keeps every step's results (and what reading
    the files may reuse), so the next `run` loads, renders and cites again only the articles that
    changed and renders only the pages the rebuild planner names."""

    def __init__(self, options: BuildOptions, remember: bool = False, previous: Previous | None = None):
        self.options, self.remember = options, remember
        self.memo = load_step.LoadMemo() if remember else None
        self.hashes: dict | None = {} if remember else None  # content and theme files unchanged on disk
        self.facts = FactsMemo() if remember else None  # each file's links and listing digest, while it is the same
        self.related = RelatedMemo() if remember else None  # related articles, while no authors or keywords change
        self.engine: CitationEngine | None = None  # kept when remembering: Node started once, styles built once
        self.progress: Progress = SILENT  # the current run's, told how far each step has got
        self.before_search: BeforeSearch | None = None  # the current run's
        self.forget()
        if previous is not None:
            self.state, self.pages = previous.state, dict(previous.pages)

    def close(self, failed: bool = False) -> None:
        """Stop the citation engine's Node workers, if any are kept; after a failure, without waiting."""
        if self.engine is not None:
            self.engine.close(failed)
            self.engine = None

    def forget(self) -> None:
        """Drop every result, so the next run starts from nothing (after a failure halfway)."""
        self.close()
        self.config: SiteConfig | None = None
        self.state: SiteState | None = None
        self.pages: dict[str, bytes | Path] = {}
        self.entries: dict[str, Entry] = {}
        self.problems: dict[str, list[Diagnostic]] = {}  # per article source: what rendering it found
        self.travelling: dict[str, dict[str, bytes | Path]] = {}  # per article source: its exports and assets
        self.planned: Planned | None = None  # the last run's library, pages and site-wide files
        self.cite_problems: list[Diagnostic] = []
        self.damaged: list[Diagnostic] = []
        self.renderer: Renderer | None = None
        self.statics: dict[str, Path] = {}
        self.bodies: BodyStore | None = None  # the current run's, when its bodies wait on disk

    def run(self, config: SiteConfig, keep_state: bool = False, spool: Spool | None = None,
            progress: Progress = SILENT, before_search: BeforeSearch | None = None) -> SiteBuild | None:
        """The complete site as the files are now; None when remembering and nothing that matters changed.
        `progress` is told how far each step of this run has got; `before_search` (see `build_site`)
        is told the build so far before the search index is made."""
        self.progress, self.before_search = progress, before_search
        try:
            result = self._run(config, keep_state, spool)
        except BaseException:
            self.close(failed=True)
            self.forget()  # half-updated results must never be built upon
            gc.unfreeze()
            raise
        if not self.remember:
            gc.unfreeze()  # what `_settle` set aside may be collected again once the run is over
        elif result is not None and result.plan.full:
            _settle()  # what is kept for the next runs stays: later collections need not walk it again
        return result

    def _run(self, config: SiteConfig, keep_state: bool, spool: Spool | None) -> SiteBuild | None:
        notes = None if self.remember else LinkNotes()  # a build keeps no texts; `serve` reuses its own
        files, problems = load_step.load(config, self.options.drafts, self.memo, self.progress,
                                         seen=notes.take if notes is not None else None)
        facts = article_facts(files.parsed, files.texts, self.facts, notes)
        tracked = self.remember or keep_state or self.state is not None
        state = disk_state(config, self.options, facts, self.hashes) if tracked else None
        first = plan_rebuild(self.state if self.config is not None else None, state) if state else RebuildPlan(
            full=True, reason="first build")
        if self.remember and self.config is not None and first.nothing:
            return None
        fresh = self.config is None or first.full or self.config != config
        if fresh:
            self._start(config)
            first = first if first.full else RebuildPlan(full=True, reason=first.reason or "first build")
        steady = self._steady(first, fresh)
        self.references_changed = False
        self.bodies = self._bodies(spool)
        self._articles(config, files.published, first, fresh, steady)
        steady = steady and not self.references_changed
        sources = [item.source.relpath for item in files.published]
        del files  # the texts: a large archive's take hundreds of megabytes
        return self._pages(config, problems, sources, state, first, fresh, spool, keep_state, steady)

    def _bodies(self, spool: Spool | None) -> BodyStore | None:
        """Where this run's article bodies wait for their pages: the spool's, when there is one and
        nothing is kept for a next run (whose entries would outlive the spool); else in memory."""
        if spool is None or self.remember:
            return None
        return BodyStore(spool.scratch("bodies"), spool.folder.parent)

    def _steady(self, plan: RebuildPlan, fresh: bool) -> bool:
        """Whether this run may keep the last run's library, plan and site-wide files: only the bodies
        (or bundle files) of articles changed, none was added, removed or listed differently.

        Listings, feeds, sitemaps and harvest files are made from what listings show of each article
        (its front-matter) and its citations, which come from its front-matter too; making them again
        from the whole library is what made a body edit in a large archive slow."""
        return self.planned is not None and not fresh and not plan.relisted and not plan.removed

    def _start(self, config: SiteConfig) -> None:
        """A run that builds upon nothing in memory: new settings, templates or a first run."""
        state, pages = self.state, self.pages
        self.forget()
        gc.unfreeze()  # what earlier runs kept is let go, and may be collected
        self.state, self.pages = state, pages  # pages on disk may still be kept, as the planner decides
        self.config = config
        self.statics = static_files(config)
        self.renderer = Renderer(config, self.statics)

    def _articles(self, config: SiteConfig, published: list, plan: RebuildPlan, fresh: bool, steady: bool) -> None:
        """Render and cite the articles the plan names (all of them on a fresh run), keeping the others.
        On a steady run each changed article's entry is brought up to date where it stands, so that the
        library, the planned pages and the collections that hold it show the new one."""
        earlier = {source: self.entries[source] for source in plan.articles if source in self.entries} if steady else {}
        for source in plan.removed | plan.articles:
            self.entries.pop(source, None)
            self.problems.pop(source, None)
            self.travelling.pop(source, None)
        among = None if fresh else plan.articles
        cache = RenderCache(config.cache_dir, config.base_url)
        rendered = render_articles(config, published, cache, among, self.progress, self.bodies)
        if fresh:
            cache.prune(item.source.relpath for item in published)
            _settle()
        self.damaged = []  # cache entries found damaged: reported by this run only, as they are made again now
        for article, found in rendered:
            self.problems[article.source.relpath] = [p for p in found if p.code != DAMAGED]
            self.damaged += [p for p in found if p.code == DAMAGED]
        articles = [article for article, _found in rendered]
        if fresh or articles:
            entries, found = cite(config, articles, self._engine(config), [item.meta for item in published],
                                  self.progress, self.bodies)
            cited = {article.source.relpath for article in articles}
            for problem in found:  # an article's own (an unknown key) stays with it until it changes
                if problem.path in cited:
                    self.problems[problem.path] = self.problems[problem.path] + [problem]
            self.damaged += [problem for problem in found if problem.code == DAMAGED]
            self.cite_problems = [problem for problem in found if problem.path not in cited and problem.code != DAMAGED]
            if any(problem.code == "cite.engine" for problem in self.cite_problems):
                self.close()  # a worker that failed is not trusted with the next run
            for entry in entries:
                source = entry.article.source.relpath
                if source in earlier and earlier[source].references != entry.references:
                    self.references_changed = True  # 'cited by' blocks and the Crossref deposit show them
                self.entries[source] = refresh(earlier[source], entry) if source in earlier else entry
        if fresh:
            _settle()

    def _pages(self, config: SiteConfig, problems: list[Diagnostic], sources: list[str], state: SiteState | None,
               plan: RebuildPlan, fresh: bool, spool: Spool | None, keep_state: bool, steady: bool) -> SiteBuild:
        """Plan every page, render those that changed, and make the site-wide files and the diagnostics."""
        assert self.renderer is not None
        entries = [self.entries[source] for source in sources if source in self.entries]
        result = SiteBuild(article_count=len(entries), plan=plan)
        result.diagnostics = check_site_tables(config.templates_dir / "i18n", config.root) + problems
        for source in sources:
            result.diagnostics.extend(self.problems.get(source, ()))
        result.diagnostics.extend(self.cite_problems)
        result.diagnostics.extend(self.damaged)
        planned = self.planned if steady and self.planned is not None else self._plan(config, entries, spool)
        result.diagnostics.extend(planned.data_problems)
        library, jobs = planned.library, planned.jobs
        new_state = None if state is None else page_state(state, jobs, entries, self.renderer.reads, self.state,
                                                          planned.contexts)
        chosen, kept = choose_pages(jobs, self.state, self.pages, new_state)
        if not fresh:
            self.renderer.forget()
        pages, found = render_pages(self.renderer, chosen, spool, self.progress, self.bodies)
        result.diagnostics.extend(found)
        self.pages = {**pages, **kept} if self.remember else {}
        self.state = new_state if (self.remember or keep_state) else None
        result.files.update(pages)
        result.files.update(kept)
        result.rendered, result.state = len(pages), self.state if keep_state else None
        result.files.update(planned.site_wide)
        result.diagnostics.extend(planned.site_problems)
        result.redirects = redirect_pages(jobs)
        result.files.update(self._article_files(library.entries, self._stow(spool)))
        result.diagnostics.extend(site_problems(library, result.files, jobs, planned.site_wide, self.bodies))
        if self.remember and new_state is not None:
            self.planned = replace(planned, contexts=new_state.contexts)
        if self.options.search and config.search and not self.options.check_only:
            if self.before_search is not None:
                self.before_search(result)
            found_files, found = search_files(config, result.files, skip=result.redirects, progress=self.progress,
                                              stow=self._stow(spool))
            result.files.update(found_files)
            result.diagnostics.extend(found)
        return result

    def _plan(self, config: SiteConfig, entries: list[Entry], spool: Spool | None = None) -> Planned:
        """The library of these entries, every page planned, and the files made from the whole library
        (written to the spool when this run's bodies wait there too: nothing is kept for a next run)."""
        library, data_problems = assemble_library(config, entries, self.related)
        listings, jobs = plan_site(config, library)
        site_wide, found = site_wide_files(config, library, self.statics, listings)
        stow = self._stow(spool)
        if stow is not None:
            site_wide = {path: stow(path, data) if isinstance(data, bytes) else data for path, data in site_wide.items()}
        return Planned(library, jobs, site_wide, data_problems, found)

    def _stow(self, spool: Spool | None) -> Callable[[str, bytes], Path] | None:
        """Where this run's made files go instead of memory: the spool, when its bodies wait there too
        (nothing is kept for a next run); else nowhere."""
        return spool.put if spool is not None and self.bodies is not None else None

    def _engine(self, config: SiteConfig) -> CitationEngine | None:
        """The kept citation engine (made on first use), or None when nothing is kept or nothing is cited."""
        if not self.remember or not config.citation_styles:
            return None
        if self.engine is None:
            try:
                self.engine = citation_engine(config)
            except CitationError:
                return None  # cite_all makes its own, and reports what is wrong
        return self.engine

    def _article_files(self, entries: tuple[Entry, ...], stow: Callable[[str, bytes], Path] | None = None
                       ) -> dict[str, bytes | Path]:
        """Each article's exports and bundle assets (exports handed to `stow` when given, see _stow); when
        remembering, made again only for the articles made again: the same objects as before tell the
        preview's folder which files it need not write again."""
        if not self.remember:
            return article_files(entries, stow)
        files: dict[str, bytes | Path] = {}
        for entry in entries:
            source = entry.article.source.relpath
            made = self.travelling.get(source)
            if made is None:
                made = self.travelling[source] = article_files([entry])
            files.update(made)
        return files


def _settle() -> None:
    """Tell the cycle collector that what exists now lives until the run ends (or, in `serve`, until a
    run starts from nothing again).

    A large archive's articles and citations are millions of objects that stay until the end;
    without this every later collection walks all of them again, which made the citation step's
    own Python time grow faster than the archive, and made `serve`'s first edit after a start wait
    a second for one such walk. They are still freed normally at the end.
    """
    gc.collect()
    gc.freeze()
