"""`build --part K/N`: one part of a site, for a matrix of machines: the pages of the articles it owns
(with their exports, bundle files and old addresses), its search shards, and a summary for `merge`.

Every part loads the whole archive's front-matter, so that its pages show other articles, listings
their groups and related articles exactly as a whole build does (see partneeds for what else it
renders); it renders and cites only its own articles and those few. The part folder holds the files
under site/ and the summary in archivist-part.json (see partdata), and is replaced atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from archivist.build.options import BuildOptions
from archivist.build.partdata import (FORMAT, PART_FILE, SEARCH_FOLDER, SITE_FOLDER, PartSummary, encode,
                                      front_matter_entry, record_of, shard_file)
from archivist.build.partneeds import possible_citers, presumed_text, presumption_problems
from archivist.build.partplan import Ownership, PartSpec, PartSpecError, ownership, site_digests
from archivist.build.steps import (article_files, assemble_library, cite, plan_site, redirect_pages, render_articles,
                                   render_pages)
from archivist.config import SiteConfig
from archivist.content import load as load_step
from archivist.diagnostics import Diagnostic, has_errors, normalise
from archivist.i18n.site_tables import check_site_tables
from archivist.library.entry import Entry
from archivist.markdown.batch import RenderCache
from archivist.model import Parsed
from archivist.pages.jobs import OutputJob
from archivist.render.renderer import Renderer
from archivist.render.theme import static_files
from archivist.search.shards import Shard, plan_shards
from archivist.write.commit import WriteReport, commit
from archivist.write.spool import Spool

__all__ = ["PartOutcome", "PartSpec", "PartSpecError", "build_part_into"]


@dataclass(frozen=True)
class PartOutcome:
    """What `build --part` did: its diagnostics, its share of the archive, and what it wrote (None when
    errors stopped it)."""

    diagnostics: list[Diagnostic]
    articles: int  # this part's
    total: int  # the whole archive's
    shards: int  # this part's search shards
    report: WriteReport | None


@dataclass
class _Made:
    files: dict[str, bytes | Path]
    search: dict[str, bytes]
    entries: list[Entry]
    shards: int
    problems: list[Diagnostic]


def build_part_into(config: SiteConfig, options: BuildOptions, spec: PartSpec, output: Path,
                    strict: bool = False) -> PartOutcome:
    """Build part `spec` of the site into `output`, or leave `output` as it was when errors stop it."""
    with Spool(config.cache_dir) as spool:
        loaded, problems = load_step.load(config, options.drafts)
        published = loaded.published
        plan = ownership(config, (item.meta.slug for item in published), spec.count)
        made = _make(config, options, spec, plan, published, spool)
        diagnostics = normalise(problems + made.problems)
        outcome = PartOutcome(diagnostics, len(made.entries), len(published), made.shards, None)
        if has_errors(diagnostics, strict=strict):
            return outcome
        summary = _summary(config, options, spec, plan, made, diagnostics)
        files = {PART_FILE: encode(summary), **{f"{SITE_FOLDER}/{path}": data for path, data in made.files.items()},
                 **{f"{SEARCH_FOLDER}/{path}": data for path, data in made.search.items()}}
        report = commit(output, files)
    return PartOutcome(diagnostics, len(made.entries), len(published), made.shards, report)


def _make(config: SiteConfig, options: BuildOptions, spec: PartSpec, plan: Ownership, published: list[Parsed],
          spool: Spool) -> _Made:
    """Plan the whole site from every article's entry, and render this part's pages and search shards."""
    owned = {item.source.relpath for item in published if plan.part_of(item.meta.slug) == spec.number}
    entries, problems = _entries(config, published, owned)
    library, _data_problems = assemble_library(config, entries)  # the merge reports the site's data files
    _listings, jobs = plan_site(config, library)
    mine = [entry for entry in library.entries if entry.article.source.relpath in owned]
    pages, found = render_pages(Renderer(config, static_files(config)), _own_jobs(jobs, owned), spool)
    files = {**pages, **article_files(mine)}
    search, shards, search_problems = _search(config, options, spec, plan, library.entries, files, jobs)
    return _Made(files, search, mine, shards, problems + found + search_problems)


def _entries(config: SiteConfig, published: list[Parsed], owned: set[str]) -> tuple[list[Entry], list[Diagnostic]]:
    """Every article's entry, with this part's problems: its own articles and those that may cite them
    rendered and cited, as in a whole build; every other one from its front-matter."""
    others = [item for item in published if item.source.relpath not in owned]
    other_sources = {item.source.relpath for item in others}
    targets = {f"articles/{item.meta.slug}/" for item in published if item.source.relpath in owned}
    citers = possible_citers(config, others, published, targets)
    unsure = {item.source.relpath for item in others if presumed_text(item.body) is None} - citers
    cache = RenderCache(config.cache_dir, config.base_url)
    rendered = render_articles(config, published, cache, among=owned | citers | unsure)
    cache.prune(item.source.relpath for item in published)  # only a removed article's entry goes
    problems = check_site_tables(config.templates_dir / "i18n", config.root)
    problems += [problem for article, found in rendered if article.source.relpath in owned for problem in found]
    to_cite = [article for article, _found in rendered if article.source.relpath in owned | citers]
    bodies = {item.source.relpath: item.body for item in published}
    problems += presumption_problems((a for a in to_cite if a.source.relpath in owned), bodies)
    entries, found = cite(config, to_cite, None, [item.meta for item in published])
    problems += [problem for problem in found if problem.path not in other_sources]  # theirs are their part's
    has_text = {article.source.relpath: article.has_body for article, _found in rendered}
    entries += [front_matter_entry(item, config, has_text.get(item.source.relpath, bool(presumed_text(item.body))))
                for item in others if item.source.relpath not in citers]
    return entries, problems


def _own_jobs(jobs: Mapping[str, OutputJob], owned: set[str]) -> list[OutputJob]:
    """The article pages and redirect pages of this part's articles: the only jobs that show one article."""
    return [job for job in jobs.values()
            if "entry" in job.context and job.context["entry"].article.source.relpath in owned]


def _search(config: SiteConfig, options: BuildOptions, spec: PartSpec, plan: Ownership, entries: Sequence[Entry],
            files: Mapping[str, bytes | Path], jobs: Mapping[str, OutputJob]) -> tuple[dict[str, bytes], int, list[Diagnostic]]:
    """This part's search shards, each bundle as Pagefind made it (with its words): the merge joins them
    with the other parts' as a whole build joins its shards."""
    if not (options.search and config.search):
        return {}, 0, []
    from archivist.search.index import SearchIndexError, index_bundles, search_diagnostic  # only a build that indexes needs Pagefind

    redirects = redirect_pages(jobs)
    pages = [(path, files.get(path, b"")) for path in (f"{e.article.url_path}index.html" for e in entries)
             if path not in redirects]
    shards = [shard for shard in plan_shards(pages, config.search_shard_size) if _owns(spec, shard)]
    assert shards == [] or plan.shards == shards[0].count
    damaged: list[Diagnostic] = []
    try:
        bundles = index_bundles(shards, config, config.search_shard_size, prune=True,  # the cache keeps this part's
                                problems=damaged)
    except SearchIndexError as exc:
        return {}, len(shards), [search_diagnostic(exc), *damaged]
    found = {shard_file(shard.number, path): data for shard, bundle in bundles for path, data in bundle.items()}
    return found, len(shards), damaged


def _owns(spec: PartSpec, shard: Shard) -> bool:
    return shard.number % spec.count == spec.number - 1


def _summary(config: SiteConfig, options: BuildOptions, spec: PartSpec, plan: Ownership, made: _Made,
             diagnostics: list[Diagnostic]) -> PartSummary:
    records = tuple(sorted((record_of(entry) for entry in made.entries), key=lambda record: record.source))
    return PartSummary(FORMAT, spec.number, spec.count, config.base_url, options.drafts, options.search,
                       site_digests(config, options), plan.shards, records, tuple(sorted(made.files)),
                       tuple(sorted(made.search)), tuple(diagnostics))
