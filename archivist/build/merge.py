"""`merge PART_FOLDER...`: join the parts of a site built with `build --part K/N` into the very site a
whole build makes, byte for byte.

The parts hold every article page (with its exports, bundle files and old addresses) and every search
shard; the merge makes what only the whole archive shows: listings, the home, search and 404 pages,
feeds, the sitemap, harvest files, theme files, and the search index joined from the parts' shards. It
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
from archivist.build.partdata import recorded_entry, shard_of_file
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
from archivist.search.shards import plan_shards
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
    files: dict[str, bytes | Path] = {**pages, **_part_files(parts), **site_wide}
    problems += check_site_tables(config.templates_dir / "i18n", config.root) + found + harvest_problems
    problems += site_problems(library, files, jobs, site_wide)
    if options.search and config.search:
        index, search_problems = _search(config, parts, library.entries, jobs)
        files.update(index)
        problems += search_problems
    return files, problems


def _entries(parts: Sequence[Part], published: list[Parsed]) -> list[Entry]:
    items = {item.source.relpath: item for item in published}
    return [recorded_entry(record, items[record.source], part.site)
            for part in parts for record in part.summary.articles]


def _site_jobs(jobs: Mapping[str, OutputJob]) -> list[OutputJob]:
    """The pages that show no one article: the parts rendered the article and redirect pages."""
    return [job for job in jobs.values() if "entry" not in job.context]


def _part_files(parts: Sequence[Part]) -> dict[str, Path]:
    """The parts' own site files, by site path."""
    return {path: part.site / path for part in parts for path in part.summary.files}


def _search(config: SiteConfig, parts: Sequence[Part], entries: Sequence[Entry],
            jobs: Mapping[str, OutputJob]) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """The search bundle a whole build's search step makes: the shards the parts indexed, joined as one
    archive (its page statistics, the directory of words, the shard table, the global order)."""
    from archivist.search.index import SearchIndexError, joined_index, search_diagnostic  # only a merge that searches

    redirects = redirect_pages(jobs)
    pages = _part_files(parts)
    found = [(path, pages[path]) for path in (f"{entry.article.url_path}index.html" for entry in entries)
             if path not in redirects]
    shards = plan_shards(found, config.search_shard_size)
    try:
        bundles = _bundles(parts)
        return joined_index([(shard, bundles[shard.number]) for shard in shards]), []
    except SearchIndexError as exc:
        return {}, [search_diagnostic(exc)]
    except (KeyError, ValueError, OSError) as exc:
        return {}, [error("pyproject.toml", 1, "search.index", f"the parts' search shards cannot be joined ({exc})")]


def _bundles(parts: Sequence[Part]) -> dict[int, dict[str, bytes]]:
    """Every shard's bundle the parts indexed, by shard number."""
    bundles: dict[int, dict[str, bytes]] = {}
    for part in parts:
        for name in part.summary.search_files:
            number, path = shard_of_file(name)
            bundles.setdefault(number, {})[path] = (part.search / name).read_bytes()
    return bundles
