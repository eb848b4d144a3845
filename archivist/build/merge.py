"""`merge PART_FOLDER...`: join the parts of a site built with `build --part K/N` into the very site a
whole build makes, byte for byte.

The parts hold every article page (with its exports, bundle files and old addresses) and every search
shard; the merge makes what only the whole archive shows: listings, the home, search and 404 pages,
feeds, the sitemap, harvest files, theme files, the search shards' table and their global order. It
reads the front-matter of the site it runs in, and of each article what its part recorded (see
partdata); it checks first that the parts are the whole of that very site (see partcheck). The
diagnostics are the whole build's: each part's, and those only the whole site shows (links between
articles, old addresses taken by other pages, the data files). The output is replaced atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from archivist.build.options import BuildOptions
from archivist.build.partcheck import Part, PartsError, check_complete, check_site, read_parts
from archivist.build.partdata import recorded_entry
from archivist.build.partplan import ownership, site_digests
from archivist.build.steps import (assemble_library, plan_site, redirect_pages, render_pages, site_problems,
                                   site_wide_files)
from archivist.config import SiteConfig
from archivist.content import load as load_step
from archivist.diagnostics import Diagnostic, error, has_errors, normalise
from archivist.i18n.site_tables import check_site_tables
from archivist.library.entry import Entry
from archivist.model import Parsed
from archivist.pages.jobs import OutputJob
from archivist.render.renderer import Renderer
from archivist.render.theme import static_files
from archivist.search.bundle import BundleFormatError
from archivist.search.order import META_FILE, order_file
from archivist.search.shards import BUNDLE_DIR, ENTRY_FILE, Shard, plan_shards, with_shard_table
from archivist.write.commit import WriteReport, commit
from archivist.write.spool import Spool

__all__ = ["MergeOutcome", "PartsError", "merge_into"]


@dataclass(frozen=True)
class MergeOutcome:
    """What `merge` did: the whole site's diagnostics, and what it wrote (None when errors stopped it)."""

    diagnostics: list[Diagnostic]
    parts: int
    articles: int
    report: WriteReport | None


def merge_into(config: SiteConfig, folders: Sequence[Path], output: Path, strict: bool = False) -> MergeOutcome:
    """Merge the part folders into `output`; PartsError (and `output` untouched) when they are not the
    whole of this site."""
    parts = read_parts(folders)
    first = check_complete(parts)
    config = config.with_base_url(first.base_url)
    options = BuildOptions(drafts=first.drafts, search=first.search)
    loaded, problems = load_step.load(config, options.drafts)
    published = loaded.published
    check_site(parts, site_digests(config, options), published,
               ownership(config, (item.meta.slug for item in published), first.parts))
    with Spool(config.cache_dir) as spool:
        files, found = _site(config, options, parts, published, spool)
        diagnostics = normalise(problems + found + [d for part in parts for d in part.summary.diagnostics])
        if has_errors(diagnostics, strict=strict):
            return MergeOutcome(diagnostics, len(parts), len(published), None)
        report = commit(output, files)
    return MergeOutcome(diagnostics, len(parts), len(published), report)


def _site(config: SiteConfig, options: BuildOptions, parts: Sequence[Part], published: list[Parsed],
          spool: Spool) -> tuple[dict[str, bytes | Path], list[Diagnostic]]:
    """Every file of the site, and the problems only the whole site shows."""
    library, problems = assemble_library(config, _entries(parts, published))
    listings, jobs = plan_site(config, library)
    statics = static_files(config)
    pages, found = render_pages(Renderer(config, statics), _site_jobs(jobs), spool)
    site_wide, harvest_problems = site_wide_files(config, library, statics, listings)
    files: dict[str, bytes | Path] = {**pages, **_part_files(parts, search=False), **site_wide}
    problems += check_site_tables(config.templates_dir / "i18n", config.root) + found + harvest_problems
    problems += site_problems(library, files, jobs, site_wide)
    if options.search and config.search:
        files.update(_part_files(parts, search=True))
        table, search_problems = _shard_table(config, parts, library.entries, jobs)
        files.update(table)
        problems += search_problems
    return files, problems


def _entries(parts: Sequence[Part], published: list[Parsed]) -> list[Entry]:
    items = {item.source.relpath: item for item in published}
    return [recorded_entry(record, items[record.source], part.site)
            for part in parts for record in part.summary.articles]


def _site_jobs(jobs: Mapping[str, OutputJob]) -> list[OutputJob]:
    """The pages that show no one article: the parts rendered the article and redirect pages."""
    return [job for job in jobs.values() if "entry" not in job.context]


def _part_files(parts: Sequence[Part], search: bool) -> dict[str, Path]:
    return {path: part.site / path for part in parts
            for path in (part.summary.search_files if search else part.summary.files)}


def _shard_table(config: SiteConfig, parts: Sequence[Part], entries: Sequence[Entry],
                 jobs: Mapping[str, OutputJob]) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """The primary shard's entry file naming the others, and the file that orders sorted results across
    them, as a whole build's search step makes them (nothing when there is one shard)."""
    redirects = redirect_pages(jobs)
    pages = _part_files(parts, search=False)
    found = [(path, pages[path]) for path in (f"{entry.article.url_path}index.html" for entry in entries)
             if path not in redirects]
    shards = plan_shards(found, config.search_shard_size)
    if len(shards) < 2:
        return {}, []
    search = _part_files(parts, search=True)
    try:
        order = order_file([(shard, _metadata(shard, search)) for shard in shards])
        entry_path = f"{BUNDLE_DIR}/{ENTRY_FILE}"
        others = [shard.folder for shard in shards if not shard.primary]
        table = {entry_path: with_shard_table(search[entry_path].read_bytes(), others, order[0] if order else None)}
    except (BundleFormatError, ValueError, KeyError, IndexError, EOFError, OSError) as exc:
        return {}, [error("pyproject.toml", 1, "search.index", f"the parts' search shards cannot be joined ({exc})")]
    if order:
        table[f"{BUNDLE_DIR}/{order[0]}"] = order[1]
    return table, []


def _metadata(shard: Shard, search: Mapping[str, Path]) -> dict[str, bytes]:
    """A shard's metadata file (what the global order is read from), by its name in the shard's folder."""
    folder = f"{BUNDLE_DIR}/{shard.folder}"
    names = (path[len(folder):] for path in search if path.startswith(folder))
    return {name: search[folder + name].read_bytes() for name in names if META_FILE.match(name)}
