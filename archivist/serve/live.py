"""Keep a built site in memory and bring it up to date, re-rendering only what `plan_rebuild` names."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from archivist import config as config_step
from archivist.content import discover
from archivist.content.aliases import alias_targets
from archivist.pages.redirects import alias_conflicts
from archivist.citations.cite import cite_all
from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic
from archivist.i18n.site_tables import check_site_tables
from archivist.library.assemble import Library
from archivist.library.entry import Entry, cited_entries
from archivist.pages.linkcheck import site_link_problems
from archivist.content.load import duplicates, missing_pdfs, parse
from archivist.markdown.article import article_resolver, path_resolver, render as render_article
from archivist.model import Parsed, SourceFile
from archivist.pages.jobs import OutputJob
from archivist.pages.listings import plan_listings
from archivist.pages.plan import plan as plan_pages
from archivist.build.changes import RebuildPlan, SiteState, plan_rebuild
from archivist.render.renderer import Renderer
from archivist.render.theme import static_files
from archivist.build.state import take_state, with_pages
from archivist.util.digests import digest, settings_digest
from archivist.build.pipeline import BuildOptions, SiteBuild, article_files, assemble_library, redirect_pages, site_wide_files
from archivist.content.translations import translation_problems, withheld_slug


@dataclass(frozen=True)
class Outcome:
    """One rebuild: the complete site, what was wrong with it, what was redone and how long it took."""

    build: SiteBuild
    plan: RebuildPlan
    rendered: int  # pages rendered by this rebuild
    seconds: float


@dataclass
class _Memory:
    """Everything a previous build computed that a later one may reuse, keyed by article source."""

    config: SiteConfig
    renderer: Renderer
    state: SiteState
    parsed: dict[str, Parsed | None] = field(default_factory=dict)
    problems: dict[str, list[Diagnostic]] = field(default_factory=dict)  # per source: parse + render
    entries: dict[str, Entry] = field(default_factory=dict)
    jobs: dict[str, OutputJob] = field(default_factory=dict)
    page_problems: dict[str, Diagnostic] = field(default_factory=dict)
    scan_problems: list[Diagnostic] = field(default_factory=list)
    cite_problems: list[Diagnostic] = field(default_factory=list)  # the citation engine's, site-wide
    files: dict[str, bytes | Path] = field(default_factory=dict)
    site_wide: set[str] = field(default_factory=set)  # feeds, sitemap, archive exports: made from every entry
    statics: dict[str, Path] = field(default_factory=dict)
    data_problems: list[Diagnostic] = field(default_factory=list)  # authors.yaml, journals.yaml
    site_problems: list[Diagnostic] = field(default_factory=list)  # feeds, OAI, Crossref
    withheld: list[str] = field(default_factory=list)  # slugs of the drafts and unreadable files left out
    library: Library | None = None  # assembled by _plan for the current rebuild
    listings: list[OutputJob] = field(default_factory=list)  # planned by _plan; the sitemap lists them too


class LiveBuilder:
    """Builds one site over and over; each `rebuild` redoes only what changed since the last."""

    def __init__(self, root: Path, options: BuildOptions, base_url: str | None = None):
        self.root, self.options, self.base_url = root.resolve(), options, base_url
        self._memory: _Memory | None = None
        # Front-matter validation is the slow part of looking at every file: keep each file's
        # result for as long as its text and the site language stay the same.
        self._parsed: dict[str, tuple[tuple[str, str], tuple[Parsed | None, list[Diagnostic]]]] = {}
        # Files unchanged on disk (same size, time and inode) are neither read nor hashed again.
        self._read: dict = {}
        self._hashes: dict = {}

    @property
    def style_dirs(self) -> tuple[str, ...]:
        """The citation style folders the settings name (watched like templates)."""
        return self._memory.config.csl_dirs if self._memory is not None else ("styles",)

    @property
    def config(self) -> SiteConfig | None:
        """The settings of the last rebuild (with the preview's base URL), None before the first."""
        return self._memory.config if self._memory is not None else None

    def forget(self) -> None:
        """Drop what was remembered, so the next rebuild starts from nothing (after a crash)."""
        self._memory = None

    def rebuild(self, force_full: bool = False) -> Outcome | None:
        """Bring the site up to date; None when nothing that matters changed. May raise ContentError."""
        started = time.perf_counter()
        config = self._load_config()
        sources, scan_problems = discover.scan(self.root, self._read)
        read = {s.relpath: self._parse(s, config) for s in sources}
        parsed = {path: (self._published(item), found) for path, (item, found) in read.items()}
        withheld = [withheld_slug(s, read[s.relpath][0]) for s in sources if parsed[s.relpath][0] is None]
        settings = settings_digest(config, self.options, self.base_url or "")
        items = {path: item for path, (item, _found) in parsed.items()}
        state = take_state(self.root, sources, items, settings, config.csl_dirs, self._hashes)
        memory = None if force_full else self._memory
        first = plan_rebuild(memory.state if memory else None, state)
        if first.nothing:
            return None
        try:
            if memory is None or first.full:
                memory = self._full(config, parsed, scan_problems, state)
                rendered = len(memory.jobs)
            else:
                rendered = self._update(memory, parsed, scan_problems, state, first)
        except BaseException:
            self._memory = None  # half-updated memory must never be built upon
            raise
        memory.withheld = withheld
        self._memory = memory
        return Outcome(self._result(memory), first, rendered, time.perf_counter() - started)

    def _load_config(self) -> SiteConfig:
        config = config_step.load(self.root)
        return config.with_base_url(self.base_url) if self.base_url else config

    def _parse(self, source: SourceFile, config: SiteConfig) -> tuple[Parsed | None, list[Diagnostic]]:
        """Validate one file's front-matter (drafts included: `_published` decides about them)."""
        key = (digest(source.text.encode("utf-8")), config.language)
        known = self._parsed.get(source.relpath)
        if known is not None and known[0] == key:
            item, found = known[1]
            return (replace(item, source=source) if item is not None else None), list(found)
        item, found = parse(source, config.language)
        self._parsed[source.relpath] = (key, (item, list(found)))
        return item, list(found)

    def _published(self, item: Parsed | None) -> Parsed | None:
        """A draft stays out unless drafts were asked for."""
        return None if item is not None and item.meta.draft and not self.options.drafts else item

    def _full(self, config: SiteConfig, parsed: dict, scan_problems: list[Diagnostic], state: SiteState) -> _Memory:
        statics = static_files(config)
        memory = _Memory(config=config, renderer=Renderer(config, statics), state=state)
        memory.scan_problems = list(scan_problems)
        self._take(memory, parsed, set(parsed))
        self._render_articles(memory, set(memory.parsed))
        jobs = self._plan(memory)
        for job in jobs.values():
            self._render_page(memory, job)
        memory.jobs = jobs
        memory.statics = statics
        for entry in memory.entries.values():
            memory.files.update(_article_files(entry))
        self._site_wide(memory)
        memory.state = with_pages(state, jobs, memory.entries, memory.renderer.reads)
        return memory

    def _update(self, memory: _Memory, parsed: dict, scan_problems: list[Diagnostic], state: SiteState,
                first: RebuildPlan) -> int:
        memory.scan_problems = list(scan_problems)
        for source in first.removed:
            self._drop_article_files(memory, source)
            for table in (memory.parsed, memory.problems, memory.entries):
                table.pop(source, None)
        redo = set(first.articles)
        self._take(memory, parsed, redo)
        for source in redo:
            self._drop_article_files(memory, source)
        self._render_articles(memory, redo)
        jobs = self._plan(memory)
        new_state = with_pages(state, jobs, memory.entries, memory.renderer.reads)
        final = plan_rebuild(memory.state, new_state)
        for gone in set(memory.jobs) - set(jobs):
            memory.files.pop(gone, None)
            memory.page_problems.pop(gone, None)
        to_render = final.outputs | (set(jobs) - set(memory.jobs))
        memory.renderer.forget()
        for path in sorted(to_render):
            self._render_page(memory, jobs[path])
        for source in redo:
            if source in memory.entries:
                memory.files.update(_article_files(memory.entries[source]))
        memory.jobs, memory.state = jobs, new_state
        self._site_wide(memory)
        return len(to_render)

    @staticmethod
    def _take(memory: _Memory, parsed: dict, wanted: set[str]) -> None:
        for source in wanted:
            memory.parsed[source], memory.problems[source] = parsed[source]

    def _render_articles(self, memory: _Memory, wanted: set[str]) -> None:
        """Render and cite the wanted articles, reusing every other article as it was."""
        published = [i for i in memory.parsed.values() if i is not None]
        resolver = article_resolver(memory.config, (i.meta.slug for i in published))
        paths = path_resolver(memory.config, alias_targets((i.meta.slug, i.meta.aliases) for i in published).items())
        fresh = []
        for source in sorted(wanted):
            memory.entries.pop(source, None)
            item = memory.parsed.get(source)
            if item is None:
                continue
            article, found = render_article(item, memory.config, resolver, paths)
            memory.problems[source] = memory.problems.get(source, []) + list(found)
            fresh.append(article)
        if not fresh:
            return
        cited, memory.cite_problems = cite_all(memory.config, fresh)
        for entry in cited_entries(fresh, cited):
            memory.entries[entry.article.source.relpath] = entry

    def _library(self, memory: _Memory) -> Library:
        """The library of this rebuild, assembled once: its collections are the costly part of
        planning and are shared by the pages, the feeds and the harvest files."""
        if memory.library is None:
            memory.library, memory.data_problems = assemble_library(memory.config, memory.entries.values())
        return memory.library

    def _plan(self, memory: _Memory) -> dict[str, OutputJob]:
        memory.library = None  # the entries may have changed since the last rebuild
        memory.listings = plan_listings(memory.config, self._library(memory))
        return {job.path: job for job in plan_pages(memory.config, self._library(memory), memory.listings)}

    def _site_wide(self, memory: _Memory) -> None:
        """Files made from the whole library at once are cheap to make and made again every time."""
        for path in memory.site_wide:
            memory.files.pop(path, None)
        made, memory.site_problems = site_wide_files(memory.config, self._library(memory), memory.statics,
                                                     memory.listings)
        memory.files.update(made)
        memory.site_wide = set(made)

    def _render_page(self, memory: _Memory, job: OutputJob) -> None:
        data, problem = memory.renderer.render(job)
        memory.page_problems.pop(job.path, None)
        if problem:
            memory.page_problems[job.path] = problem
            memory.files.pop(job.path, None)
        else:
            memory.files[job.path] = data

    def _drop_article_files(self, memory: _Memory, source: str) -> None:
        entry = memory.entries.get(source)
        if entry is not None:
            for path in _article_files(entry):
                memory.files.pop(path, None)

    def _result(self, memory: _Memory) -> SiteBuild:
        parsed = [p for p in memory.parsed.values() if p is not None]
        redirects = redirect_pages(memory.jobs)
        others = (set(memory.jobs) - redirects) | memory.site_wide
        diagnostics = (memory.scan_problems + memory.cite_problems + memory.data_problems + memory.site_problems
                       + duplicates(parsed) + missing_pdfs(parsed) + translation_problems(parsed, memory.withheld)
                       + alias_conflicts(self._library(memory).entries, others)
                       + check_site_tables(memory.config.templates_dir / "i18n", memory.config.root)
                       + site_link_problems(self._library(memory).entries, memory.files, memory.jobs))
        for found in memory.problems.values():
            diagnostics.extend(found)
        diagnostics.extend(memory.page_problems.values())
        return SiteBuild(files=dict(memory.files), diagnostics=diagnostics, article_count=len(memory.entries),
                         redirects=redirects)


def _article_files(entry: Entry) -> dict[str, bytes | Path]:
    """The files that travel with one article: its citation exports and its bundle's assets."""
    return article_files([entry])
