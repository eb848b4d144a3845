"""The build pipeline end to end, in memory: load, assemble, cite, plan, render. Nothing is written here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import library as library_step
from .cite import cite_all, export_files
from .datafiles import load_site_data
from .harvest import harvest
from .config import SiteConfig
from .diagnostics import Diagnostic
from .load import load_articles
from .plan import bundle_assets, plan
from .render import Renderer, static_files


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
    """Run every step up to rendering; the caller decides whether to write."""
    result = SiteBuild()
    articles, problems = load_articles(config, drafts=options.drafts)
    result.diagnostics.extend(problems)
    result.article_count = len(articles)
    entries, problems = cite_all(config, articles)
    result.diagnostics.extend(problems)
    site_data, problems = load_site_data(config.content_dir)
    result.diagnostics.extend(problems)
    library = library_step.assemble(entries, site_data)
    statics = static_files(config)
    renderer = Renderer(config, statics)
    for job in plan(config, library):
        data, problem = renderer.render(job)
        if problem:
            result.diagnostics.append(problem)
        else:
            result.files[job.path] = data
    result.files.update(statics)
    result.files.update(bundle_assets(library))
    result.files.update(export_files(library.entries))
    harvested, problems = harvest(config, library)
    result.files.update(harvested)
    result.diagnostics.extend(problems)
    result.files[".nojekyll"] = b""
    return result
